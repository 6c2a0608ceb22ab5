// globalSetup of the peer and e2e tiers: before any of their tests runs, every Debian peer in
// test/peers/debian-peers.json is tried. When one is missing the run stops here with one message
// naming the packages and the command that installs them, instead of failing test by test.
// (`npm test` installs them first, when root: its pretest step is test/peers/setup-peers.mjs.)
// @ts-expect-error plain ES module without types: it must run before npm's dependencies matter
import { brokenPeers, describeBroken, installCommand, packagesOf, PEERS } from '../peers/setup-peers.mjs';

type Broken = Array<{ peer: { name: string; packages: string[] }; problem: string }>;
// Both tiers run this in the same vitest process: try the peers once.
const checked = globalThis as { wardcastBrokenPeers?: Broken };

export function missingPeersMessage(broken: Broken, total: number): string {
  const packages: string[] = packagesOf(broken);
  return [
    `The peer and end-to-end tests use ${total} Debian peers, and this machine lacks ${broken.length}:`,
    describeBroken(broken),
    '',
    `Install them (as root): node test/peers/setup-peers.mjs`,
    `  or: sudo sh -c '${installCommand(packages)}'`,
    'Then `npm run peers` checks them again. The unit tier needs none of them: npm run test:unit.',
    'No test was run.',
  ].join('\n');
}

export default function peersPresent(): void {
  checked.wardcastBrokenPeers ??= brokenPeers() as Broken;
  const broken = checked.wardcastBrokenPeers;
  if (broken.length === 0) return;
  // Exit rather than throw: vitest would add a stack trace and "No test files found" to the one message.
  console.error(`\n${missingPeersMessage(broken, PEERS.length)}\n`);
  process.exit(1);
}
