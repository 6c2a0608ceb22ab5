// Small helpers for edge-agent tests: temp dirs, real Vietnamese speech clips (espeak-ng → opus
// with ffmpeg), waiting for events, and a quiet logger.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import pino from 'pino';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import type { Priority, ScheduleItem, MediaRef, LedMessage } from '../../protocol/index.ts';
import type { AgentConfigInput } from '../config.ts';

export const testLogger = () => pino({ level: process.env.WARDCAST_TEST_LOG ?? 'silent' });

export function tempDir(prefix = 'wardcast-agent-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Clip {
  file: string;
  durationMs: number;
}

/**
 * Speaks `text` in Vietnamese with espeak-ng and encodes it to Opus; padded with silence to at
 * least `minSeconds`. Clips are cached by content in the OS temp dir.
 */
export function makeClip(text: string, minSeconds = 0): Clip {
  const ffmpeg = resolveFfmpeg().path;
  const dir = path.join(tmpdir(), 'wardcast-test-clips');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha1').update(`${text}|${minSeconds}`).digest('hex').slice(0, 16);
  const file = path.join(dir, `${key}.opus`);
  if (!existsSync(file)) {
    const wav = path.join(dir, `${key}-${process.pid}.wav`);
    execFileSync('espeak-ng', ['-v', 'vi', '-w', wav, text]);
    const pad = minSeconds > 0 ? ['-af', `apad=whole_len=${Math.round(minSeconds * 22050)}`] : [];
    const tmp = path.join(dir, `${key}-${process.pid}.opus`);
    execFileSync(ffmpeg, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      wav,
      ...pad,
      '-c:a',
      'libopus',
      '-b:a',
      '24k',
      tmp,
    ]);
    execFileSync('mv', [tmp, file]);
    rmSync(wav, { force: true });
  }
  return { file, durationMs: measureDurationMs(file) };
}

/** Decodes the whole file (not in real time) and reads the last time= ffmpeg reports. */
function measureDurationMs(file: string): number {
  const r = spawnSync(resolveFfmpeg().path, ['-hide_banner', '-nostdin', '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const all = [...r.stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}\.\d+)/g)];
  const m = all[all.length - 1];
  if (r.status !== 0 || !m) throw new Error(`cannot measure the duration of ${file}: ${r.stderr.slice(-300)}`);
  return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
}

export function speakerProfile(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'speaker' as const,
    amplifier: { driver: 'simulated' as const, warmUpMs: 100, tailMs: 50, latencyMs: 1, ...overrides },
    audioOutput: 'null',
  };
}

export function agentConfig(
  hub: { hubUrl: string; mqttUrl: string },
  dataDir: string,
  extra: Partial<AgentConfigInput> = {},
): AgentConfigInput {
  return {
    dataDir,
    hubUrl: hub.hubUrl,
    mqttUrl: hub.mqttUrl,
    profile: speakerProfile(),
    telemetryIntervalMs: 60_000,
    clockSyncIntervalMs: 60_000,
    lateGraceMs: 3000,
    receiptRetryMs: 500,
    reconnectMinMs: 100,
    reconnectMaxMs: 500,
    logLevel: 'silent',
    ...extra,
  };
}

let n = 0;
export function audioItem(media: MediaRef, startAt: number, over: Partial<ScheduleItem> = {}): ScheduleItem {
  const broadcastId = over.broadcastId ?? `b-${++n}-${randomUUID().slice(0, 8)}`;
  return {
    occurrenceId: `${broadcastId}@${startAt}`,
    broadcastId,
    title: 'Bản tin phường',
    priority: 'normal' as Priority,
    startAt,
    durationMs: media.durationMs,
    volume: 70,
    media,
    ...over,
  };
}

export function ledItem(
  led: LedMessage,
  startAt: number,
  durationMs: number,
  over: Partial<ScheduleItem> = {},
): ScheduleItem {
  const broadcastId = over.broadcastId ?? `led-${++n}`;
  return {
    occurrenceId: `${broadcastId}@${startAt}`,
    broadcastId,
    title: 'Thông điệp LED',
    priority: 'normal',
    startAt,
    durationMs,
    volume: 0,
    led,
    ...over,
  };
}

/** Resolves with the first event `name` whose argument matches `pred`. */
export function nextEvent<T = unknown>(
  emitter: EventEmitter,
  name: string,
  pred: (v: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      emitter.off(name, on);
      reject(new Error(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (v: T) => {
      if (!pred(v)) return;
      clearTimeout(t);
      emitter.off(name, on);
      resolve(v);
    };
    emitter.on(name, on);
  });
}

export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
