// An imported CAP alert becomes an emergency draft, confirmed by the district before it airs; an
// Update replaces it and a Cancel ends it; what is refused leaves nothing stored. (The audio made
// from a resource or the description is in cap-api.peer.test.ts: it runs the engine and ffmpeg.)
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { createArea, setAreaCode } from '../areas/areas.ts';
import { createUser, type User } from '../auth/users.ts';
import { createDevice } from '../devices/devices.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { CapError } from './cap-parse.ts';
import { confirmCapDraft, importCap, ledOf, listCapAlerts } from './cap-import.ts';
import { matchAreas, nameKey } from './cap-areas.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/cap/${name}`, import.meta.url), 'utf8');
const DISTRICT = 'ha-noi/thanh-xuan';
const HA_DINH = `${DISTRICT}/ha-dinh`;
const KIM_GIANG = `${DISTRICT}/kim-giang`;
// 1 December 2026, 09:00 in Hanoi: after the alert was sent, long before it expires.
const NOW = Date.parse('2026-12-01T09:00:00+07:00');

let db: Db;
let district: User;
let ward: User;
const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const importFile = (name: string, now = NOW, user = district) =>
  importCap(db, { xml: fixture(name), user, source: 'upload' }, now);
async function refused(name: string, now = NOW) {
  const before = [count('cap_alerts'), count('broadcasts')];
  const e = await importFile(name, now).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CapError);
  expect([count('cap_alerts'), count('broadcasts')]).toEqual(before);
  return (e as CapError).msg!;
}

beforeEach(async () => {
  db = openDatabase(':memory:');
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  createArea(db, { parentPath: 'ha-noi', slug: 'thanh-xuan', name: 'Quận Thanh Xuân', level: 'district' });
  createArea(db, { parentPath: DISTRICT, slug: 'ha-dinh', name: 'Phường Hạ Đình', level: 'ward' });
  createArea(db, { parentPath: DISTRICT, slug: 'kim-giang', name: 'Phường Kim Giang', level: 'ward' });
  for (const [id, kind, areaPath] of [
    ['loa-hd-1', 'speaker', HA_DINH],
    ['led-hd-1', 'led', HA_DINH],
    ['loa-kg-1', 'speaker', KIM_GIANG],
    ['led-kg-1', 'led', KIM_GIANG],
  ] as const)
    createDevice(db, { id, name: id, kind, areaPath }, NOW);
  district = await createUser(db, {
    username: 'quan',
    password: 'password-quan',
    role: 'district',
    areaPath: DISTRICT,
  });
  ward = await createUser(db, { username: 'lanhdao', password: 'password-ld', role: 'approver', areaPath: HA_DINH });
});

describe('an Alert', () => {
  it('becomes an emergency draft with the Vietnamese headline on the boards and the wards it names', async () => {
    const r = await importFile('alert.xml');
    expect(r.outcome).toBe('draft');
    expect(r.broadcast).toMatchObject({
      status: 'submitted',
      priority: 'emergency',
      title: 'CAP: Cảnh báo bão số 9: người dân ở trong nhà, không ra đường',
      led: { pages: [{ lines: ['Cảnh báo bão số 9: người dân ở trong nhà, không ra đường'] }] },
      targets: { areas: [HA_DINH, KIM_GIANG], devices: [] },
      createdBy: district.id,
      mediaId: null,
    });
    // No audio maker here: the draft says so, in both languages.
    expect(r.alert.notes.map((n) => n.code)).toEqual(['cap.audio-unavailable']);
    expect(r.alert).toMatchObject({
      sender: 'canhbao@kttv.gov.vn',
      identifier: 'VN-KTTV-2026-1201-01',
      msgType: 'Alert',
    });
  });

  it('imported twice is one draft', async () => {
    const first = await importFile('alert.xml');
    const again = await importFile('alert.xml');
    expect(again.outcome).toBe('duplicate');
    expect(again.broadcast!.id).toBe(first.broadcast!.id);
    expect(count('cap_alerts')).toBe(1);
    expect(count('broadcasts')).toBe(1);
  });

  it('keeps the XML as received', async () => {
    await importFile('alert.xml');
    const { xml } = db.prepare('SELECT xml FROM cap_alerts').get() as { xml: string };
    expect(xml).toBe(fixture('alert.xml'));
  });

  it('airs only once the district confirms it, even when the district imported it', async () => {
    const { broadcast } = await importFile('alert.xml');
    expect(() => confirmCapDraft(db, ward, broadcast!.id, {}, NOW)).toThrow(/may not do this/);
    const b = confirmCapDraft(db, district, broadcast!.id, {}, NOW + 60_000);
    expect(b).toMatchObject({ status: 'approved', decidedBy: district.id, startsAt: NOW + 65_000 });
  });

  it('with no matching area targets nothing, says so, and needs areas to be confirmed', async () => {
    const r = await importFile('elsewhere.xml');
    expect(r.broadcast!.targets).toEqual({ areas: [], devices: [] });
    expect(r.alert.notes.map((n) => n.code)).toContain('cap.needs-areas');
    expect(() => confirmCapDraft(db, district, r.broadcast!.id, {}, NOW)).toThrow(/choose the areas/);
    expect(confirmCapDraft(db, district, r.broadcast!.id, { areas: [HA_DINH] }, NOW)).toMatchObject({
      status: 'approved',
      targets: { areas: [HA_DINH] },
    });
  });
});

