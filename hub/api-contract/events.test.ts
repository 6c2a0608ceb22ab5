// The hub's event bus is typed: a wrong event name or payload does not compile
// (`npx tsc` fails on an unused @ts-expect-error below), and listeners get what was emitted.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { HubEventMap } from './events.ts';

describe('typed event buses', () => {
  it('the hub bus carries each live event with its payload', () => {
    const bus = new EventEmitter<HubEventMap>();
    const seen: string[] = [];
    bus.on('broadcast', (b) => seen.push(`${b.id}:${b.status}`));
    bus.on('device', (d) => seen.push(`${d.deviceId}:${d.state}`));
    bus.emit('broadcast', { id: 'b1', status: 'approved' });
    bus.emit('device', { deviceId: 'loa-1', state: 'offline' });
    expect(seen).toEqual(['b1:approved', 'loa-1:offline']);
    const refused = () => {
      // @ts-expect-error: no such live event
      bus.emit('brodcast', { id: 'b1', status: 'approved' });
      // @ts-expect-error: a broadcast's status is one of four words
      bus.emit('broadcast', { id: 'b1', status: 'aired' });
      // @ts-expect-error: a device event names the device
      bus.emit('device', { state: 'online' });
    };
    expect(typeof refused).toBe('function');
  });
});
