// `npm start`: the hub with its embedded broker and SQLite under ./data, three simulated field
// devices as separate agent processes, and a bulletin that goes out and comes back confirmed, a
// typed one, a relay of a local test stream and an emergency —
// all through the same HTTP API and MQTT topics a real installation uses.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadDemoWorld, startHub, type HubConfig } from '../hub/main.ts';
import {
  resolveFfmpeg,
  ModbusAmplifierSimulator,
  SIM_AUDIO_COIL,
  startAlphaSimulator,
} from '../firmware-bridge/index.ts';
import { ApiClient, waitForBroadcastResults } from './api-client.ts';
import { startDemoStream } from './demo-stream.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IDENTITY_FILE = 'identity.json';

export interface DemoHandle {
  hubUrl: string;
  stop(): Promise<void>;
}

/** A short Vietnamese bulletin: espeak-ng's voice where installed, otherwise a chime from ffmpeg. */
export function makeDemoAudio(dir: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const wav = path.join(dir, 'ban-tin.wav');
  try {
    execFileSync('espeak-ng', ['-v', 'vi', '-s', '150', '-w', wav, text], { stdio: 'ignore' });
    return wav;
  } catch {
    const ffmpeg = resolveFfmpeg().path;
    execFileSync(ffmpeg, [
      '-y',
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=660:duration=1.5',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=880:duration=1.5',
      '-filter_complex',
      '[0][1]concat=n=2:v=0:a=1,volume=0.3',
      wav,
    ]);
    return wav;
  }
}

/**
 * A speaker cluster's amplifier controller, simulated behind real Modbus TCP on a free loopback
 * port: the agent drives it with the modbus-tcp driver exactly as it would a field controller.
 * The simulator's audio input is coil 100, which the agent sets while audio plays (the stand-in
 * for the audio cable; see docs/hardware.md).
 */
async function modbusSpeakerProfile(name: string, stops: Array<() => Promise<void>>) {
  const sim = new ModbusAmplifierSimulator({ name });
  const port = await sim.listenTcp(0, '127.0.0.1');
  stops.push(() => sim.close());
  return {
    kind: 'speaker',
    amplifier: {
      driver: 'modbus-tcp',
      host: '127.0.0.1',
      port,
      registerMap: 'amp-controller-readback',
      simulation: { audioInputCoil: SIM_AUDIO_COIL },
      zones: 4,
      warmUpMs: 800,
      tailMs: 500,
    },
    audioOutput: 'null',
  };
}

/**
 * An LED board speaking the Alpha protocol behind a serial device server (TCP), simulated on a
 * free loopback port. Its font has no Vietnamese letters, so the profile sends pictures: what the
 * street sees keeps its diacritics, and the read-back compares the dots.
 */
async function alphaLedProfile(name: string, stops: Array<() => Promise<void>>, previews: Map<string, () => Buffer>) {
  const board = { address: '01', charset: 'ascii', rows: 32, columns: 192 } as const;
  const led = await startAlphaSimulator({ name, ...board });
  stops.push(led.stop);
  previews.set(name, () => led.sim.preview());
  return {
    kind: 'led',
    board: { driver: 'alpha-tcp', host: '127.0.0.1', port: led.port, vietnamese: 'picture', ...board },
  };
}

function startAgentProcess(cfgFile: string, logFile: string): ChildProcess {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'wardcast.mjs'), 'agent', '--config', cfgFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WARDCAST_DATA_DIR: '', WARDCAST_MQTT_URL: '' },
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

