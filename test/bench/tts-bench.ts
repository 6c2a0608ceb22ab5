// Typed bulletins: how long the engine takes per 100 characters, for each Vietnamese voice espeak-ng
// has and for both ways a template can pass text and audio, and how that compares with the media
// pipeline the audio goes through next (same run, same audio). Also the text normaliser's cost.
//   node bin/run-ts.mjs test/bench/tts-bench.ts [runs]
import { rmSync } from 'node:fs';
import path from 'node:path';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { synthesize } from '../../hub/tts/engine.ts';
import { normalizeVietnamese } from '../../hub/tts/normalize-vi.ts';
import { transcode } from '../../hub/media/pipeline.ts';
import { decodedMs, tempDir } from '../../hub/media/test-audio.ts';

const runs = Number(process.argv[2] ?? 5);
const ffmpeg = resolveFfmpeg().path;
const dir = tempDir('tts-bench');
const SENTENCE =
  'UBND phường Hạ Đình thông báo: từ 7h30 ngày 30/4/2026, TDP số 5 tổ chức tổng vệ sinh môi trường; mỗi hộ đóng góp 20.000đ, liên hệ 0912 345 678. ';
const textOf = (chars: number) => SENTENCE.repeat(Math.ceil(chars / SENTENCE.length)).slice(0, chars);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ENGINES: Array<[label: string, command: string[], voice: string]> = [
  [
    'espeak-ng vi (northern), file in/out',
    ['espeak-ng', '-v', '{voice}', '-s', '150', '-w', '{out}', '-f', '{textFile}'],
    'vi',
  ],
  ['espeak-ng vi, stdin/stdout', ['espeak-ng', '-v', '{voice}', '-s', '150', '--stdout'], 'vi'],
  [
    'espeak-ng vi-vn-x-central',
    ['espeak-ng', '-v', '{voice}', '-s', '150', '-w', '{out}', '-f', '{textFile}'],
    'vi-vn-x-central',
  ],
  [
    'espeak-ng vi-vn-x-south',
    ['espeak-ng', '-v', '{voice}', '-s', '150', '-w', '{out}', '-f', '{textFile}'],
    'vi-vn-x-south',
  ],
];

try {
  const t0 = performance.now();
  const n = 200;
  for (let i = 0; i < n; i++) normalizeVietnamese(textOf(5000));
  console.log(
    `normaliser: ${((performance.now() - t0) / n / 50).toFixed(3)} ms per 100 characters (5000-character text, ${n} runs)`,
  );

  console.log(
    `\n${'engine'.padEnd(40)} ${'chars'.padStart(6)} ${'ms/100 ch'.padStart(10)} ${'speech s/100 ch'.padStart(16)} ${'× realtime'.padStart(11)}`,
  );
  for (const [label, command, voice] of ENGINES) {
    for (const chars of [100, 1000, 5000]) {
      const spoken = normalizeVietnamese(textOf(chars));
      const out = path.join(dir, 'out.wav');
      const times: number[] = [];
      for (let r = 0; r < runs; r++)
        times.push((await synthesize({ command, voice, timeoutMs: 120_000 }, spoken, out, dir)).ms);
      const ms = median(times);
      const audio = decodedMs(ffmpeg, out);
      console.log(
        `${label.padEnd(40)} ${String(chars).padStart(6)} ${((ms / chars) * 100).toFixed(1).padStart(10)} ${((audio / 1000 / chars) * 100).toFixed(2).padStart(16)} ${(audio / ms).toFixed(0).padStart(10)}×`,
      );
    }
  }

  // The engine against the pipeline it feeds (the peer in this run): a 1000-character bulletin.
  const spoken = normalizeVietnamese(textOf(1000));
  const wav = path.join(dir, 'one.wav');
  const engineMs = (await synthesize({ command: ENGINES[0][1], voice: 'vi', timeoutMs: 120_000 }, spoken, wav, dir)).ms;
  const p0 = performance.now();
  const r = await transcode(wav, path.join(dir, 'media'), {});
  const pipelineMs = performance.now() - p0;
  console.log(
    `\n1000 characters (${(r.durationMs / 1000).toFixed(1)} s of speech): engine ${engineMs.toFixed(0)} ms, media pipeline ${pipelineMs.toFixed(0)} ms ` +
      `(engine / pipeline = ${(engineMs / pipelineMs).toFixed(3)}); typed → ready ≈ ${((engineMs + pipelineMs) / 1000).toFixed(1)} s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
