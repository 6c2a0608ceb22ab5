// `wardcast simulate`: a fleet of simulated agents in one process, for load tests. Devices are
// registered through the hub's API (as a real installer would) and enrolled with their tokens.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApiClient } from './api-client.ts';
import { parseAgentConfig, startAgent } from '../edge-agent/main.ts';

export interface SimulationOptions {
  hubUrl: string;
  mqttUrl: string;
  areaPath: string;
  count: number;
  username: string;
  password: string;
  dataDir: string;
  prefix?: string;
  logLevel?: string;
}

export async function runSimulation(o: SimulationOptions) {
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > 10_000)
    throw new Error('--count must be a whole number from 1 to 10000');
  const api = await new ApiClient(o.hubUrl).as(o.username, o.password);
  const prefix = o.prefix ?? `sim-${o.areaPath.split('/').pop()}`;
  const agents: Awaited<ReturnType<typeof startAgent>>[] = [];
  for (let i = 1; i <= o.count; i++) {
    const id = `${prefix}-${String(i).padStart(4, '0')}`;
    const dir = path.resolve(o.dataDir, id);
    let enrolToken: string | undefined;
    if (!existsSync(path.join(dir, 'identity.json'))) {
      mkdirSync(dir, { recursive: true });
      const exists = await api.get(`/api/v1/devices/${id}`).then(
        () => true,
        () => false,
      );
      enrolToken = exists
        ? (await api.post(`/api/v1/devices/${id}/enrol-token`, {})).enrolToken
        : (await api.post('/api/v1/devices', { id, name: `Loa mô phỏng ${i}`, kind: 'speaker', areaPath: o.areaPath }))
            .enrolToken;
    }
    const config = parseAgentConfig({
      dataDir: dir,
      hubUrl: o.hubUrl,
      mqttUrl: o.mqttUrl,
      enrolToken,
      profile: { kind: 'speaker', amplifier: { driver: 'simulated', warmUpMs: 200, tailMs: 200 }, audioOutput: 'null' },
      logLevel: o.logLevel ?? 'warn',
    });
    agents.push(await startAgent(config));
  }
  console.log(`simulating ${agents.length} agents in ${o.areaPath}`);
  return { agents, stop: () => Promise.all(agents.map((a) => a.stop())).then(() => undefined) };
}
