// Devices: registration, enrolment, revocation and the live fleet list.
import { z } from 'zod';
import { route, HttpError, UpstreamError } from '../route.ts';
import { EnrolRequest, EnrolResponse } from '../../../protocol/index.ts';
import {
  createDevice,
  enrolDevice,
  EnrolmentBusyError,
  EnrolmentError,
  getDevice,
  listDevices,
} from '../../devices/devices.ts';
import type { Revocation } from '../../devices/revocation.ts';
import { withinScope } from '../../areas/areas.ts';
import { audit } from '../../audit.ts';
import { msg, textOf } from '../../text/index.ts';
import type { HubContext } from '../../context.ts';
import { Device, DeviceList, NewDevice, NewDeviceBody, Revoked } from '../../api-contract/devices.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

export function deviceRoutes(ctx: HubContext) {
  /** Revocations are audited before the broker is told: the database has already refused the device. */
  const revocationRoute = (suffix: string, how: Revocation, action: string, summary: string) =>
    route({
      method: 'post',
      path: `/api/v1/devices/:id/${suffix}`,
      summary,
      tag: 'devices',
      access: ROLE_RULES.devices,
      response: Revoked,
      async handler({ req, user }) {
        const d = getDevice(ctx.db, String(req.params.id));
        if (!d || !withinScope(user!.scope, d.areaPath))
          throw new HttpError(404, msg('device.not-found', { id: String(req.params.id) }));
        if (d.decommissionedAt) throw new HttpError(409, msg('device.decommissioned', { id: d.id }));
        let result: { enrolToken?: string } = {};
        let brokerError: string | undefined;
        try {
          result = await ctx.revoker.revoke(d.id, how);
        } catch (e) {
          // The checks above leave only the broker to fail; the database is revoked by then.
          brokerError = (e as Error).message;
        }
        audit(ctx.db, user!.id, action, d.id, brokerError ? { brokerError } : undefined);
        if (brokerError) throw new HttpError(502, msg('device.broker-refused', { detail: brokerError }));
        const after = getDevice(ctx.db, d.id)!;
        return { deviceId: d.id, ...result, revokedAt: after.revokedAt, decommissionedAt: after.decommissionedAt };
      },
    });

  return [
    route({
      method: 'get',
      path: '/api/v1/devices',
      summary:
        'Devices in your area with live online state, last seen, telemetry and (LED boards) the display their agent reported; decommissioned ones only with all=true',
      tag: 'devices',
      access: 'user',
      response: DeviceList,
      query: z.object({ all: z.enum(['true', 'false']).optional().describe('true: decommissioned devices too') }),
      handler: ({ user, query }) => listDevices(ctx.db, user!.scope, { live: query.all !== 'true' }),
    }),
    route({
      method: 'get',
      path: '/api/v1/devices/:id',
      summary: 'One device',
      tag: 'devices',
      access: 'user',
      response: Device,
      handler({ req, user }) {
        const d = getDevice(ctx.db, String(req.params.id));
        if (!d || !withinScope(user!.scope, d.areaPath))
          throw new HttpError(404, msg('device.not-found', { id: String(req.params.id) }));
        return d;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/devices',
      summary: 'Register a device; returns its one-time enrolment token',
      tag: 'devices',
      access: ROLE_RULES.devices,
      response: NewDevice,
      body: NewDeviceBody,
      handler({ user, body, res }) {
        if (!withinScope(user!.scope, body.areaPath))
          throw new HttpError(403, msg('area.outside-your-area', { path: body.areaPath }));
        try {
          const r = createDevice(ctx.db, body, ctx.clock.now());
          audit(ctx.db, user!.id, 'device.create', r.device.id);
          res.status(201);
          return r;
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    revocationRoute(
      'enrol-token',
      'reenrol',
      'device.reenrol',
      'Issue a new enrolment token (replaced board): revokes the old credentials at once, as revoke does',
    ),
    revocationRoute(
      'revoke',
      'revoke',
      'device.revoke',
      'Revoke at once: the live MQTT session is closed, the credentials refused, no more manifests or commands; history stays. A new enrolment token brings it back',
    ),
    revocationRoute(
      'decommission',
      'decommission',
      'device.decommission',
      'Take out of service for good: revoked as above, gone from the live fleet, kept in reports',
    ),
    route({
      method: 'post',
      path: '/api/v1/enrol',
      summary:
        'Device enrolment: a one-time token and the device public key give MQTT credentials and the hub key. The same device (proof signed with its key) may repeat it within 15 minutes for a new password; 503 while another request with the token is in flight',
      tag: 'devices',
      access: 'public',
      response: EnrolResponse,
      body: EnrolRequest,
      async handler({ body }) {
        try {
          const r = await enrolDevice(ctx.db, body, {
            publicKeyPem: ctx.signer.publicKeyPem,
            topicPrefix: ctx.config.topicPrefix,
            now: () => ctx.clock.now(),
            provision: (id, pw, areaPath) =>
              ctx.deviceAccess.provision(id, pw, areaPath).catch((err) => {
                ctx.log.error({ deviceId: id, err: err.message }, 'enrolment: the broker refused the new login');
                // The device retries a 5xx; the installer reads why (not "internal error").
                throw new UpstreamError(503, msg('device.broker-refused', { detail: err.message }));
              }),
          });
          const { retried, ...answer } = r;
          // A retry: the device's earlier answer was lost and its login was replaced.
          audit(ctx.db, null, 'device.enrol', r.deviceId, retried ? { retry: true } : undefined);
          void ctx.dispatcher.refresh([r.deviceId], true);
          return answer;
        } catch (e) {
          if (e instanceof EnrolmentError) throw new HttpError(401, textOf(e));
          // Not a failed guess (a 5xx is not counted by the failure limit): the agent tries again.
          if (e instanceof EnrolmentBusyError) throw new UpstreamError(503, textOf(e));
          throw e;
        }
      },
    }),
  ];
}
