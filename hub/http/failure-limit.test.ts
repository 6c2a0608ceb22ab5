// The failure limit counts what a guesser causes (4xx), never the hub's own failures (5xx).
import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { failureLimit } from './failure-limit.ts';

function limiter() {
  let limited = 0;
  const mw = failureLimit({
    windowMs: 60_000,
    limit: 3,
    key: (req) => req.ip ?? '',
    onLimited: () => void limited++,
    now: () => 0,
  });
  /** One request from `ip` answered with `status`; true when it was let through. */
  const request = (ip: string, status: number) => {
    const res = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response;
    let passed = false;
    mw({ ip } as Request, res, (() => void (passed = true)) as NextFunction);
    if (passed) res.emit('finish');
    return passed;
  };
  return { request, limited: () => limited };
}

describe('failureLimit', () => {
  it('refuses an address after `limit` refused attempts, and only that address', () => {
    const l = limiter();
    for (let i = 0; i < 3; i++) expect(l.request('10.0.0.1', 401)).toBe(true);
    expect(l.request('10.0.0.1', 200)).toBe(false);
    expect(l.limited()).toBe(1);
    expect(l.request('10.0.0.2', 401)).toBe(true);
  });

  it('does not count successes, nor the hub’s own failures (a broker answering late: 503)', () => {
    const l = limiter();
    for (let i = 0; i < 20; i++) expect(l.request('10.0.0.1', i % 2 ? 503 : 200)).toBe(true);
    for (let i = 0; i < 5; i++) expect(l.request('10.0.0.1', 500)).toBe(true);
    expect(l.limited()).toBe(0);
  });
});
