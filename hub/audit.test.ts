// The audit log names what its entries mention (issue 13.10): the UI writes sentences from names,
// not ids. Through HTTP against a real hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, type World } from '../test/helpers/world.ts';
import { formatVn } from './time.ts';
import type { AuditEntry } from '../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [{ id: 'led-hd-1', kind: 'led', area: HA_DINH, name: 'Bảng LED Hạ Đình' }]);
});
afterAll(() => t?.stop());

describe('audit entries carry names', () => {
  it('the user’s display name, the bulletin’s title, and the areas and devices its detail mentions', async () => {
    const tomorrow = formatVn(Date.now() + 86_400_000)!.slice(0, 10);
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Bản tin sáng',
      led: { pages: [{ lines: ['Thông báo'], mode: 'hold', seconds: 8 }] },
      targets: { areas: [HA_DINH], devices: ['led-hd-1'] },
      startsAt: `${tomorrow}T09:00`,
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const log = await w.leader.get('/api/v1/audit');
    const submit = log.find((e: AuditEntry) => e.action === 'broadcast.submit' && e.target === b.id);
    expect(submit).toMatchObject({
      username: 'canbo',
      userName: 'canbo',
      targetName: 'Bản tin sáng',
      names: { [HA_DINH]: 'Phường Hạ Đình', 'led-hd-1': 'Bảng LED Hạ Đình' },
    });
    expect(log.find((e: AuditEntry) => e.action === 'broadcast.approve' && e.target === b.id)).toMatchObject({
      targetName: 'Bản tin sáng',
    });
    expect((await t.admin.get('/api/v1/audit')).find((e: AuditEntry) => e.action === 'device.create')).toMatchObject({
      target: 'led-hd-1',
      targetName: 'Bảng LED Hạ Đình',
    });
  });

  it('an emergency is approved without a note: its reason is a code, not English text', async () => {
    const e = await w.district.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp',
      led: { pages: [{ lines: ['BÃO'], mode: 'flash', seconds: 8 }] },
      priority: 'emergency',
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: 'now',
    });
    expect(e).toMatchObject({ status: 'approved', decisionNote: null, decisionCode: 'emergency-self-approved' });
  });
});

describe('migration 9', () => {
  it('turns the English sentence an emergency used to store into its code, and keeps every other note', async () => {
    const Database = (await import('better-sqlite3')).default;
    const { MIGRATIONS } = await import('./db/migrations.ts');
    const { migrate } = await import('./db/database.ts');
    const db = new Database(':memory:');
    const nine = MIGRATIONS.findIndex((m) => m.includes('decision_code'));
    for (let v = 0; v < nine; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${nine}`);
    db.prepare(
      "INSERT INTO users(id, username, display_name, password_hash, role, created_at) VALUES (1, 'quan', 'Quận', 'x', 'district', 0)",
    ).run();
    const ins = db.prepare(
      "INSERT INTO broadcasts(id, title, priority, volume, duration_ms, status, created_by, created_at, decision_note) VALUES (?, 't', 'normal', 70, 1000, ?, 1, 0, ?)",
    );
    ins.run('old-emergency', 'approved', 'emergency sent by the district office: approval waived');
    ins.run('rejected', 'rejected', 'Sai giờ');
    migrate(db);
    const rows = db
      .prepare('SELECT id, decision_note AS note, decision_code AS code FROM broadcasts ORDER BY id')
      .all();
    expect(rows).toEqual([
      { id: 'old-emergency', note: null, code: 'emergency-self-approved' },
      { id: 'rejected', note: 'Sai giờ', code: null },
    ]);
    db.close();
  });
});
