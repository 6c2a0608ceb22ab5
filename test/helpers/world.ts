// A small world for end-to-end tests: a district with two wards, their officials, and devices
// registered through the API (each with its enrolment token).
import type { TestHub } from './test-hub.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import type { Device } from '../helpers/api-types.ts';

export const DISTRICT = 'ha-noi/thanh-xuan';
export const HA_DINH = `${DISTRICT}/ha-dinh`;
export const KIM_GIANG = `${DISTRICT}/kim-giang`;

export interface World {
  official: ApiClient;
  leader: ApiClient;
  district: ApiClient;
  tokens: Record<string, string>;
}

export async function seedWorld(
  t: Pick<TestHub, 'admin' | 'api'>,
  devices: Array<{ id: string; kind: 'speaker' | 'led'; area: string; name?: string }>,
): Promise<World> {
  const a = t.admin;
  await a.post('/api/v1/areas', { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  await a.post('/api/v1/areas', {
    parentPath: 'ha-noi',
    slug: 'thanh-xuan',
    name: 'Quận Thanh Xuân',
    level: 'district',
  });
  await a.post('/api/v1/areas', { parentPath: DISTRICT, slug: 'ha-dinh', name: 'Phường Hạ Đình', level: 'ward' });
  await a.post('/api/v1/areas', { parentPath: DISTRICT, slug: 'kim-giang', name: 'Phường Kim Giang', level: 'ward' });
  await a.post('/api/v1/users', {
    username: 'canbo',
    password: 'password-canbo',
    role: 'operator',
    areaPath: DISTRICT,
  });
  await a.post('/api/v1/users', {
    username: 'lanhdao',
    password: 'password-lanhdao',
    role: 'approver',
    areaPath: DISTRICT,
  });
  await a.post('/api/v1/users', { username: 'quan', password: 'password-quan', role: 'district', areaPath: DISTRICT });
  const tokens: Record<string, string> = {};
  for (const d of devices) {
    tokens[d.id] = (
      await a.post('/api/v1/devices', { id: d.id, name: d.name ?? d.id, kind: d.kind, areaPath: d.area })
    ).enrolToken;
  }
  return {
    official: await t.api.as('canbo', 'password-canbo'),
    leader: await t.api.as('lanhdao', 'password-lanhdao'),
    district: await t.api.as('quan', 'password-quan'),
    tokens,
  };
}

export { waitForBroadcastResults as waitForResults } from '../../cli/api-client.ts';

export function waitOnline(api: ApiClient, ids: string[], timeoutMs = 30_000) {
  return api.waitFor(
    async () => {
      const ds = await api.get('/api/v1/devices');
      return ids.every((id) => ds.find((d: Device) => d.id === id)?.online) ? ds : null;
    },
    timeoutMs,
    `devices ${ids.join(', ')} online`,
  );
}
