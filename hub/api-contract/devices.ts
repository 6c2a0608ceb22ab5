// Devices: the fleet list, registration, revocation and enrolment.
import { z } from 'zod';
import { DeviceKind, LedDisplay, Telemetry } from '../../protocol/schemas.ts';

export const Device = z.object({
  id: z.string(),
  name: z.string(),
  kind: DeviceKind,
  areaPath: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  address: z.string(),
  enrolled: z.boolean(),
  online: z.boolean(),
  session: z.number().int(),
  lastSeen: z.string().nullable(),
  agentVersion: z.string().nullable(),
  capabilities: z
    .array(z.string())
    .nullable()
    .describe('what its agent announced it can do in its last birth (e.g. "relay"); null until it has'),
  telemetry: Telemetry.nullable(),
  display: LedDisplay.nullable().describe("an LED board's display as its agent last reported it; null until it has"),
  manifestVersion: z.number().int(),
  revokedAt: z.string().nullable().describe('when its credentials were last revoked; null when never'),
  decommissionedAt: z.string().nullable().describe('out of service for good: kept for reports, gone from the fleet'),
});
export type Device = z.infer<typeof Device>;
export const DeviceList = z.array(Device);

export const NewDeviceBody = z.object({
  id: z.string(),
  name: z.string().min(1).max(200),
  kind: DeviceKind,
  areaPath: z.string(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  address: z.string().max(300).optional(),
});
export const NewDevice = z.object({ device: Device, enrolToken: z.string().describe('one-time; shown once') });

export const Revoked = z.object({
  deviceId: z.string(),
  enrolToken: z.string().optional().describe('a new one-time enrolment token (enrol-token only)'),
  revokedAt: z.string().nullable(),
  decommissionedAt: z.string().nullable(),
});
