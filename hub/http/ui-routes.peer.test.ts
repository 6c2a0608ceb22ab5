// The routes behind the web UI, through HTTP against a real hub: quiet hours refuse normal
// bulletins (with the times named) and let emergencies through; a draft's conflicts follow the
// priority rule; the week schedule; waveform peaks from ffmpeg (cached); the PDF report keeps
// Vietnamese text (DejaVu Sans embedded, every code point mapped for text extraction).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, type World } from '../../test/helpers/world.ts';
import { vietnameseSpeech } from '../../test/helpers/audio.ts';
import { tempDir } from '../media/test-audio.ts';
import { PDF_FONT } from '../reports/coverage-pdf.ts';
import { formatVn } from '../time.ts';
import { DAY_MS as DAY, systemClock, type Clock } from '../../protocol/index.ts';
import type { Conflict, DayOccurrence, HubJson } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
let mediaId: number;
// The hub's clock starts at 08:00 on 15/06/2027 (Vietnam) and runs at the real pace: the bulletins
// below, days ahead, and the month the PDF reports on are the same whatever today's date is (on the
// machine's clock, near a month's end, they would fall into the next month).
const HUB_START = Date.UTC(2027, 5, 15, 1, 0);
const realStart = Date.now();
const clock: Clock = { ...systemClock, now: () => HUB_START + (Date.now() - realStart) };
const vnDay = (offsetDays: number) => formatVn(clock.now() + offsetDays * DAY)!.slice(0, 10);

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock });
  w = await seedWorld(t, [
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
  ]);
  const file = vietnameseSpeech(tempDir('ui'), 'Thông báo của phường Hạ Đình', 'mp3');
  const up = await w.official.upload('/api/v1/media', file, 'thong-bao.mp3');
  const m = await w.official.waitFor(
    async () => {
      const x = await w.official.get(`/api/v1/media/${up.id}`);
      return x.status === 'ready' ? x : null;
    },
    60_000,
    'media ready',
  );
  mediaId = m.id;
});
afterAll(() => t?.stop());

const broadcast = (o: Record<string, unknown>) => ({
  title: 'Bản tin',
  mediaId,
  priority: 'normal',
  volume: 60,
  targets: { areas: [HA_DINH], devices: [] },
  ...o,
});

async function status(p: Promise<unknown>): Promise<{ status: number; body: HubJson }> {
  try {
    return { status: 200, body: await p };
  } catch (e) {
    const m = /→ (\d+): (.*)$/s.exec((e as Error).message);
    return { status: Number(m?.[1] ?? 0), body: m?.[2] };
  }
}

