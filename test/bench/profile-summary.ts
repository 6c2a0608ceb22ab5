// Summarises a V8 .cpuprofile (node --cpu-prof, or a bench's own profile): self time by function
// and by package, and the time under a few named frames (inclusive), so a benchmark's profile
// reads as a table. node bin/run-ts.mjs test/bench/profile-summary.ts file.cpuprofile [frame …]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, ...frames] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts file.cpuprofile [function name …]');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
p.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

const pkg = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node';
  if (!url) return '(native/gc/idle)';
  return url.replace(/^file:\/\/.*?\/(hub|protocol|test|edge-agent)\//, '$1/').replace(/\/[^/]*$/, '');
};
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  add(fns, `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1}`, us);
  add(pkgs, pkg(url), us);
}
const show = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(
  `${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((p.endTime - p.startTime) / 1000).toFixed(0)} ms`,
);
show('self time by package', pkgs, 15);
// Inclusive by package: samples with the package anywhere on the stack (a sample counts for each).
const inclPkgs = new Map<string, number>();
p.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(pkg(byId.get(n)!.callFrame.url));
  for (const k of seen) add(inclPkgs, k, p.timeDeltas[i] ?? 0);
});
show('time with the package on the stack', inclPkgs, 15);
show('self time by function', fns, 30);
if (frames.length) {
  // Inclusive time under each named frame (counted once per sample however deep it recurs).
  const incl = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n)!.callFrame.functionName;
      if (frames.includes(name) && !seen.has(name)) {
        seen.add(name);
        add(incl, name, p.timeDeltas[i] ?? 0);
      }
    }
  });
  show('inclusive time under', incl, frames.length);
}
