// The demo's world: Hanoi's Thanh Xuan district with its 11 wards (and approximate outlines for
// the map), three field devices, the people who use the system, a campaign (chuyên đề) over the
// wards, and last month's periodic report. Idempotent: a second start finds everything already there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db/database.ts';
import { createArea, getAreaByPath } from './areas/areas.ts';
import { hasBoundaryUnder, importBoundaries, type Position } from './areas/boundaries.ts';
import { voronoiOutlines } from './areas/approximate-outlines.ts';
import { createUser, type Role } from './auth/users.ts';
import { randomSecret } from './auth/passwords.ts';
import { createDevice, getDevice, reissueEnrolToken } from './devices/devices.ts';
import { createCampaign, listCampaigns, type CampaignRecord } from './campaigns/campaigns.ts';
import { generateReport, reportExists, ReportStateError } from './periodic-reports/store.ts';
import type { BuildDocument } from './periodic-reports/report-document.ts';
import { periodAt, previousPeriod } from './periodic-reports/period.ts';
import { VN_OFFSET_MS } from './time.ts';
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

// No official ward boundaries are available offline, so the demo's outlines are made up from
// rough ward centres and a rough district outline (neither surveyed nor checked against a map of
// record). They put each demo device in its own ward (a test checks that) and nothing more:
// replace them with official outlines through POST /api/v1/areas/boundaries/import.
export const APPROXIMATE_SOURCE =
  'approximate: Voronoi cells around ward centres inside a rough district outline (demo data); replace with official boundaries';

/** Rough ward centres, [latitude, longitude]. */
export const WARD_CENTRES: Record<string, [latitude: number, longitude: number]> = {
  'nhan-chinh': [21.0035, 105.804],
  'thuong-dinh': [20.999, 105.814],
  'khuong-trung': [20.9985, 105.8215],
  'khuong-mai': [20.996, 105.829],
  'phuong-liet': [21.0, 105.8365],
  'khuong-dinh': [20.992, 105.8175],
  'kim-giang': [20.9835, 105.816],
  'ha-dinh': [20.9905, 105.8095],
  'thanh-xuan-trung': [20.9962, 105.806],
  'thanh-xuan-bac': [20.9935, 105.7985],
  'thanh-xuan-nam': [20.986, 105.7985],
};

/** A rough outline of Quận Thanh Xuân, [longitude, latitude] as in GeoJSON, clockwise from the north-west. */
export const DISTRICT_OUTLINE: Position[] = [
  [105.7945, 21.0045],
  [105.801, 21.009],
  [105.809, 21.008],
  [105.8195, 21.004],
  [105.83, 21.002],
  [105.842, 21.0025],
  [105.8415, 20.993],
  [105.832, 20.99],
  [105.824, 20.984],
  [105.822, 20.977],
  [105.81, 20.98],
  [105.8, 20.9815],
  [105.792, 20.986],
  [105.7915, 20.996],
  [105.7945, 21.0045],
];

/** The demo outlines as a GeoJSON FeatureCollection keyed by area path, the district's included. */
export function demoBoundaries() {
  const cells = voronoiOutlines(
    WARDS.map(([slug]) => ({ key: slug, latitude: WARD_CENTRES[slug][0], longitude: WARD_CENTRES[slug][1] })),
    DISTRICT_OUTLINE,
  );
  const feature = (path: string, name: string, ring: Position[]) => ({
    type: 'Feature' as const,
    properties: { path, name },
    geometry: { type: 'Polygon' as const, coordinates: [ring] },
  });
  return {
    type: 'FeatureCollection' as const,
    features: [
      feature(DISTRICT, 'Quận Thanh Xuân', [...DISTRICT_OUTLINE].reverse()), // RFC 7946: exterior rings counter-clockwise
      ...WARDS.map(([slug, name]) => feature(`${DISTRICT}/${slug}`, name, cells.get(slug)!)),
    ],
  };
}

/** Stores the approximate outlines unless the district already has outlines (perhaps official ones). */
export function seedBoundaries(db: Db): void {
  if (hasBoundaryUnder(db, DISTRICT)) return;
  importBoundaries(db, demoBoundaries(), { matchBy: 'path', source: APPROXIMATE_SOURCE });
}

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
  {
    id: 'loa-ha-dinh-01',
    name: 'Cụm loa Hạ Đình 01',
    kind: 'speaker',
    ward: 'ha-dinh',
    latitude: 20.9889,
    longitude: 105.8101,
    address: 'Ngõ 214 Nguyễn Xiển',
  },
  {
    id: 'loa-khuong-mai-01',
    name: 'Cụm loa Khương Mai 01',
    kind: 'speaker',
    ward: 'khuong-mai',
    latitude: 20.9968,
    longitude: 105.8262,
    address: 'Đường Khương Mai, gần nhà văn hóa',
  },
  {
    id: 'led-thanh-xuan-bac-01',
    name: 'Bảng LED Công viên Thanh Xuân',
    kind: 'led',
    ward: 'thanh-xuan-bac',
    latitude: 20.9957,
    longitude: 105.8003,
    address: 'Công viên Thanh Xuân, đường Khuất Duy Tiến',
  },
];