export async function runDemo(
  config: HubConfig,
  opts: { scenario: boolean; quietExit?: boolean },
): Promise<DemoHandle> {
  const {
    DEMO_DEVICES,
    DEMO_USERS,
    seedAreas,
    seedCampaign,
    seedDevices,
    seedLastMonthReport,
    seedMonthSoFarReport,
    seedUsers,
  } = await loadDemoWorld();
  const hub = await startHub(config);
  const db = hub.ctx.db;
  seedAreas(db);
  const passwords = await seedUsers(db, config.dataDir);
  const agentDir = (id: string) => path.join(config.dataDir, 'agents', id);
  const devices = seedDevices(db, (id) => existsSync(path.join(agentDir(id), IDENTITY_FILE)));
  // A campaign over the wards (the scenario airs a bulletin tagged with it), and last month's report.
  const campaign = seedCampaign(db, hub.ctx.clock.now());
  const reportPeriod = await seedLastMonthReport(db, hub.ctx.clock.now(), config.confirmationGraceMs);

  const children: ChildProcess[] = [];
  const simulatorStops: Array<() => Promise<void>> = [];
  const ledPreviews = new Map<string, () => Buffer>();
  for (const d of DEMO_DEVICES) {
    const dir = agentDir(d.id);
    const { created, token } = devices.get(d.id)!;
    if (created) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const profile =
      d.kind === 'speaker'
        ? await modbusSpeakerProfile(d.id, simulatorStops)
        : await alphaLedProfile(d.id, simulatorStops, ledPreviews);
    const cfg = {
      dataDir: '.',
      hubUrl: hub.httpUrl,
      mqttUrl: hub.mqttUrl,
      ...(token ? { enrolToken: token } : {}),
      profile,
      telemetryIntervalMs: 5000,
      logLevel: 'info',
    };
    const cfgFile = path.join(dir, 'agent.yaml');
    writeFileSync(cfgFile, YAML.stringify(cfg), { mode: 0o600 });
    children.push(startAgentProcess(cfgFile, path.join(dir, 'agent.log')));
  }

  const api = new ApiClient(hub.httpUrl);
  await api.waitFor(
    async () =>
      (await api.as('vanhoa.thanhxuan', passwords['vanhoa.thanhxuan']))
        .get('/api/v1/devices')
        .then((ds: Array<{ online: boolean }>) => ds.filter((x) => x.online).length === DEMO_DEVICES.length),
    30_000,
    'all demo devices online',
  );

  let figures = '';
  if (opts.scenario) {
    // What the simulated board shows during the emergency, as the street sees it.
    const snapshot = () => {
      const files = [...ledPreviews].map(([id, preview]) => {
        const file = path.join(config.dataDir, 'demo', `${id}.png`);
        writeFileSync(file, preview());
        return file;
      });
      return files.map((f) => `\n  Bảng LED khi có tin khẩn / LED board during the emergency: ${f}`).join('');
    };
    figures = await runScenario(api, passwords, path.join(config.dataDir, 'demo'), snapshot, campaign.id);
    // This month's report so far, from what the scenario aired: the emergency's time to full confirmation included.
    const soFar = await seedMonthSoFarReport(
      db,
      hub.ctx.clock.now(),
      config.confirmationGraceMs,
      hub.ctx.reports.build,
    );
    figures += `\n  Báo cáo tháng ${soFar} (đến nay / so far): Báo cáo định kỳ`;
  }

  const lines = [
    '',
    '  wardcast đang chạy — wardcast is running',
    `  Trang web / web:   ${hub.httpUrl}/`,
    `  API:               ${hub.httpUrl}/api/v1/openapi.json`,
    `  MQTT:              ${hub.mqttUrl}`,
    '  Đăng nhập / log in:',
    `    admin              ${hub.generatedAdminPassword ?? config.adminPassword ?? '(the password set at first start, or set WARDCAST_ADMIN_PASSWORD)'}`,
    ...DEMO_USERS.map((u) => `    ${u.username.padEnd(22)} ${passwords[u.username]}   (${u.displayName})`),
    `  Thiết bị / devices: ${DEMO_DEVICES.map((d) => d.id).join(', ')}  (logs in ${path.join(config.dataDir, 'agents')})`,
    `  Chuyên đề / campaign: «${campaign.name}» ${campaign.from} – ${campaign.to}; báo cáo tháng / monthly report ${reportPeriod} (Báo cáo định kỳ)`,
    figures,
    '  Ctrl-C để dừng / to stop.',
    '',
  ];
  console.log(lines.join('\n'));

  const stop = async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    await hub.stop();
    await Promise.all(simulatorStops.map((stop) => stop()));
  };
  if (!opts.quietExit) {
    const onSignal = () => void stop().then(() => process.exit(0));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { hubUrl: hub.httpUrl, stop };
}

