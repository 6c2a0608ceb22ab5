// Fleet benchmark: the fleet simulator (test/fleet/fleet.ts) at N agents, through the hub's embedded
// aedes and then through Mosquitto (the peer) in the same run, with the ratio. For other sizes and
// options: npm run fleet -- --help.
//   node bin/run-ts.mjs test/bench/fleet-bench.ts [agents=200]
import { runFleet } from '../fleet/fleet.ts';
import { formatReports } from '../fleet/fleet-report.ts';

const N = Number(process.argv[2] ?? 200);
const log = (l: string) => process.stderr.write(`${l}\n`);
const reports = [
  await runFleet({ agents: N, broker: 'embedded', log }),
  await runFleet({ agents: N, broker: 'mosquitto', log }),
];
console.log(formatReports(reports));
process.exit(0);
