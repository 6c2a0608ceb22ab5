#!/usr/bin/env node
// npm test's first step: every Debian peer the tests use (test/peers/debian-peers.json) is checked
// by running it. Missing or broken ones are installed by name when we are root with apt-get;
// otherwise we stop before any test runs, with the one command that sets the machine up.
//
//   node test/peers/setup-peers.mjs            check, install what is missing (root + apt-get)
//   node test/peers/setup-peers.mjs --check    check only; exit 1 naming what is missing
//   node test/peers/setup-peers.mjs --readme   rewrite the README's table of peers from the list
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
export const PEERS = JSON.parse(readFileSync(path.join(here, 'debian-peers.json'), 'utf8')).peers;
const README = path.join(root, 'README.md');
const BEGIN =
  '<!-- peers:begin (generated from test/peers/debian-peers.json: node test/peers/setup-peers.mjs --readme) -->';
const END = '<!-- peers:end -->';

/** Why a peer does not work, or null when every probe passes. */
export function probePeer(peer) {
  for (const p of peer.probes) {
    if (p.file) {
      if (!existsSync(p.file)) return `${p.file} is missing`;
      continue;
    }
    const r = spawnSync(p.run[0], p.run.slice(1), {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error)
      return ['ENOENT', 'EACCES'].includes(r.error.code)
        ? `${p.run[0]} is not installed (or not on PATH)`
        : `${p.run[0]}: ${r.error.message}`;
    if (!(p.exitCodes ?? [0]).includes(r.status)) {
      const said = `${r.stderr || r.stdout}`.trim().split('\n').slice(-2).join(' / ');
      return `\`${p.run.join(' ')}\` exited with ${r.status ?? r.signal}${said ? `: ${said}` : ''}`;
    }
  }
  return null;
}

export function installCommand(packages) {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** The README's table, with its columns padded as the Markdown formatter leaves them. */
export function readmeTable() {
  const rows = [
    ['peer', 'Debian packages', 'what the tests use it for'],
    ...PEERS.map((p) => [p.name, p.packages.map((x) => `\`${x}\``).join(', '), p.why]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (cells) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ')} |`;
  const [head, ...body] = rows.map(line);
  return [BEGIN, head, line(widths.map((w) => '-'.repeat(w))), ...body, END].join('\n');
}

function rewriteReadme() {
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf('<!-- peers:begin');
  const b = text.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`README.md has no peers table between "<!-- peers:begin …" and "${END}"`);
  writeFileSync(README, text.slice(0, a) + readmeTable() + text.slice(b + END.length));
  console.log('README.md: peers table rewritten');
}

/** The peers that are missing or broken, each with why. */
export function brokenPeers(peers = PEERS) {
  return peers.map((peer) => ({ peer, problem: probePeer(peer) })).filter((x) => x.problem);
}

/** One line a broken peer: its name, its packages and why. */
export function describeBroken(broken) {
  return broken.map(({ peer, problem }) => `  ✗ ${peer.name} (${peer.packages.join(', ')}): ${problem}`).join('\n');
}

/** Every package the broken peers need, once each. */
export function packagesOf(broken) {
  return [...new Set(broken.flatMap((b) => b.peer.packages))];
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--readme')) return rewriteReadme();
  let broken = brokenPeers();
  if (broken.length === 0) {
    console.log(`peers: all ${PEERS.length} present and working (${PEERS.map((p) => p.name).join(', ')})`);
    return;
  }
  const packages = packagesOf(broken);
  console.error(`peers: ${broken.length} of ${PEERS.length} missing or broken:`);
  console.error(describeBroken(broken));
  const isRoot = process.getuid?.() === 0;
  const haveApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (args.includes('--check') || !isRoot || !haveApt) {
    const why = args.includes('--check')
      ? ''
      : !haveApt
        ? ' (no apt-get here: install the same packages with your package manager)'
        : ' (not root)';
    console.error(`\nNo test was run. Set this machine up with${why}:\n\n  sudo sh -c '${installCommand(packages)}'\n`);
    process.exit(1);
  }
  console.log(`peers: installing ${packages.join(' ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const cmd of [
    ['apt-get', ['update', '-qq']],
    ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]],
  ]) {
    const r = spawnSync(cmd[0], cmd[1], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      console.error(
        `\n\`${cmd[0]} ${cmd[1].join(' ')}\` failed (exit ${r.status ?? r.signal}). No test was run. Try by hand:\n\n  ${installCommand(packages)}\n`,
      );
      process.exit(1);
    }
  }
  broken = brokenPeers();
  if (broken.length) {
    console.error('peers: still missing or broken after installing:');
    console.error(describeBroken(broken));
    console.error('\nNo test was run.');
    process.exit(1);
  }
  console.log(`peers: installed ${packages.join(' ')}; all ${PEERS.length} present and working`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
