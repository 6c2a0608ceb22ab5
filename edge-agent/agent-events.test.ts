// The agent's event bus is typed: a wrong event name or payload does not compile (`npx tsc` fails
// on an unused @ts-expect-error below), and listeners get what was emitted.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { AgentEventMap } from './agent-events.ts';

describe('typed agent events', () => {
  it("the agent bus carries each event with its payload, 'disconnected' with none", () => {
    const bus = new EventEmitter<AgentEventMap>();
    const seen: string[] = [];
    bus.on('receipt-acked', (id) => seen.push(id));
    bus.on('disconnected', () => seen.push('disconnected'));
    bus.emit('receipt-acked', 'r-1');
    bus.emit('disconnected');
    expect(seen).toEqual(['r-1', 'disconnected']);
    const refused = () => {
      // @ts-expect-error: the hub acknowledges a receipt by its id (a string)
      bus.emit('receipt-acked', 42);
      // @ts-expect-error: no such agent event
      bus.emit('played', {});
    };
    expect(typeof refused).toBe('function');
  });
});
