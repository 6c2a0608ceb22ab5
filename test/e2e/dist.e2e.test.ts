// Install builds dist/ (npm's prepare, and pretest), and `wardcast` runs it: the version says so,
// and a hub and an agent started the way tests, the demo and a board start them load the compiled
// chunks and no TypeScript source (the modules each process loaded are traced).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { distStatus, ROOT } from '../../bin/runtime.mjs';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { startAgentProcess, LED_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/ports.ts';
import { seedWorld, waitOnline, HA_DINH } from '../helpers/world.ts';

const bin = path.join(ROOT, 'bin', 'wardcast.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-dist-'));
let hub: HubProcess | undefined;
let agent: AgentProcess | undefined;
afterAll(async () => {
  await agent?.stop();
  await hub?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const trace = (name: string) => ({
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(path.join(ROOT, 'test/helpers/module-trace.mjs')).href}`.trim(),
  WARDCAST_MODULE_TRACE: path.join(tmp, `${name}.json`),
});
const ownModules = (name: string): string[] =>
  (JSON.parse(readFileSync(path.join(tmp, `${name}.json`), 'utf8')) as string[])
    .filter((u) => u.startsWith(pathToFileURL(ROOT).href) && !u.includes('/node_modules/'))
    .map((u) => u.slice(pathToFileURL(ROOT).href.length + 1));

it('install built dist/ from the current sources, and the web bundle beside it', () => {
  expect(pkg.scripts.prepare).toBe('node bin/build.mjs');
  const s = distStatus();
  expect(s.current, s.current ? '' : `${s.reason}: run npm run build`).toBe(true);
  expect(existsSync(path.join(ROOT, 'dist', 'wardcast.js'))).toBe(true);
  expect(existsSync(path.join(ROOT, 'hub', 'public', 'build', 'app.js'))).toBe(true);
});

it('wardcast --version runs the compiled CLI', async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [bin, '--version'],
      { env: { ...process.env, WARDCAST_RUNTIME: '' } },
      (err, stdout, stderr) => (err ? reject(err) : resolve(stdout + stderr)),
    ),
  );
  expect(out.trim()).toBe(`${pkg.version} (compiled, dist/)`);
});

it('a hub and an agent run from dist/, the hub finds its files, and the agent loads no hub code', async () => {
  hub = await startHubProcess({
    dataDir: path.join(tmp, 'hub'),
    httpPort: await freePort(),
    mqttPort: await freePort(),
    env: { WARDCAST_RUNTIME: '', ...trace('hub') },
  });
  const w = await seedWorld(hub, [{ id: 'bang-dist', kind: 'led', area: HA_DINH }]);
  agent = startAgentProcess({
    dir: path.join(tmp, 'agent'),
    hubUrl: hub.httpUrl,
    mqttUrl: hub.mqttUrl,
    enrolToken: w.tokens['bang-dist'],
    profile: LED_PROFILE,
    env: { WARDCAST_RUNTIME: '', ...trace('agent') },
  });
  await waitOnline(hub.admin, ['bang-dist']);
  // Files the compiled hub finds by path: the web UI under hub/public, DejaVu Sans for the PDF.
  const page = await fetch(`${hub.httpUrl}/`);
  expect([page.status, (await page.text()).includes('/build/app.js')]).toEqual([200, true]);
  expect((await fetch(`${hub.httpUrl}/build/app.js`)).status).toBe(200);
  const month = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
  }).format(new Date());
  const pdf = await fetch(
    `${hub.httpUrl}/api/v1/reports/coverage.pdf?area=${encodeURIComponent(HA_DINH)}&period=${month}`,
    { headers: { authorization: `Bearer ${hub.admin.token}` } },
  );
  const bytes = Buffer.from(await pdf.arrayBuffer());
  expect([pdf.status, bytes.subarray(0, 5).toString(), bytes.includes('DejaVuSans')]).toEqual([200, '%PDF-', true]);
  await agent.stop();
  await hub.stop();

  for (const name of ['hub', 'agent']) {
    const mine = ownModules(name);
    expect(mine).toContain('bin/wardcast.mjs');
    expect(mine).toContain('dist/wardcast.js');
    expect(
      mine.filter((m) => /\.tsx?$/.test(m)),
      `${name} loaded TypeScript`,
    ).toEqual([]);
    expect(
      mine.every((m) => m.startsWith('dist/') || m.startsWith('bin/')),
      mine.join(', '),
    ).toBe(true);
  }
  // What each loaded file of dist/ was built from (bin/build.mjs lists it in build-info.json).
  const { outputs } = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'build-info.json'), 'utf8')) as {
    outputs: Record<string, string[]>;
  };
  const sources = (name: string) =>
    ownModules(name)
      .filter((m) => m.startsWith('dist/'))
      .flatMap((m) => outputs[m.slice('dist/'.length)] ?? [`unknown ${m}`]);
  expect(sources('hub')).toContain('hub/main.ts');
  const agentSources = sources('agent');
  expect(agentSources).toContain('edge-agent/main.ts');
  expect(agentSources.filter((s) => /^(hub|web)\//.test(s))).toEqual([]);
  // nor a field driver, simulator or serial transport its simulated LED board does not use
  expect(agentSources.filter((s) => /transport\/|alpha-led-board|alpha-simulator|modbus-amplifier/.test(s))).toEqual(
    [],
  );
});
