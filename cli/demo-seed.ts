// The demo's world: Hanoi's Thanh Xuan district with its 11 wards, three field devices, and the
// people who use the system. Idempotent: a second start finds everything already there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../hub/db/database.ts';
import { createArea, getAreaByPath } from '../hub/areas/areas.ts';
import { createUser, type Role } from '../hub/auth/users.ts';
import { randomSecret } from '../hub/auth/passwords.ts';
import { createDevice, getDevice, reissueEnrolToken } from '../hub/devices/devices.ts';
import type { DeviceKind } from '../protocol/index.ts';

export const DISTRICT = 'ha-noi/thanh-xuan';

export const WARDS: Array<[slug: string, name: string]> = [
  ['ha-dinh', 'Phường Hạ Đình'],
  ['khuong-dinh', 'Phường Khương Đình'],
  ['khuong-mai', 'Phường Khương Mai'],
  ['khuong-trung', 'Phường Khương Trung'],
  ['kim-giang', 'Phường Kim Giang'],
  ['nhan-chinh', 'Phường Nhân Chính'],
  ['phuong-liet', 'Phường Phương Liệt'],
  ['thanh-xuan-bac', 'Phường Thanh Xuân Bắc'],
  ['thanh-xuan-nam', 'Phường Thanh Xuân Nam'],
  ['thanh-xuan-trung', 'Phường Thanh Xuân Trung'],
  ['thuong-dinh', 'Phường Thượng Đình'],
];

export interface DemoDevice {
  id: string;
  name: string;
  kind: DeviceKind;
  ward: string;
  latitude: number;
  longitude: number;
  address: string;
}

export const DEMO_DEVICES: DemoDevice[] = [
  { id: 'loa-ha-dinh-01', name: 'Cụm loa Hạ Đình 01', kind: 'speaker', ward: 'ha-dinh', latitude: 20.9889, longitude: 105.8101, address: 'Ngõ 214 Nguyễn Xiển' },
  { id: 'loa-khuong-mai-01', name: 'Cụm loa Khương Mai 01', kind: 'speaker', ward: 'khuong-mai', latitude: 20.9968, longitude: 105.8262, address: 'Đường Khương Mai, gần nhà văn hóa' },
  { id: 'led-thanh-xuan-bac-01', name: 'Bảng LED Công viên Thanh Xuân', kind: 'led', ward: 'thanh-xuan-bac', latitude: 20.9957, longitude: 105.8003, address: 'Công viên Thanh Xuân, đường Khuất Duy Tiến' },
];

export const DEMO_USERS: Array<{ username: string; displayName: string; role: Role; areaPath: string }> = [
  { username: 'canbo.hadinh', displayName: 'Cán bộ phường Hạ Đình', role: 'operator', areaPath: `${DISTRICT}/ha-dinh` },
  { username: 'lanhdao.hadinh', displayName: 'Lãnh đạo phường Hạ Đình', role: 'approver', areaPath: `${DISTRICT}/ha-dinh` },
  { username: 'vanhoa.thanhxuan', displayName: 'Phòng Văn hóa và Thông tin Thanh Xuân', role: 'district', areaPath: DISTRICT },
];

export function seedAreas(db: Db): void {
  if (!getAreaByPath(db, 'ha-noi')) createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  if (!getAreaByPath(db, DISTRICT)) createArea(db, { parentPath: 'ha-noi', slug: 'thanh-xuan', name: 'Quận Thanh Xuân', level: 'district' });
  for (const [slug, name] of WARDS) if (!getAreaByPath(db, `${DISTRICT}/${slug}`)) createArea(db, { parentPath: DISTRICT, slug, name, level: 'ward' });
}

/** Demo users get random passwords, kept in the data folder so every start can print them. */
export async function seedUsers(db: Db, dataDir: string): Promise<Record<string, string>> {
  const file = path.join(dataDir, 'demo-users.json');
  const known: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  for (const u of DEMO_USERS) {
    if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(u.username)) continue;
    known[u.username] = randomSecret(9);
    await createUser(db, { ...u, password: known[u.username] });
  }
  writeFileSync(file, JSON.stringify(known, null, 2), { mode: 0o600 });
  return known;
}

/**
 * Registers the demo devices. Returns, per device, whether it was created now (its agent must
 * start afresh) and an enrolment token when its agent has to enrol.
 */
export function seedDevices(db: Db, hasIdentity: (id: string) => boolean): Map<string, { created: boolean; token?: string }> {
  const out = new Map<string, { created: boolean; token?: string }>();
  for (const d of DEMO_DEVICES) {
    if (!getDevice(db, d.id)) {
      out.set(d.id, { created: true, token: createDevice(db, { ...d, areaPath: `${DISTRICT}/${d.ward}` }).enrolToken });
    } else {
      out.set(d.id, { created: false, token: hasIdentity(d.id) ? undefined : reissueEnrolToken(db, d.id) });
    }
  }
  return out;
}
