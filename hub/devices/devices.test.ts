// The display an LED board's agent reports in telemetry is kept with the device (in a column of its
// own) and returned by the device API; a telemetry whose board read failed does not erase it.
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { createArea } from '../areas/areas.ts';
import type { LedDisplay, Telemetry } from '../../protocol/index.ts';
import { createDevice, getDevice, listDevices, recordTelemetry } from './devices.ts';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  createDevice(db, { id: 'led-1', name: 'Bảng LED chợ', kind: 'led', areaPath: 'ha-noi' }, Date.now());
  createDevice(db, { id: 'loa-1', name: 'Cụm loa 1', kind: 'speaker', areaPath: 'ha-noi' }, Date.now());
});

const display: LedDisplay = {
  rows: 32,
  columns: 192,
  maxLineChars: 64,
  charset: 'ascii',
  vietnamese: 'picture',
  stripMarker: '[KD] ',
};
const base = (deviceId: string): Telemetry => ({
  deviceId,
  at: 1,
  clockOffsetMs: null,
  clockDelayMs: null,
  outboxSize: 0,
  cacheBytes: 0,
  scheduleVersion: 0,
  nowPlaying: null,
  rejected: {},
});

describe('LED display with the device', () => {
  it('is null until the agent reports it, then listed with the device', () => {
    expect(getDevice(db, 'led-1')!.display).toBeNull();
    recordTelemetry(db, { ...base('led-1'), led: { text: '', brightness: 80, display } }, Date.now());
    expect(listDevices(db).map((d) => [d.id, d.display])).toEqual([
      ['led-1', display],
      ['loa-1', null],
    ]);
    expect(getDevice(db, 'led-1')!.telemetry!.led!.display).toEqual(display);
  });

  it('survives a telemetry without the board part (status read failed), which is stored as sent', () => {
    recordTelemetry(db, { ...base('led-1'), led: { text: 'x', brightness: 80, display } }, Date.now());
    recordTelemetry(db, { ...base('led-1'), at: 2 }, Date.now());
    const d = getDevice(db, 'led-1')!;
    expect(d.display).toEqual(display);
    expect(d.telemetry).toEqual({ ...base('led-1'), at: 2 });
    recordTelemetry(db, { ...base('led-1'), at: 3 }, Date.now());
    expect(getDevice(db, 'led-1')!.display).toEqual(display);
    // A new report replaces it; an agent that reports none (older) has none.
    recordTelemetry(
      db,
      { ...base('led-1'), led: { text: '', brightness: 80, display: { ...display, columns: 160 } } },
      Date.now(),
    );
    expect(getDevice(db, 'led-1')!.display!.columns).toBe(160);
    recordTelemetry(db, { ...base('led-1'), led: { text: '', brightness: 80 } }, Date.now());
    expect(getDevice(db, 'led-1')!.display).toBeNull();
  });

  it('is kept in its own column; the telemetry column holds the report exactly as sent', () => {
    const t: Telemetry = { ...base('led-1'), led: { text: 'x', brightness: 80, display } };
    recordTelemetry(db, t, Date.now());
    recordTelemetry(db, { ...base('loa-1'), at: 2 }, Date.now());
    const row = (id: string) =>
      db.prepare('SELECT telemetry, led_display FROM devices WHERE id = ?').get(id) as {
        telemetry: string;
        led_display: string | null;
      };
    expect(JSON.parse(row('led-1').led_display!)).toEqual(display);
    expect(JSON.parse(row('led-1').telemetry)).toEqual(t);
    recordTelemetry(db, { ...base('led-1'), at: 3 }, Date.now());
    expect(JSON.parse(row('led-1').telemetry)).toEqual({ ...base('led-1'), at: 3 });
    expect(row('loa-1').led_display).toBeNull();
  });
});
