#!/usr/bin/env node
// The whole suite under libfaketime at the moments where date arithmetic breaks: the last minute of
// a month and of a year in Vietnam time, and Vietnam's midnight. Each run starts its clock at that
// instant and lets it run, so the suite crosses the boundary while it works.
//
//   npm run test:clock-sweep [-- vitest args]      e.g. -- test/e2e
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
// FAKETIME "@…" is read as UTC on these machines (TZ unset); Vietnam is UTC+7 all year.
const MOMENTS = [
  ['last minute of a month (30/11 23:59 VN)', '@2026-11-30 16:59:00'],
  ['last minute of a year (31/12 23:59 VN)', '@2026-12-31 16:59:00'],
  ['midnight in Vietnam (01/03 00:00 VN, after a short February)', '@2027-02-28 17:00:00'],
];

if (!existsSync(LIB)) {
  console.error(`libfaketime is missing (${LIB}): apt-get install faketime`);
  process.exit(1);
}
const failed = [];
for (const [what, at] of MOMENTS) {
  console.log(`\n=== ${what}: FAKETIME=${at} ===`);
  const r = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      TZ: 'UTC',
      LD_PRELOAD: LIB,
      FAKETIME: at,
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      FAKETIME_DONT_RESET: '1',
    }, // one timeline for every process
  });
  if (r.status !== 0) failed.push(what);
}
console.log(failed.length ? `\nclock sweep: failed at ${failed.join('; ')}` : '\nclock sweep: passed at every moment');
process.exit(failed.length ? 1 : 0);