export const DEMO_USERS: Array<{ username: string; displayName: string; role: Role; areaPath: string }> = [
  { username: 'canbo.hadinh', displayName: 'Cán bộ phường Hạ Đình', role: 'operator', areaPath: `${DISTRICT}/ha-dinh` },
  {
    username: 'lanhdao.hadinh',
    displayName: 'Lãnh đạo phường Hạ Đình',
    role: 'approver',
    areaPath: `${DISTRICT}/ha-dinh`,
  },
  {
    username: 'vanhoa.thanhxuan',
    displayName: 'Phòng Văn hóa và Thông tin Thanh Xuân',
    role: 'district',
    areaPath: DISTRICT,
  },
  // The second person at the district: approves what the office schedules district-wide (the relay).
  {
    username: 'truongphong.thanhxuan',
    displayName: 'Trưởng phòng Văn hóa và Thông tin Thanh Xuân',
    role: 'district',
    areaPath: DISTRICT,
  },
];

export function seedAreas(db: Db): void {
  if (!getAreaByPath(db, 'ha-noi')) createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  if (!getAreaByPath(db, DISTRICT))
    createArea(db, { parentPath: 'ha-noi', slug: 'thanh-xuan', name: 'Quận Thanh Xuân', level: 'district' });
  for (const [slug, name] of WARDS)
    if (!getAreaByPath(db, `${DISTRICT}/${slug}`)) createArea(db, { parentPath: DISTRICT, slug, name, level: 'ward' });
  seedBoundaries(db);
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
export function seedDevices(
  db: Db,
  hasIdentity: (id: string) => boolean,
): Map<string, { created: boolean; token?: string }> {
  const out = new Map<string, { created: boolean; token?: string }>();
  for (const d of DEMO_DEVICES) {
    if (!getDevice(db, d.id)) {
      out.set(d.id, {
        created: true,
        token: createDevice(db, { ...d, areaPath: `${DISTRICT}/${d.ward}` }, Date.now()).enrolToken,
      });
    } else {
      out.set(d.id, { created: false, token: hasIdentity(d.id) ? undefined : reissueEnrolToken(db, d.id, Date.now()) });
    }
  }
  return out;
}

/** The demo's campaign: Hồ Chí Minh City's Resolution 98, explained in every ward (issue 14's example). */
export const DEMO_CAMPAIGN = {
  name: 'Tuyên truyền Nghị quyết 98',
  target: { bulletins: 3, per: 'week' as const },
  note: 'Demo: mỗi loa phát ít nhất 3 bản tin mỗi tuần về Nghị quyết 98/2023/QH15.',
};

/**
 * The demo's campaign over the district's wards, from the first of this month (Vietnam) to the end
 * of the month after next, created by the district office; found by name on a later start.
 */
export function seedCampaign(db: Db, now: number): CampaignRecord {
  const found = listCampaigns(db, { archived: true }).find((c) => c.name === DEMO_CAMPAIGN.name);
  if (found) return found;
  const d = new Date(now + VN_OFFSET_MS);
  const ymd = (t: Date) => t.toISOString().slice(0, 10);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 0)); // day 0: the last of the month before
  const office = db.prepare("SELECT id FROM users WHERE username = 'vanhoa.thanhxuan'").pluck().get() as number;
  return createCampaign(
    db,
    {
      ...DEMO_CAMPAIGN,
      from: ymd(first),
      to: ymd(last),
      areas: WARDS.map(([slug]) => `${DISTRICT}/${slug}`),
    },
    office,
    now,
  );
}

/**
 * Last month's report of the district, as the hub's scheduler would have made it at the month's
 * end. A fresh demo has no history (its devices and bulletins start now), so its figures are
 * those of last month's evidence, usually none; the scheduler made it already when the hub ran then.
 */
export async function seedLastMonthReport(db: Db, now: number, graceMs: number): Promise<string> {
  const key = { areaPath: DISTRICT, kind: 'month' as const, period: previousPeriod(periodAt('month', now)).period };
  if (!reportExists(db, key)) await generateReport(db, key, now, graceMs);
  return key.period;
}

/**
 * This month's report of the district so far, once the demo has aired its bulletins, relay and
 * emergency: a draft whose figures come from those admitted receipts (the scheduler regenerates it
 * for the whole month at the month's end). One signed on an earlier run is left as signed.
 */
export async function seedMonthSoFarReport(
  db: Db,
  now: number,
  graceMs: number,
  build?: BuildDocument,
): Promise<string> {
  const key = { areaPath: DISTRICT, kind: 'month' as const, period: periodAt('month', now).period };
  try {
    await generateReport(db, key, now, graceMs, build);
  } catch (e) {
    if (!(e instanceof ReportStateError)) throw e;
  }
  return key.period;
}