/** The length of the demo's relay: long enough to hear, short enough to wait for. */
const DEMO_RELAY_S = 15;

/**
 * The story a newcomer sees: a ward bulletin approved and confirmed, a typed one, a district relay
 * of a test stream, then a district emergency.
 */
async function runScenario(
  api: ApiClient,
  pw: Record<string, string>,
  workDir: string,
  snapshotBoards: () => string,
  campaignId: number,
): Promise<string> {
  const official = await api.as('canbo.hadinh', pw['canbo.hadinh']);
  const leader = await api.as('lanhdao.hadinh', pw['lanhdao.hadinh']);
  const { DISTRICT } = await loadDemoWorld();
  const district = await api.as('vanhoa.thanhxuan', pw['vanhoa.thanhxuan']);
  const chief = await api.as('truongphong.thanhxuan', pw['truongphong.thanhxuan']);
  const ward = `${DISTRICT}/ha-dinh`;

  const audio = makeDemoAudio(
    workDir,
    'Thông báo của Ủy ban nhân dân phường Hạ Đình. Đề nghị bà con dọn vệ sinh môi trường vào sáng chủ nhật.',
  );
  console.log('  1. Cán bộ phường tải bản tin lên / the ward official uploads a bulletin …');
  const uploaded = await official.upload('/api/v1/media', audio, 'thong-bao-ve-sinh.wav');
  // The district's bulletin for its campaign (chuyên đề), shorter than the ward's, processed meanwhile.
  const nq98Upload = await district.upload(
    '/api/v1/media',
    makeDemoAudio(path.join(workDir, 'nq98'), 'Tuyên truyền Nghị quyết 98 của Quốc hội.'),
    'nghi-quyet-98.wav',
  );
  // The typed bulletin of step 3 is read now, so the hub processes it while step 2 airs.
  const tomorrow = new Date(Date.now() + 7 * 3600_000 + 86_400_000);
  const typedText = `UBND phường Hạ Đình thông báo: 19h30 ngày ${tomorrow.getUTCDate()}/${tomorrow.getUTCMonth() + 1}, TDP số 5 họp tại nhà văn hóa. Liên hệ 024 3858 1234.`;
  const typedStarted = Date.now();
  // Without a speech engine on this machine the demo says so and goes on: a fresh machine may not
  // have espeak-ng yet (npm test installs it; an installation installs it by name).
  const engine = await official.get('/api/v1/tts');
  const typed = engine.available ? await official.post('/api/v1/tts', { text: typedText }) : null;
  const media = await official.waitFor(
    async () => {
      const m = await official.get(`/api/v1/media/${uploaded.id}`);
      if (m.status === 'failed') throw new Error(`demo audio failed to process: ${m.error}`);
      return m.status === 'ready' ? m : null;
    },
    120_000,
    'audio processed',
  );
  console.log(
    `     ${media.durationMs / 1000}s, ${media.loudness.outputI?.toFixed?.(1)} LUFS, transcoded at ${media.loudness.speedX?.toFixed?.(0)}× realtime`,
  );

  const wardBulletin = await official.post('/api/v1/broadcasts', {
    title: 'Thông báo tổng vệ sinh môi trường',
    mediaId: media.id,
    priority: 'normal',
    volume: 70,
    targets: { areas: [ward], devices: [] },
    startsAt: 'now',
  });
  // The same bulletin at 06:00 and 17:30 every day for a week: one DTSTART, two daily rules.
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  await official.post('/api/v1/broadcasts', {
    title: 'Bản tin sáng và chiều (06:00, 17:30) trong tuần',
    mediaId: media.id,
    priority: 'normal',
    volume: 65,
    targets: { areas: [ward], devices: [] },
    rrule: `DTSTART:${today}T000000\nRRULE:FREQ=DAILY;COUNT=7;BYHOUR=6;BYMINUTE=0;BYSECOND=0\nRRULE:FREQ=DAILY;COUNT=7;BYHOUR=17;BYMINUTE=30;BYSECOND=0`,
  });
  // Khương Mai's speaker airs the campaign's bulletin while Hạ Đình's airs the ward's.
  const nq98Media = await district.waitFor(
    async () => {
      const m = await district.get(`/api/v1/media/${nq98Upload.id}`);
      if (m.status === 'failed') throw new Error(`campaign audio failed to process: ${m.error}`);
      return m.status === 'ready' ? m : null;
    },
    120_000,
    'campaign audio processed',
  );
  const nq98 = await district.post('/api/v1/broadcasts', {
    title: 'Tuyên truyền Nghị quyết 98 — kỳ 1',
    mediaId: nq98Media.id,
    priority: 'normal',
    volume: 70,
    targets: { areas: [`${DISTRICT}/khuong-mai`], devices: [] },
    startsAt: 'now',
    campaigns: [campaignId],
  });
  await chief.post(`/api/v1/broadcasts/${nq98.id}/approve`, {});
  console.log('  2. Lãnh đạo phường phê duyệt / the ward leader approves …');
  const approvedAt = Date.now();
  const approved = await leader.post(`/api/v1/broadcasts/${wardBulletin.id}/approve`, {});

  // Step 3 is prepared while step 2 airs: the typed bulletin, read and processed by now or soon,
  // is placed right after the ward bulletin ends on the same speaker.
  const spoken =
    typed &&
    (await official.waitFor(
      async () => {
        const m = await official.get(`/api/v1/media/${typed.id}`);
        if (m.status === 'failed') throw new Error(`typed bulletin failed to process: ${m.error}`);
        return m.status === 'ready' ? m : null;
      },
      120_000,
      'typed bulletin read and processed',
    ));
  const typedReady = (Date.now() - typedStarted) / 1000;
  const typedStart =
    Math.ceil(Math.max(Date.parse(approved.startsAt) + media.durationMs + 1500, Date.now() + 6000) / 1000) * 1000;
  const typedBulletin =
    spoken &&
    (await official.post('/api/v1/broadcasts', {
      title: 'Họp tổ dân phố số 5 (bản tin văn bản)',
      mediaId: spoken.id,
      priority: 'normal',
      volume: 70,
      targets: { areas: [ward], devices: [] },
      startsAt: new Date(typedStart).toISOString(),
    }));
  if (typedBulletin) await leader.post(`/api/v1/broadcasts/${typedBulletin.id}/approve`, {});

  // Step 4, prepared now too: the district relays a station (here the demo's own test stream, since
  // a fresh machine has no Icecast) to both speakers, after the typed bulletin ends.
  const relayStart =
    Math.ceil(
      Math.max(
        (typedBulletin ? typedStart + spoken.durationMs : Date.parse(approved.startsAt) + media.durationMs) + 1500,
        Date.now() + 9000,
      ) / 1000,
    ) * 1000;
  const stream = await startDemoStream(resolveFfmpeg().path, audio);
  // Stopped once the relay is over, or when anything before fails (no stream left serving).
  let relayLine: string;
  let wardSeconds: number;
  try {
    const relay = await district.post('/api/v1/broadcasts', {
      title: 'Tiếp âm đài phát thanh (luồng thử của bản demo)',
      relay: { url: stream.url, seconds: DEMO_RELAY_S, fallback: 'last-bulletin' },
      priority: 'normal',
      volume: 70,
      targets: { areas: [DISTRICT], devices: [] },
      startsAt: new Date(relayStart).toISOString(),
    });
    await chief.post(`/api/v1/broadcasts/${relay.id}/approve`, {});

    const done = await waitForBroadcastResults(leader, wardBulletin.id, 120_000);
    wardSeconds = (Date.now() - approvedAt) / 1000;
    for (const d of done.devices) console.log(`     ${d.deviceId}: ${d.state}, ${d.secondsPlayed}s ${d.reason ?? ''}`);

    const nq98Done = await waitForBroadcastResults(district, nq98.id, 120_000);
    for (const d of nq98Done.devices)
      console.log(`     ${d.deviceId} (${nq98.title}): ${d.state}, ${d.secondsPlayed}s ${d.reason ?? ''}`);

    console.log(
      '  3. Cán bộ phường soạn bản tin bằng văn bản, máy đọc thành giọng nói / the ward official types a bulletin, the hub reads it aloud …',
    );
    if (spoken && typedBulletin) {
      console.log(
        `     «${typedText}»\n     → «${spoken.tts.spoken}»\n     ${spoken.tts.engine} (${spoken.tts.voice}) ${spoken.tts.generationMs} ms, ${spoken.durationMs / 1000}s of speech, ready ${typedReady.toFixed(1)} s after typing; approved, airs after the ward bulletin`,
      );
      const typedDone = await waitForBroadcastResults(leader, typedBulletin.id, 120_000);
      for (const d of typedDone.devices)
        console.log(`     ${d.deviceId}: ${d.state}, ${d.secondsPlayed}s ${d.reason ?? ''}`);
    } else {
      console.log(`     bỏ qua / skipped: ${engine.problem ?? 'no speech engine'} (Debian: apt-get install espeak-ng)`);
    }

    console.log(
      `  4. Quận tiếp âm một đài tới các loa toàn quận / the district relays a station to every speaker (${stream.url}, ${DEMO_RELAY_S} s) …`,
    );
    const relayDone = await waitForBroadcastResults(district, relay.id, 120_000);
    const aired: string[] = [];
    for (const d of relayDone.devices) {
      const r = d.evidence?.relay ?? { secondsAired: 0, secondsLost: DEMO_RELAY_S };
      console.log(`     ${d.deviceId}: ${d.state}, ${r.secondsAired}s aired, ${r.secondsLost}s lost ${d.reason ?? ''}`);
      aired.push(`${d.deviceId} ${d.state} ${r.secondsAired}/${DEMO_RELAY_S} s`);
    }
    relayLine = `  Tiếp âm / relay of ${stream.url} (${stream.served()} pull by the hub): ${aired.join(', ')}`;
  } finally {
    await stream.stop();
  }

  console.log('  5. Quận gửi tin khẩn cấp tới toàn quận / the district sends an emergency to the whole district …');
  const sentAt = Date.now();
  const emergency = await district.post('/api/v1/broadcasts', {
    title: 'Khẩn cấp: bão số 3 đổ bộ',
    mediaId: media.id,
    led: {
      pages: [
        { lines: ['KHẨN CẤP: BÃO SỐ 3', 'Người dân hạn chế ra đường'], mode: 'flash', seconds: 6 },
        { lines: ['Đường dây nóng phường Hạ Đình', '024 3858 1234'], mode: 'hold', seconds: 6 },
      ],
    },
    priority: 'emergency',
    volume: 90,
    targets: { areas: [DISTRICT], devices: [] },
    startsAt: 'now',
  });
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(emergency.startsAt) + 2000 - Date.now())));
  const boards = snapshotBoards();
  const em = await waitForBroadcastResults(district, emergency.id, 120_000);
  const emSeconds = (Date.now() - sentAt) / 1000;
  for (const d of em.devices) console.log(`     ${d.deviceId}: ${d.state}, ${d.secondsPlayed}s ${d.reason ?? ''}`);

  const report = await district.get(`/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}`);
  const t = report.totals;
  // The campaign's progress: planned against aired per ward, from admitted receipts only.
  const progress = await district.get(`/api/v1/campaigns/${campaignId}/progress`);
  const wards = progress.wards
    .filter((w: { planned: number }) => w.planned > 0)
    .map((w: { areaName: string; planned: number; aired: number }) => `${w.areaName} ${w.aired}/${w.planned}`);
  return (
    [
      `  Chuyên đề / campaign «${progress.campaign.name}»: đã phát/kế hoạch (aired/planned) ${wards.join(', ')}`,
      `  Báo cáo độ phủ / coverage (${report.area.name}): scheduled ${t.scheduled}, played ${t.played}, partial ${t.partial}, failed ${t.failed}, missed ${t.missed}, pending ${t.pending}`,
      `  Phê duyệt → xác nhận / approve → confirmed: ${wardSeconds.toFixed(1)} s (bulletin ${media.durationMs / 1000} s); emergency send → all confirmed: ${emSeconds.toFixed(1)} s`,
      relayLine,
    ].join('\n') + boards
  );
}
