import { defineConfig } from 'vitest/config';

// Under libfaketime with a start-at date set by LD_PRELOAD and FAKETIME="@…" (rather than by the
// `faketime` command, whose processes share one clock), every new process starts again at that
// date: a worker, or a hub a test spawns a minute in, would live in the past of the process that
// drives it, and a hub restarted mid-test would jump back. With this set before the workers start,
// they and everything they spawn follow one timeline. (No effect without libfaketime.)
process.env.FAKETIME_DONT_RESET ??= '1';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests start real processes; two cores do not like many at once.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