describe('an Update', () => {
  it('of a draft not yet confirmed replaces it', async () => {
    const first = await importFile('alert.xml');
    const r = await importFile('update.xml');
    expect(r.outcome).toBe('update');
    expect(r.closed.map((b) => [b.id, b.status])).toEqual([[first.broadcast!.id, 'cancelled']]);
    expect(r.broadcast).toMatchObject({ status: 'submitted', replaces: null, targets: { areas: [KIM_GIANG] } });
    expect(r.broadcast!.led!.pages[0].lines[0]).toBe('Cập nhật bão số 9: gió giật cấp 10 ở phường Kim Giang');
  });

  it('of an airing alert is a draft that ends it once confirmed, never before', async () => {
    const first = await importFile('alert.xml');
    confirmCapDraft(db, district, first.broadcast!.id, {}, NOW);
    const r = await importFile('update.xml', NOW + 3600_000);
    expect(r.broadcast).toMatchObject({ status: 'submitted', replaces: first.broadcast!.id });
    expect(getBroadcast(db, first.broadcast!.id)!.status).toBe('approved');
    const b = confirmCapDraft(db, district, r.broadcast!.id, {}, NOW + 3660_000);
    expect(b.status).toBe('approved');
    expect(b.superseded).toMatchObject({ id: first.broadcast!.id, status: 'cancelled' });
  });

  it('of an unknown alert is refused', async () => {
    const m = await refused('update.xml');
    expect(m.code).toBe('cap.unknown-reference');
    expect(m.vi).toMatch(/^Bản cập nhật này tham chiếu cảnh báo chưa được nhập/);
  });
});

describe('a Cancel', () => {
  it('ends the airing alert it references, through its update', async () => {
    const first = await importFile('alert.xml');
    confirmCapDraft(db, district, first.broadcast!.id, {}, NOW);
    const upd = await importFile('update.xml', NOW + 3600_000);
    confirmCapDraft(db, district, upd.broadcast!.id, {}, NOW + 3660_000);
    const r = await importFile('cancel.xml', NOW + 5 * 3600_000);
    expect(r.outcome).toBe('cancel');
    expect(r.broadcast).toMatchObject({ id: upd.broadcast!.id, status: 'cancelled', cancelledAt: NOW + 5 * 3600_000 });
    expect(count('broadcasts')).toBe(2); // a Cancel never airs as a new alert
  });

  it('of an update still waiting cancels it and the alert still airing', async () => {
    const first = await importFile('alert.xml');
    confirmCapDraft(db, district, first.broadcast!.id, {}, NOW);
    const upd = await importFile('update.xml', NOW + 3600_000);
    const r = await importFile('cancel.xml', NOW + 2 * 3600_000);
    expect(r.closed.map((b) => [b.id, b.status]).sort()).toEqual(
      [
        [first.broadcast!.id, 'cancelled'],
        [upd.broadcast!.id, 'cancelled'],
      ].sort(),
    );
  });

  it('naming the first alert ends the update that replaced it', async () => {
    const first = await importFile('alert.xml');
    const upd = await importFile('update.xml'); // replaces the draft before it was confirmed
    confirmCapDraft(db, district, upd.broadcast!.id, {}, NOW + 60_000);
    const xml = fixture('cancel.xml').replace(
      'VN-KTTV-2026-1201-02,2026-12-01T10:00:00',
      'VN-KTTV-2026-1201-01,2026-12-01T08:00:00',
    );
    const r = await importCap(db, { xml, user: district, source: 'upload' }, NOW + 7200_000);
    expect(r.closed.map((b) => b.id)).toEqual([upd.broadcast!.id]);
    expect(getBroadcast(db, upd.broadcast!.id)!.status).toBe('cancelled');
    expect(getBroadcast(db, first.broadcast!.id)!.status).toBe('cancelled');
  });

  it('by an account of another district is refused: the alert is not its to end', async () => {
    await importFile('alert.xml');
    createArea(db, { parentPath: 'ha-noi', slug: 'cau-giay', name: 'Quận Cầu Giấy', level: 'district' });
    const other = await createUser(db, {
      username: 'caugiay',
      password: 'password-cg',
      role: 'district',
      areaPath: 'ha-noi/cau-giay',
    });
    const before = count('cap_alerts');
    await expect(importFile('update.xml', NOW, other)).rejects.toThrow(
      /you may not cancel broadcasts for "ha-noi\/thanh-xuan\/ha-dinh"/,
    );
    expect(count('cap_alerts')).toBe(before);
  });

  it('of an unknown alert is refused', async () => {
    expect((await refused('unknown-reference.xml')).code).toBe('cap.unknown-reference');
  });
});

