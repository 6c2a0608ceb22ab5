// The `wardcast` command: hub, agent, demo and simulate. Each subcommand turns flags and
// environment into a validated config and hands it to that program's composition root.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';

/** Defined as true by bin/build.mjs in the compiled CLI (dist/); undefined in the sources. */
declare const WARDCAST_COMPILED: boolean | undefined;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const runsFrom =
  typeof WARDCAST_COMPILED !== 'undefined' && WARDCAST_COMPILED ? 'compiled, dist/' : 'TypeScript sources through tsx';

const program = new Command('wardcast')
  .description('Ward loudspeakers and public LED boards: hub, edge agent, demo and load simulation')
  .version(
    `${pkg.version} (${runsFrom})`,
    '-V, --version',
    'the version, and whether it runs compiled (dist/) or from the sources',
  );

const hubFlags = (cmd: Command) =>
  cmd
    .addOption(new Option('--http-port <port>', 'HTTP port (env WARDCAST_HTTP_PORT; default 8080)'))
    .addOption(new Option('--mqtt-port <port>', 'embedded MQTT broker port (env WARDCAST_MQTT_PORT; default 1883)'))
    .addOption(new Option('--data-dir <dir>', 'data folder (env WARDCAST_DATA_DIR; default ./data)'))
    .addOption(
      new Option('--mqtt-url <url>', 'use an external broker instead of the embedded one (env WARDCAST_MQTT_URL)'),
    )
    .addOption(new Option('--config <file>', 'YAML or JSON settings file'))
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug (env WARDCAST_LOG_LEVEL)'))
    // TLS (docs/security.md)
    .addOption(
      new Option('--tls-cert <file>', 'PEM certificate: serve HTTPS and MQTT over TLS (env WARDCAST_TLS_CERT)'),
    )
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert (env WARDCAST_TLS_KEY)'))
    .addOption(
      new Option(
        '--mqtt-tls-port <port>',
        'embedded broker MQTT-over-TLS port (env WARDCAST_MQTT_TLS_PORT; default 8883)',
      ),
    )
    .addOption(
      new Option('--mqtt-ca-file <file>', 'CA that signs an external mqtts:// broker (env WARDCAST_MQTT_CA_FILE)'),
    )
    .addOption(
      new Option(
        '--stream-engine <engine>',
        'who serves relay and live streams: hub or icecast (env WARDCAST_STREAM_ENGINE)',
      ),
    )
    .addOption(new Option('--icecast-origin <url>', 'the origin Icecast the hub feeds (env WARDCAST_ICECAST_ORIGIN)'))
    .addOption(
      new Option('--icecast-listen-url <url>', 'where devices pull relay streams (env WARDCAST_ICECAST_LISTEN_URL)'),
    );

// The hub's modules load only for hub commands: an agent on a small board never parses them.
async function hubConfigFrom(opts: Record<string, string | undefined>, defaults: Record<string, unknown> = {}) {
  const { HUB_FLAGS, loadHubConfig } = await import('../hub/main.ts');
  return loadHubConfig({ defaults, file: opts.config, flags: flagValues(opts, HUB_FLAGS) });
}

/** The settings the flags give: commander names an option's value by its flag in camelCase. */
function flagValues(opts: Record<string, unknown>, flags: Record<string, string | undefined>) {
  const camel = (flag: string) => flag.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return Object.fromEntries(Object.entries(flags).map(([key, flag]) => [key, flag ? opts[camel(flag)] : undefined]));
}

hubFlags(
  program.command('hub').description('run the hub: HTTP API and web UI, embedded MQTT broker, SQLite, media pipeline'),
).action(async (opts) => {
  const { startHub } = await import('../hub/main.ts');
  const hub = await startHub(await hubConfigFrom(opts));
  console.log(`wardcast hub: ${hub.httpUrl} (MQTT ${hub.mqttUrl})`);
  if (hub.generatedAdminPassword) console.log(`admin password (shown once): ${hub.generatedAdminPassword}`);
  stopOnSignal(() => hub.stop());
});

hubFlags(
  program
    .command('demo')
    .description(
      'the whole system on one machine: hub, simulated speakers and LED board, a bulletin sent and confirmed',
    ),
)
  .option('--no-scenario', 'start everything but do not send the demo bulletin')
  .action(async (opts) => {
    const { runDemo } = await import('./demo.ts');
    await runDemo(await hubConfigFrom(opts, { logLevel: 'warn' }), { scenario: opts.scenario !== false });
  });

program
  .command('agent')
  .description('run an edge agent (on the device, or simulated)')
  .option('--config <file>', 'YAML or JSON agent config (dataDir, hubUrl, mqttUrl, profile, ...)')
  .option('--data-dir <dir>', 'agent data folder (env WARDCAST_DATA_DIR)')
  .option('--hub <url>', 'hub HTTP address (env WARDCAST_HUB_URL)')
  .option('--mqtt <url>', 'MQTT broker address (env WARDCAST_MQTT_URL)')
  .option('--enrol-token <token>', 'one-time enrolment token, first start only (env WARDCAST_ENROL_TOKEN)')
  .option(
    '--ca-file <file>',
    "CA certificate(s) that sign the hub's certificate, for https:// and mqtts:// (env WARDCAST_CA_FILE)",
  )
  .option('--log-level <level>')
  .action(async (opts) => {
    const { AGENT_FLAGS, loadAgentConfig, startAgent } = await import('../edge-agent/main.ts');
    const agent = await startAgent(loadAgentConfig(opts.config, flagValues(opts, AGENT_FLAGS)));
    stopOnSignal(() => agent.stop());
  });

