// A limit on failed attempts per key (an address), counted when each failure is answered. Successes
// cost nothing, however many are in flight: a ward's boards enrolling at once from behind one
// address are never refused. (express-rate-limit's skipSuccessfulRequests counts every request on
// arrival and takes a success back only when it finishes, so a burst of good requests trips it.)
// Failures in flight at once are all answered before they count; the limit slows guessing, it
// does not stop a single burst, which random tokens make hopeless anyway.
import type { NextFunction, Request, Response } from 'express';

export function failureLimit(o: {
  windowMs: number;
  limit: number;
  key: (req: Request) => string;
  onLimited: (req: Request, res: Response) => void;
  /** what a failure is (default: a 4xx answer) */
  failed?: (status: number) => boolean;
  /** the hub's clock: when a window of failures ends */
  now: () => number;
}) {
  const { now } = o;
  // A 5xx is the hub's or the broker's failure, not a guess: counting it locked whole fleets out
  // when a loaded Mosquitto answered enrolments late (503) and every device retried.
  const failed = o.failed ?? ((s: number) => s >= 400 && s < 500);
  const windows = new Map<string, { count: number; resetAt: number }>();
  const current = (key: string) => {
    const w = windows.get(key);
    if (w && w.resetAt > now()) return w;
    if (w) windows.delete(key);
    return undefined;
  };
  const prune = () => {
    const t = now();
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const key = o.key(req);
    if ((current(key)?.count ?? 0) >= o.limit) return o.onLimited(req, res);
    res.on('finish', () => {
      if (!failed(res.statusCode)) return;
      if (windows.size > 10_000) prune();
      const w = current(key);
      if (w) w.count++;
      else windows.set(key, { count: 1, resetAt: now() + o.windowMs });
    });
    next();
  };
}