describe('quiet hours', () => {
  it('only leaders, the district or admins set them, inside their area', async () => {
    expect(
      (await status(w.official.post('/api/v1/quiet-hours', { areaPath: HA_DINH, start: '22:00', end: '05:30' })))
        .status,
    ).toBe(403);
    expect(
      (await status(w.leader.post('/api/v1/quiet-hours', { areaPath: HA_DINH, start: '25:00', end: '05:30' }))).body,
    ).toMatch(/not a time of day/);
    const q = await w.leader.post('/api/v1/quiet-hours', {
      areaPath: HA_DINH,
      start: '22:00',
      end: '05:30',
      note: 'Nghỉ đêm',
    });
    expect(q).toMatchObject({ areaPath: HA_DINH, areaName: 'Phường Hạ Đình', start: '22:00', end: '05:30' });
    expect(await w.official.get('/api/v1/quiet-hours')).toHaveLength(1);
  });

  it('refuse a normal bulletin in them, naming the times; a daily rule that touches them too', async () => {
    const r = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.official.token}` },
      body: JSON.stringify(broadcast({ startsAt: `${vnDay(1)}T23:15` })),
    });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.code).toBe('quiet-hours');
    expect(body.error).toContain(`${vnDay(1)} 23:15 falls in the quiet hours 22:00–05:30 of Phường Hạ Đình`);
    expect(body.clashes[0].window.start).toBe('22:00');

    const daily = await status(
      w.official.post(
        '/api/v1/broadcasts',
        broadcast({
          rrule: `DTSTART:${vnDay(1).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;COUNT=6;BYHOUR=6,22;BYMINUTE=0;BYSECOND=0`,
        }),
      ),
    );
    expect(daily.status).toBe(400);
    expect(daily.body).toMatch(
      /22:00 falls in the quiet hours 22:00–05:30 of Phường Hạ Đình \(and 2 more occurrences\)/,
    );
  });

  it('let priority and emergency bulletins through, and normal ones outside them', async () => {
    expect(
      (await w.official.post('/api/v1/broadcasts', broadcast({ priority: 'priority', startsAt: `${vnDay(1)}T23:15` })))
        .status,
    ).toBe('submitted');
    const em = await w.district.post(
      '/api/v1/broadcasts',
      broadcast({ priority: 'emergency', startsAt: `${vnDay(1)}T23:30`, targets: { areas: [DISTRICT], devices: [] } }),
    );
    expect(em.status).toBe('approved');
    expect((await w.official.post('/api/v1/broadcasts', broadcast({ startsAt: `${vnDay(1)}T07:00` }))).status).toBe(
      'submitted',
    );
  });

  it('stop the approval of a bulletin submitted before the quiet hours were set', async () => {
    const b = await w.official.post(
      '/api/v1/broadcasts',
      broadcast({ title: 'Trước giờ yên tĩnh', startsAt: `${vnDay(2)}T12:10` }),
    );
    const lunch = await w.leader.post('/api/v1/quiet-hours', { areaPath: HA_DINH, start: '12:00', end: '13:00' });
    const r = await status(w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {}));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/12:10 falls in the quiet hours 12:00–13:00/);
    await fetch(`${t.hub.httpUrl}/api/v1/quiet-hours/${lunch.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${w.leader.token}` },
    });
    expect((await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {})).status).toBe('approved');
  });
});

describe('draft check', () => {
  it('lists overlaps on the same devices, classified by the priority rule, without saving anything', async () => {
    const before = (await w.official.get('/api/v1/broadcasts')).length;
    // The district's priority bulletin at 09:00 the day after tomorrow.
    const d = await w.district.post(
      '/api/v1/broadcasts',
      broadcast({
        title: 'Tin ưu tiên của quận',
        priority: 'priority',
        startsAt: `${vnDay(3)}T09:00`,
        targets: { areas: [DISTRICT], devices: [] },
      }),
    );
    await w.leader.post(`/api/v1/broadcasts/${d.id}/approve`, {});
    const check = await w.official.post(
      '/api/v1/broadcasts/check',
      broadcast({ title: 'Tin của phường', priority: 'priority', startsAt: `${vnDay(3)}T09:00` }),
    );
    expect(check.occurrences).toBe(1);
    expect(check.quietHours).toEqual([]);
    const mine = check.conflicts.filter((c: Conflict) => c.broadcastId === d.id);
    expect(mine).toHaveLength(1); // the speaker; the LED board has nothing to show for audio only
    expect(mine[0]).toMatchObject({
      kind: 'decision',
      deviceId: 'loa-hd-1',
      otherLevel: 'higher',
      priority: 'priority',
      status: 'approved',
    });

    const normal = await w.official.post('/api/v1/broadcasts/check', broadcast({ startsAt: `${vnDay(3)}T09:00` }));
    expect(normal.conflicts.find((c: Conflict) => c.broadcastId === d.id).kind).toBe('preempted');
    const later = await w.official.post('/api/v1/broadcasts/check', broadcast({ startsAt: `${vnDay(3)}T10:00` }));
    expect(later.conflicts.filter((c: Conflict) => c.broadcastId === d.id)).toEqual([]);
    const quiet = await w.official.post('/api/v1/broadcasts/check', broadcast({ startsAt: `${vnDay(3)}T22:30` }));
    expect(quiet.quietHours[0].window).toMatchObject({ start: '22:00', end: '05:30' });
    expect((await w.official.get('/api/v1/broadcasts')).length).toBe(before + 1);
  });

  it('a stored broadcast checked again (a leader reviewing it) does not clash with itself', async () => {
    const body = broadcast({ title: 'Xem lại', startsAt: `${vnDay(5)}T15:00` });
    const b = await w.official.post('/api/v1/broadcasts', body);
    const plain = await w.leader.post('/api/v1/broadcasts/check', body);
    expect(plain.conflicts.map((c: Conflict) => c.broadcastId)).toContain(b.id);
    const review = await w.leader.post(`/api/v1/broadcasts/check?exclude=${b.id}`, body);
    expect(review.conflicts.map((c: Conflict) => c.broadcastId)).not.toContain(b.id);
  });

  it('names a bad draft', async () => {
    expect(
      (await status(w.official.post('/api/v1/broadcasts/check', broadcast({ rrule: 'RRULE:FREQ=DAILY' })))).body,
    ).toMatch(/DTSTART/);
  });
});

describe('week schedule', () => {
  it('returns occurrences of the ward and of broadcasts above it, with status', async () => {
    const from = `${vnDay(0)}T00:00`;
    const to = `${vnDay(7)}T00:00`;
    const occ = await w.official.get(`/api/v1/schedule?area=${encodeURIComponent(HA_DINH)}&from=${from}&to=${to}`);
    const titles = occ.map((o: DayOccurrence) => o.title);
    expect(titles).toContain('Tin ưu tiên của quận');
    expect(occ.every((o: DayOccurrence) => o.start.endsWith('+07:00'))).toBe(true);
    expect(occ.find((o: DayOccurrence) => o.priority === 'emergency').status).toBe('approved');
    expect(
      (
        await status(
          w.official.get(
            `/api/v1/schedule?area=${encodeURIComponent('ha-noi/thanh-xuan/kim-giang')}&from=${from}&to=${to}`,
          ),
        )
      ).status,
    ).toBe(200);
  });
});

describe('waveform', () => {
  it('computes peaks once with ffmpeg and serves them from the cache', async () => {
    const a = await w.official.get(`/api/v1/media/${mediaId}/waveform`);
    expect(a.peaks).toHaveLength(800);
    expect(Math.max(...a.peaks)).toBeGreaterThan(0.2);
    expect(Math.max(...a.peaks)).toBeLessThanOrEqual(1);
    expect(a.peaks.filter((p: number) => p < 0.01).length).toBeLessThan(800); // speech, not silence
    const media = await w.official.get(`/api/v1/media/${mediaId}`);
    expect(Math.abs(a.durationMs - media.durationMs)).toBeLessThan(150);
    expect(readdirSync(path.join(t.dir, 'waveforms'))).toEqual([`${a.sha256}.json`]);
    expect(await w.official.get(`/api/v1/media/${mediaId}/waveform`)).toEqual(a);
    expect((await status(w.official.get('/api/v1/media/999/waveform'))).status).toBe(404);
  });
});

describe('coverage PDF', () => {
  it('is a PDF with DejaVu Sans embedded and every Vietnamese letter mapped back to text', async () => {
    const period = vnDay(0).slice(0, 7);
    const res = await fetch(
      `${t.hub.httpUrl}/api/v1/reports/coverage.pdf?area=${encodeURIComponent(DISTRICT)}&period=${period}`,
      { headers: { authorization: `Bearer ${w.district.token}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Read back by an independent reader (poppler): the font is embedded, and the Vietnamese words
    // come out of the PDF as text, diacritics and all, which needs a correct ToUnicode map.
    const file = path.join(t.dir, 'coverage.pdf');
    writeFileSync(file, pdf);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/[A-Z]{6}\+DejaVuSans\s.*\byes\b/);
    const words = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC');
    const report = await w.district.get(
      `/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}&period=${period}`,
    );
    for (const phrase of [
      'Báo cáo độ phủ',
      report.area.name,
      'Kế hoạch',
      'Đã phát',
      'Bỏ lỡ',
      'Bị ngắt',
      'Lỗi',
      ...report.byArea.map((a: { areaName: string }) => a.areaName),
    ]) {
      expect(words, `pdftotext finds "${phrase}"`).toContain(phrase);
    }
  });

  it('the embedded font has a glyph for every Vietnamese letter', async () => {
    const require = createRequire(import.meta.url);
    const fontkit = require('fontkit');
    const font = fontkit.openSync(PDF_FONT);
    const letters = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵdđ';
    for (const ch of letters + letters.toUpperCase())
      expect(font.hasGlyphForCodePoint(ch.codePointAt(0)), ch).toBe(true);
    expect(existsSync(PDF_FONT)).toBe(true);
  });

  it('names a bad period', async () => {
    expect((await status(w.district.get(`/api/v1/reports/coverage.pdf?period=2026-13`))).body).toMatch(/not a month/);
  });
});

describe('OpenAPI', () => {
  it('describes the routes behind the web UI', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    for (const p of [
      '/api/v1/broadcasts/check',
      '/api/v1/broadcasts/{id}/decision',
      '/api/v1/schedule',
      '/api/v1/quiet-hours',
      '/api/v1/quiet-hours/{id}',
      '/api/v1/media/{id}/waveform',
      '/api/v1/reports/coverage.pdf',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});

describe('user names', () => {
  it('maps ids to display names for any logged-in user', async () => {
    const names = await w.official.get('/api/v1/user-names');
    expect(Object.values(names)).toContain('canbo');
  });
});
