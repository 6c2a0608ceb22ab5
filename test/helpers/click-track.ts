// A mouth with a known clock, for measuring live latency from outside: a tone burst every
// `periodMs`, written as raw PCM into ffmpeg in real time (each sample at the hub-time instant a
// microphone would capture it) and encoded to webm/opus, whose bytes go out in `timesliceMs` chunks
// as the browser's MediaRecorder sends them. So a click's "sent" instant is when it was spoken,
// and the latency measured at the speaker includes the encoder and the chunking, as in a browser.
// Each burst's length says which click it is (30, 60, … 180 ms, repeating every 6), so a click is
// recognised at the speaker even when the latency is longer than the period.
import { spawn } from 'node:child_process';
import { hubNow } from './pcm-sink.ts';

export const CLICK_RATE = 48_000;
const IDS = 6;
const BASE_MS = 30;
const STEP_MS = 30;
const SMEAR_MS = 4;

/** The burst length of click `k`, ms. */
export const clickLengthMs = (k: number) => BASE_MS + STEP_MS * (k % IDS);

/** Which click id (k mod 6) a burst of this measured length is, or null when it is no click's length. */
export function clickIdOf(lengthMs: number): number | null {
  // The codec and the hub's loudness filters lengthen a burst by a few ms (measured +3 to +10 ms
  // on the live path), so the window sits a little above the sent length: −10 to +18 ms.
  const id = Math.round((lengthMs - SMEAR_MS - BASE_MS) / STEP_MS) || 0;
  return id >= 0 && id < IDS && Math.abs(lengthMs - SMEAR_MS - clickLengthMs(id)) <= 14 ? id : null;
}

export interface SentClick {
  k: number;
  /** hub ms at which the burst's first sample was "spoken" */
  at: number;
  lengthMs: number;
}

export interface ClickSource {
  sent: SentClick[];
  /** chunks and bytes handed to `send` */
  chunks: number;
  bytes: number;
  stop(): Promise<void>;
}

/** webm/opus from raw PCM on stdin, flushed as it is made (clusters of 100 ms, as MediaRecorder). */
export function clickEncoderArgs(): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    // no probing of a raw input: otherwise ffmpeg holds the first second before it writes
    '-fflags',
    'nobuffer',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-f',
    's16le',
    '-ar',
    String(CLICK_RATE),
    '-ac',
    '1',
    '-i',
    'pipe:0',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-frame_duration',
    '20',
    '-f',
    'webm',
    '-live',
    '1',
    '-cluster_time_limit',
    '100',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