program
  .command('simulate')
  .description(
    'a fleet of N simulated agents in this process, for load: registers the devices through the API and enrols them',
  )
  .requiredOption('--hub <url>', 'hub HTTP address')
  .requiredOption('--mqtt <url>', 'MQTT broker address')
  .requiredOption('--area <path>', 'area path the devices belong to, e.g. ha-noi/thanh-xuan/ha-dinh')
  .option('--count <n>', 'number of agents', '10')
  .option('--username <name>', 'an admin or district user', 'admin')
  .option('--password <pw>', 'its password (env WARDCAST_ADMIN_PASSWORD)')
  .option('--data-dir <dir>', 'where the agents keep their data', './data/simulate')
  .action(async (opts) => {
    const { runSimulation } = await import('./simulate.ts');
    const fleet = await runSimulation({
      hubUrl: opts.hub,
      mqttUrl: opts.mqtt,
      areaPath: opts.area,
      count: Number(opts.count),
      username: opts.username,
      password: opts.password ?? process.env.WARDCAST_ADMIN_PASSWORD ?? '',
      dataDir: opts.dataDir,
    });
    stopOnSignal(() => fleet.stop());
  });

program
  .command('probe')
  .description(
    'test the device a hardware profile describes: print what the amplifier or LED board reads back; exit 1 if it does not answer',
  )
  .requiredOption('--profile <file>', 'hardware profile (YAML/JSON), or an agent config with a profile: section')
  .option('--switch-test', 'amplifier: power on, all zones at 20 %, read back, power off (default: read only)')
  .option('--write <text>', 'LED board: show this text and read it back (default: read only)')
  .option('--set-time', "LED board: set the board's clock")
  .action(async (opts) => {
    const { runProbe } = await import('./probe.ts');
    try {
      process.exitCode = await runProbe({
        profile: opts.profile,
        switchTest: !!opts.switchTest,
        write: opts.write,
        setTime: !!opts.setTime,
      });
    } catch (e) {
      console.error(`wardcast probe: ${(e as Error).message}`);
      process.exitCode = (e as { exitCode?: number }).exitCode ?? 1;
    }
  });

// --- External broker setup (docs/brokers.md) ---
program
  .command('broker')
  .description('set up an external MQTT broker for the hub')
  .command('mosquitto-config')
  .description(
    "write mosquitto.conf and the dynamic-security file (with the hub's admin client) to DIR, and print the hub's environment",
  )
  .requiredOption('--out <dir>', 'folder for mosquitto.conf, dynamic-security.json and the hub password file')
  .option('--port <n>', 'listener port', '1883')
  .option('--host <addr>', 'listener address (default: every address)')
  .option('--hub-username <name>', "the hub's admin login on the broker", 'wardcast-hub')
  .option(
    '--topic-prefix <prefix>',
    'as the hub (WARDCAST_TOPIC_PREFIX)',
    process.env.WARDCAST_TOPIC_PREFIX || 'wardcast/v1',
  )
  .option('--no-persistence', 'keep retained messages in memory only')
  .option('--force', 'overwrite an existing dynamic-security.json (its clients are lost)')
  .action(async (opts) => {
    const { writeMosquittoSetup } = await import('../hub/main.ts');
    const path = await import('node:path');
    const s = writeMosquittoSetup({
      dir: opts.out,
      port: Number(opts.port),
      host: opts.host,
      hubUsername: opts.hubUsername,
      topicPrefix: opts.topicPrefix,
      persistence: opts.persistence,
      force: !!opts.force,
    });
    console.log(
      `wrote ${s.confFile}\nwrote ${s.dynsecFile} (the broker rewrites it as the hub adds devices; keep it writable by the mosquitto user)\nwrote ${s.passwordFile}`,
    );
    // Started as root, mosquitto drops to its own user, which must read and rewrite the plugin's file.
    console.log(
      `\nlet the broker's user own it:  chown -R mosquitto: ${path.dirname(s.confFile)}\nstart the broker:  mosquitto -c ${s.confFile}\n\nthen run the hub with:`,
    );
    for (const [k, v] of Object.entries(s.env)) console.log(`  ${k}=${v}`);
    console.log("\nand tell agents the broker's address reachable from the field (WARDCAST_PUBLIC_MQTT_URL).");
  });

function stopOnSignal(stop: () => Promise<void>) {
  let stopping = false;
  const handler = async () => {
    if (stopping) return;
    stopping = true;
    await stop().catch((e) => console.error(e));
    process.exit(0);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

program.parseAsync().catch((err) => {
  console.error(`wardcast: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
