// Runs one agent in its own process, for tests that kill it mid-playback (SIGKILL: no cleanup, as
// in a power cut). Config JSON comes as the first argument; events are printed as JSON lines.
import { startAgent } from '../main.ts';

const config = JSON.parse(process.argv[2]);
const agent = await startAgent(config);
for (const name of ['connected', 'schedule', 'playing', 'idle', 'receipt-queued'] as const) {
  agent.events.on(name, (v: unknown) => process.stdout.write(`${JSON.stringify({ event: name, value: v })}\n`));
}
process.on('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
