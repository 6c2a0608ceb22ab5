// `npm run fleet -- --agents 1000 --broker embedded|mosquitto|both [--workers n] [--json]`: runs the
// fleet simulator (fleet.ts) and prints its figures as a table, or as JSON with --json. With
// `--broker both` it runs the embedded broker and Mosquitto one after the other, in the same run,
// and prints the ratio. Progress goes to stderr, so `--json` output can be piped.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { runFleet, type FleetReport } from './fleet.ts';
import { formatReports } from './fleet-report.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};

const program = new Command('fleet')
  .description(
    'N real edge agents (simulated LED boards) against a real hub: enrolment, online, an emergency and a scheduled bulletin',
  )
  .option('--agents <n>', 'simulated devices', int('--agents'), 200)
  .option('--broker <which>', 'embedded (aedes in the hub), mosquitto, or both', 'embedded')
  .option('--workers <n>', 'worker processes (default: by file descriptors, ~2,500 agents each)', int('--workers'))
  .option('--concurrency <n>', 'enrolments in flight across all workers', int('--concurrency'), 8)
  .option('--per-ward <n>', 'devices per ward', int('--per-ward'), 100)
  .option(
    '--bulletin-lead <s>',
    'the bulletin starts this many seconds after approval (default 20 + 0.03 × agents)',
    int('--bulletin-lead'),
  )
  .option('--no-bulletin', 'skip the scheduled bulletin')
  .option('--telemetry <s>', "the agents' telemetry period in seconds (their default: 15)", int('--telemetry'))
  .option(
    '--online-timeout <s>',
    'how long to wait for every device online (default 120 + 1 × agents)',
    int('--online-timeout'),
  )
  .option('--agents-dir <dir>', "where the agents' data folders go (default /dev/shm, RAM: see fleet.ts)")
  .option('--json', 'print the report as JSON')
  .option('--from-json <file>', 'print the table of a report saved with --json, and run nothing')
  .parse(
    process.argv.slice(2).filter((a) => a !== '--'),
    { from: 'user' },
  );
const opts = program.opts();
if (!['embedded', 'mosquitto', 'both'].includes(opts.broker))
  program.error(`--broker must be embedded, mosquitto or both (got ${opts.broker})`);

if (opts.fromJson) {
  const saved = JSON.parse(readFileSync(opts.fromJson, 'utf8'));
  console.log(formatReports(Array.isArray(saved) ? saved : [saved]));
  process.exit(0);
}

const brokers =
  opts.broker === 'both' ? (['embedded', 'mosquitto'] as const) : ([opts.broker] as ['embedded' | 'mosquitto']);
const reports: FleetReport[] = [];
for (const broker of brokers) {
  process.stderr.write(`\n--- ${opts.agents} agents, ${broker} broker ---\n`);
  reports.push(
    await runFleet({
      agents: opts.agents,
      broker,
      workers: opts.workers,
      concurrency: opts.concurrency,
      perWard: opts.perWard,
      bulletin: opts.bulletin,
      bulletinLeadS: opts.bulletinLead,
      telemetryIntervalMs: opts.telemetry ? opts.telemetry * 1000 : undefined,
      onlineTimeoutS: opts.onlineTimeout,
      agentsDir: opts.agentsDir,
      log: (l) => process.stderr.write(`${l}\n`),
    }),
  );
}

if (opts.json) {
  console.log(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
} else {
  console.log(formatReports(reports));
}
process.exit(reports.some((r) => r.failures.length) ? 1 : 0);