describe('refused, storing nothing', () => {
  it('an expired alert', async () => {
    const m = await refused('expired.xml');
    expect(m.code).toBe('cap.expired');
    expect(m.vi).toBe('Cảnh báo đã hết hiệu lực lúc 16/10/2020 06:00: không còn gì để phát.');
    expect(m.en).toBe('the alert expired at 16/10/2020 06:00: nothing to broadcast');
  });

  it('an alert that expires while waiting: at its expiry it is refused', async () => {
    expect((await refused('alert.xml', Date.parse('2099-12-31T23:00:00+07:00'))).code).toBe('cap.expired');
  });

  it('an exercise, test, system or draft message', async () => {
    expect((await refused('exercise.xml')).code).toBe('cap.not-actual');
  });

  it('a malformed file, another namespace, a missing info', async () => {
    expect((await refused('malformed.xml')).code).toBe('cap.malformed');
    expect((await refused('wrong-namespace.xml')).code).toBe('cap.not-cap12');
    expect((await refused('missing-info.xml')).code).toBe('cap.invalid');
    expect(listCapAlerts(db)).toEqual([]);
  });
});

describe('areas and boards', () => {
  it('match by name, whatever the administrative word, case or Unicode form', () => {
    expect(nameKey('  PHƯỜNG  Hạ Đình ')).toBe('hạ đình');
    const byName = (...descs: string[]) => descs.map((areaDesc) => ({ areaDesc, geocode: [] }));
    expect(matchAreas(db, byName('Ha Dinh'), null)).toEqual([]);
    expect(matchAreas(db, byName('hạ đình'.normalize('NFD')), null)).toEqual([HA_DINH]);
    expect(matchAreas(db, byName('Quận Thanh Xuân; Phường Kim Giang'), null)).toEqual([DISTRICT]);
    expect(matchAreas(db, byName('Kim Giang'), HA_DINH)).toEqual([]);
  });

  it("match by an area's administrative code before its name; an unknown code falls back to the name", () => {
    setAreaCode(db, KIM_GIANG, '00367');
    try {
      const coded = (areaDesc: string, value: string) => [{ areaDesc, geocode: [{ valueName: 'MA_XA', value }] }];
      // The code names Kim Giang though the text says Hạ Đình: the code is the exact one.
      expect(matchAreas(db, coded('Phường Hạ Đình', '00367'), null)).toEqual([KIM_GIANG]);
      expect(matchAreas(db, coded('Phường Hạ Đình', '99999'), null)).toEqual([HA_DINH]);
      expect(matchAreas(db, coded('Khu dân cư', '00367'), HA_DINH)).toEqual([]);
      expect(() => setAreaCode(db, HA_DINH, '00367')).toThrow(
        /already the code of area "ha-noi\/thanh-xuan\/kim-giang"/,
      );
      expect(() => setAreaCode(db, HA_DINH, '3670')).toThrow(/2 digits for a province, 3 for a district, 5 for a ward/);
    } finally {
      setAreaCode(db, KIM_GIANG, null);
    }
  });

  it('put a long headline on pages cut at a word', () => {
    const led = ledOf(`${'mưa lớn '.repeat(40)}kết thúc`);
    expect(led.pages.length).toBe(2);
    expect(led.pages.every((p) => p.lines[0].length <= 200)).toBe(true);
    expect(led.pages.map((p) => p.lines[0]).join(' ')).toBe(`${'mưa lớn '.repeat(40)}kết thúc`);
  });
});