export function startClickSource(o: {
  ffmpegPath: string;
  send: (chunk: Buffer) => void;
  periodMs?: number;
  timesliceMs?: number;
  /** silence before the first click, ms */
  leadMs?: number;
  /** speak this many clicks, then silence: a stop that lands on a click's onset cannot cut one short */
  clicks?: number;
  /** tone frequency, Hz, and amplitude (0..1) */
  hz?: number;
  amplitude?: number;
}): ClickSource {
  const period = o.periodMs ?? 1000;
  const hz = o.hz ?? 1000;
  const amp = Math.round((o.amplitude ?? 0.5) * 32767);
  const lead = o.leadMs ?? 500;
  const ff = spawn(o.ffmpegPath, clickEncoderArgs(), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  ff.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  ff.stdin.on('error', () => undefined);
  const src: ClickSource = { sent: [], chunks: 0, bytes: 0, stop };
  const t0 = hubNow();
  let written = 0; // samples given to the encoder
  const sampleAt = (n: number) => t0 + (n / CLICK_RATE) * 1000;
  const onsetSample = (k: number) => Math.round(((lead + k * period) / 1000) * CLICK_RATE);

  // The "microphone": every few ms, the samples whose capture instant has passed.
  const mic = setInterval(() => {
    const upTo = Math.floor(((hubNow() - t0) / 1000) * CLICK_RATE);
    if (upTo <= written) return;
    const pcm = Buffer.alloc((upTo - written) * 2);
    for (let n = written; n < upTo; n++) {
      const k = Math.max(0, Math.floor((n - onsetSample(0)) / ((period / 1000) * CLICK_RATE)));
      if (k >= (o.clicks ?? Number.POSITIVE_INFINITY)) continue;
      const start = onsetSample(k);
      const len = Math.round((clickLengthMs(k) / 1000) * CLICK_RATE);
      if (n === start) src.sent.push({ k, at: sampleAt(n), lengthMs: clickLengthMs(k) });
      if (n >= start && n < start + len)
        pcm.writeInt16LE(Math.round(amp * Math.sin((2 * Math.PI * hz * (n - start)) / CLICK_RATE)), (n - written) * 2);
    }
    written = upTo;
    ff.stdin.write(pcm);
  }, 5);

  // MediaRecorder's timeslice: what the encoder made in the last slice goes out as one message.
  let pending: Buffer[] = [];
  ff.stdout.on('data', (b: Buffer) => pending.push(b));
  const flush = () => {
    if (!pending.length) return;
    const chunk = Buffer.concat(pending);
    pending = [];
    src.chunks++;
    src.bytes += chunk.length;
    o.send(chunk);
  };
  const slicer = setInterval(flush, o.timesliceMs ?? 100);

  const exited = new Promise<void>((r) => ff.once('close', () => r()));
  async function stop(): Promise<void> {
    clearInterval(mic);
    ff.stdin.end();
    const kill = setTimeout(() => ff.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(kill);
    clearInterval(slicer);
    flush(); // MediaRecorder's stop() hands over the last data too
    if (ff.exitCode && ff.exitCode !== 0 && stderr) throw new Error(`the click encoder failed: ${stderr}`);
  }
  return src;
}

export interface HeardClick {
  k: number;
  sentAt: number;
  heardAt: number;
  latencyMs: number;
}

/**
 * Pairs the onsets a speaker played with the clicks sent. An onset's length says which click it is
 * modulo 6; of the clicks with that id, it is the one nearest the onset's expected instant (sent +
 * the session's latency, the median of a first pairing with the latest such click sent before the
 * onset), and only within half a period of it. So an onset that lost its start to a dropout, heard
 * shorter and taken for another id, is not paired with a click of that id 1–5 s earlier: it is left
 * out and counted, as are onsets of no click's length.
 */
export function matchClicks(
  sent: SentClick[],
  heard: Array<{ at: number; lengthMs: number | null }>,
  periodMs = 1000,
): { matched: HeardClick[]; unrecognised: number } {
  const ids = heard.map((h) => (h.lengthMs === null ? null : clickIdOf(h.lengthMs)));
  const latest = (h: { at: number }, id: number) =>
    sent.filter((c) => c.k % IDS === id && c.at <= h.at && h.at - c.at < IDS * periodMs).sort((a, b) => b.at - a.at)[0];
  const first = heard.flatMap((h, i) => {
    const s = ids[i] === null ? undefined : latest(h, ids[i]!);
    return s ? [h.at - s.at] : [];
  });
  const latency = first.sort((a, b) => a - b)[Math.floor((first.length - 1) / 2)];
  const matched: HeardClick[] = [];
  let unrecognised = 0;
  heard.forEach((h, i) => {
    const id = ids[i];
    const s =
      id === null || latency === undefined
        ? undefined
        : sent
            .filter((c) => c.k % IDS === id && Math.abs(h.at - latency - c.at) < periodMs / 2)
            .sort((a, b) => Math.abs(h.at - latency - a.at) - Math.abs(h.at - latency - b.at))[0];
    if (!s) unrecognised++;
    else matched.push({ k: s.k, sentAt: s.at, heardAt: h.at, latencyMs: h.at - s.at });
  });
  return { matched, unrecognised };
}
