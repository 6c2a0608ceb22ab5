import { defineConfig } from 'vitest/config';

// Under libfaketime with a start-at date set by LD_PRELOAD and FAKETIME="@…" (rather than by the
// `faketime` command, whose processes share one clock), every new process starts again at that
// date: a worker, or a hub a test spawns a minute in, would live in the past of the process that
// drives it, and a hub restarted mid-test would jump back. With this set before the workers start,
// they and everything they spawn follow one timeline. (No effect without libfaketime.)
process.env.FAKETIME_DONT_RESET ??= '1';

// Three tiers, each a vitest project (`npx vitest run --project unit`); every test file is in
// exactly one, by its name. CONTRIBUTING.md, "Tests", says which goes where.
const PEER = ['**/*.peer.test.ts'];
const E2E = ['test/{e2e,fault,bad-actor,browser,fleet}/**/*.test.ts'];
const NEVER = ['node_modules/**', 'data/**', 'dist/**'];
// Percentages; see coverage.thresholds below.
const COVERAGE_FLOOR = { lines: 72, statements: 72, functions: 92, branches: 85 };

export default defineConfig({
  test: {
    exclude: NEVER,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests start real processes; two cores do not like many at once. (For all tiers together.)
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        // In-process only: no child process (test/tiers/in-process-only.ts fails a test that starts one).
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...NEVER, ...PEER, ...E2E],
          setupFiles: ['test/tiers/in-process-only.ts'],
        },
      },
      {
        extends: true,
        // Tests that run an independent program: a Debian peer, ffmpeg, openssl, or one process of ours.
        test: { name: 'peer', include: PEER, globalSetup: ['test/tiers/peers-present.ts'] },
      },
      {
        extends: true,
        // The whole system: a real hub, brokers and agents as processes; the browser suite in Chromium.
        test: { name: 'e2e', include: E2E, globalSetup: ['test/tiers/peers-present.ts'] },
      },
    ],
    // Code coverage (`--coverage`; `npm test` measures all three tiers) of the code run in the test
    // processes. What child processes run (the hubs and agents the e2e tests start, the CLI) and
    // what Chromium runs (web/components) is not counted.
    coverage: {
      provider: 'v8',
      include: ['protocol/**', 'firmware-bridge/**', 'hub/**', 'edge-agent/**', 'cli/**', 'web/**', 'bin/**/*.mjs'],
      exclude: ['**/*.test.ts', '**/test-support/**', '**/*.d.ts', '**/*.d.mts', 'hub/public/**'],
      reporter: ['text-summary'],
      reportsDirectory: 'test-output/code-coverage',
      // The floor CI enforces, in `npm test` only (a coverage run of one tier or folder just prints
      // its figure): a few points under the figures of all three tiers on 30/11/2026, lines and
      // statements 76.1 %, functions 95.4 %, branches 88.9 % (unit and peer alone: 73.9, 93.1, 87.8).
      thresholds: process.env.npm_lifecycle_event === 'test' ? COVERAGE_FLOOR : undefined,
    },
  },
});
