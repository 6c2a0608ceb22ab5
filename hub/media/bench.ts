// Media pipeline speed: node bin/run-ts.mjs hub/media/bench.ts [seconds] [runs]
// Transcodes a ~60 s Vietnamese speech clip (espeak-ng → 44.1 kHz stereo MP3, a typical upload) and
// prints each stage as × realtime; espeak's peaks need the limiter stage, so that is included. For
// comparison in the same run: pass 1 done with ebur128 instead of loudnorm (same binary), and the
// whole pipeline on the system ffmpeg when there is one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import { PRE_CHAIN } from './loudnorm.ts';
import { transcode, type TranscodeResult } from './pipeline.ts';
import { decodedMs, ff, SPEECH, tempDir } from './test-audio.ts';

const seconds = Number(process.argv[2] ?? 60);
const runs = Number(process.argv[3] ?? 3);
const { path: ffmpeg, source } = resolveFfmpeg();
const dir = tempDir('media-bench');

function version(bin: string): string {
  return spawnSync(bin, ['-hide_banner', '-version'], { encoding: 'utf8' })
    .stdout.split('\n')[0]
    .replace(/ Copyright.*/, '');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const x = (audioMs: number, ms: number) => `${(audioMs / ms).toFixed(1).padStart(6)}×`;

async function bench(label: string, bin: string, input: string): Promise<number> {
  const results: TranscodeResult[] = [];
  for (let k = 0; k < runs; k++) {
    const out = path.join(dir, `out-${label}-${k}`);
    results.push(await transcode(input, out, { ffmpegPath: bin }));
    rmSync(out, { recursive: true, force: true });
  }
  const audio = results[0].durationMs;
  const t = (f: (r: TranscodeResult) => number) => median(results.map(f));
  const l = results[0].loudness;
  console.log(`\n${label}: ${version(bin)}`);
  console.log(`  audio ${(audio / 1000).toFixed(1)} s, median of ${runs} runs`);
  console.log(
    `  probe      ${t((r) => r.timing.probeMs)
      .toFixed(0)
      .padStart(6)} ms`,
  );
  console.log(
    `  pass 1     ${t((r) => r.timing.pass1Ms)
      .toFixed(0)
      .padStart(6)} ms ${x(
      audio,
      t((r) => r.timing.pass1Ms),
    )} realtime  (loudnorm measure, 192 kHz inside)`,
  );
  const lim = l.limiter;
  console.log(
    `  limit      ${t((r) => r.timing.limitMs)
      .toFixed(0)
      .padStart(6)} ms ${
      lim
        ? `${x(
            audio,
            t((r) => r.timing.limitMs),
          )} realtime  (${lim.runs} run${lim.runs > 1 ? 's' : ''}: gain, 192 kHz limiter, loudnorm re-measure)`
        : '         (not needed)'
    }`,
  );
  console.log(
    `  pass 2     ${t((r) => r.timing.pass2Ms)
      .toFixed(0)
      .padStart(6)} ms ${x(
      audio,
      t((r) => r.timing.pass2Ms),
    )} realtime  (linear gain → 48 kHz WAV)`,
  );
  console.log(
    `  encode     ${t((r) => r.timing.encodeMs)
      .toFixed(0)
      .padStart(6)} ms ${x(
      audio,
      t((r) => r.timing.encodeMs),
    )} realtime  (Opus and MP3 in parallel)`,
  );
  console.log(
    `  verify     ${t((r) => r.timing.verifyMs)
      .toFixed(0)
      .padStart(6)} ms ${x(
      audio,
      t((r) => r.timing.verifyMs),
    )} realtime  (ebur128 on both outputs)`,
  );
  console.log(
    `  whole      ${t((r) => r.timing.totalMs)
      .toFixed(0)
      .padStart(6)} ms ${x(
      audio,
      t((r) => r.timing.totalMs),
    )} realtime`,
  );
  console.log(
    `  loudness   in ${l.inputI} LUFS / ${l.inputTP} dBTP / LRA ${l.inputLRA} → ` +
      (lim ? `peaks limited by ${lim.reductionDb.toFixed(1)} dB (ceiling ${lim.ceilingDbtp} dBTP), ` : '') +
      `target ${l.targetI} LUFS (${l.normalizationType}); ` +
      results[0].outputs
        .map(
          (o) =>
            `${o.format} ${o.loudness.i} LUFS ${o.loudness.tp} dBTP ${(o.bytes / 1024).toFixed(0)} KiB${o.trimDb ? ` trim ${o.trimDb.toFixed(2)} dB` : ''}`,
        )
        .join(', '),
  );
  return audio;
}

function pass1Alternative(bin: string, input: string, audioMs: number): void {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    spawnSync(
      bin,
      [
        '-hide_banner',
        '-nostdin',
        '-i',
        input,
        '-af',
        `${PRE_CHAIN},ebur128=peak=true:framelog=verbose`,
        '-f',
        'null',
        '-',
      ],
      { encoding: 'utf8' },
    );
    times.push(performance.now() - t0);
  }
  console.log(
    `  (peer) pass 1 with ebur128 instead of loudnorm: ${median(times).toFixed(0)} ms ${x(audioMs, median(times))} realtime`,
  );
}

try {
  // Build ~`seconds` of speech by repeating a bulletin paragraph.
  const sentence = `${SPEECH} Đề nghị bà con chủ động chằng chống nhà cửa, dự trữ lương thực và nước uống. `;
  const probeWav = path.join(dir, 'one.wav');
  execFileSync('espeak-ng', ['-v', 'vi', '-s', '165', '-w', probeWav, sentence]);
  const oneMs = decodedMs(ffmpeg, probeWav);
  const wav = path.join(dir, 'speech.wav');
  execFileSync('espeak-ng', [
    '-v',
    'vi',
    '-s',
    '165',
    '-w',
    wav,
    sentence.repeat(Math.max(1, Math.ceil((seconds * 1000) / oneMs))),
  ]);
  const upload = path.join(dir, 'bulletin.mp3');
  ff(ffmpeg, ['-i', wav, '-ar', '44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', upload]);

  console.log(`wardcast media pipeline benchmark — ${process.platform} ${process.arch}, Node ${process.version}`);
  const audioMs = await bench(`resolved ffmpeg (${source})`, ffmpeg, upload);
  pass1Alternative(ffmpeg, upload, audioMs);
  const system = '/usr/bin/ffmpeg';
  if (existsSync(system) && realpathSync(system) !== realpathSync(ffmpeg)) {
    try {
      await bench('system ffmpeg (peer)', system, upload);
    } catch (e) {
      console.log(`\nsystem ffmpeg (peer): failed: ${(e as Error).message}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
