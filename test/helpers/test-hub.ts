// Starts a real hub (embedded broker, SQLite file, HTTP) in a temporary folder on free ports.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHubConfig, type HubConfig } from '../../hub/config.ts';
import { startHub, type RunningHub } from '../../hub/main.ts';
import { ApiClient } from '../../cli/api-client.ts';
import type { Clock } from '../../protocol/index.ts';

export const ADMIN_PASSWORD = 'test-admin-password-1';

export interface TestHub {
  hub: RunningHub;
  dir: string;
  api: ApiClient;
  admin: ApiClient;
  stop(keep?: boolean): Promise<void>;
}

/**
 * Starts a hub; pass `dir` (and fixed ports) to restart one on the same data folder, and `opts.clock`
 * to set the hub's clock (what it judges receipts by); `opts.fetch` for an https hub (one that trusts its CA).
 */
export async function startTestHub(
  overrides: Record<string, unknown> = {},
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-hub-')),
  opts: { clock?: Clock; fetch?: typeof fetch } = {},
): Promise<TestHub> {
  const config = parseHubConfig({
    httpPort: 0,
    mqttPort: 0,
    httpHost: '127.0.0.1',
    mqttHost: '127.0.0.1',
    dataDir: dir,
    adminPassword: ADMIN_PASSWORD,
    logLevel: (process.env.TEST_HUB_LOG as HubConfig['logLevel'] | undefined) ?? 'silent',
    ...overrides,
  });
  const hub = await startHub(config, undefined, { clock: opts.clock });
  const api = new ApiClient(hub.httpUrl, undefined, opts.fetch);
  const admin = await api.as('admin', ADMIN_PASSWORD);
  return {
    hub,
    dir,
    api,
    admin,
    /** Stops the hub and removes its folder (unless `keep`, for a restart). */
    async stop(keep = false) {
      await hub.stop();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
