import { z } from 'zod';
import { route, HttpError } from '../route.ts';
import { DeviceKind, EnrolRequest } from '../../../protocol/index.ts';
import { createDevice, enrolDevice, EnrolmentError, getDevice, listDevices, reissueEnrolToken } from '../../devices/devices.ts';
import { createArea, listAreas, withinScope } from '../../areas/areas.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';

export function deviceRoutes(ctx: HubContext) {
  return [
    route({ method: 'get', path: '/api/v1/areas', summary: 'The area tree (flat, ordered by path)', tag: 'areas', access: 'user', handler: () => listAreas(ctx.db) }),
    route({
      method: 'post',
      path: '/api/v1/areas',
      summary: 'Create an area under a parent',
      tag: 'areas',
      access: ['admin'],
      body: z.object({ parentPath: z.string().nullable().optional(), slug: z.string(), name: z.string().min(1).max(200), level: z.string().min(1).max(40) }),
      handler({ user, body, res }) {
        try {
          const a = createArea(ctx.db, body);
          audit(ctx.db, user!.id, 'area.create', a.path);
          res.status(201);
          return a;
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/devices',
      summary: 'Devices in your area with live online state, last seen and telemetry',
      tag: 'devices',
      access: 'user',
      handler: ({ user }) => listDevices(ctx.db, user!.scope),
    }),
    route({
      method: 'get',
      path: '/api/v1/devices/:id',
      summary: 'One device',
      tag: 'devices',
      access: 'user',
      handler({ req, user }) {
        const d = getDevice(ctx.db, String(req.params.id));
        if (!d || !withinScope(user!.scope, d.areaPath)) throw new HttpError(404, `device "${req.params.id}" does not exist`);
        return d;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/devices',
      summary: 'Register a device; returns its one-time enrolment token',
      tag: 'devices',
      access: ['admin', 'district'],
      body: z.object({
        id: z.string(),
        name: z.string().min(1).max(200),
        kind: DeviceKind,
        areaPath: z.string(),
        latitude: z.number().min(-90).max(90).optional(),
        longitude: z.number().min(-180).max(180).optional(),
        address: z.string().max(300).optional(),
      }),
      handler({ user, body, res }) {
        if (!withinScope(user!.scope, body.areaPath)) throw new HttpError(403, `area "${body.areaPath}" is outside your area`);
        try {
          const r = createDevice(ctx.db, body);
          audit(ctx.db, user!.id, 'device.create', r.device.id);
          res.status(201);
          return r;
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/devices/:id/enrol-token',
      summary: 'Issue a new enrolment token (replaced board); the old credentials stop working',
      tag: 'devices',
      access: ['admin', 'district'],
      handler({ req, user }) {
        const d = getDevice(ctx.db, String(req.params.id));
        if (!d || !withinScope(user!.scope, d.areaPath)) throw new HttpError(404, `device "${req.params.id}" does not exist`);
        const enrolToken = reissueEnrolToken(ctx.db, d.id);
        audit(ctx.db, user!.id, 'device.reenrol', d.id);
        return { deviceId: d.id, enrolToken };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/enrol',
      summary: 'Device enrolment: a one-time token and the device public key give MQTT credentials and the hub key',
      tag: 'devices',
      access: 'public',
      body: EnrolRequest,
      async handler({ body }) {
        try {
          const r = await enrolDevice(ctx.db, body, { publicKeyPem: ctx.signer.publicKeyPem, topicPrefix: ctx.config.topicPrefix });
          audit(ctx.db, null, 'device.enrol', r.deviceId);
          void ctx.dispatcher.refresh([r.deviceId], true);
          return r;
        } catch (e) {
          if (e instanceof EnrolmentError) throw new HttpError(401, e.message);
          throw e;
        }
      },
    }),
  ];
}
