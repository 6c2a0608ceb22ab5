// The engine behind its command template. The template's substitution and the ways a command can
// take text and give audio are checked with a small shell script that records what it was given;
// the real path is espeak-ng's Vietnamese voice, whose audio the real ffmpeg must hear.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import { decodedMs, measureLufs, tempDir } from '../media/test-audio.ts';
import { parseHubConfig } from '../config.ts';
import { DEFAULT_TTS_COMMAND, fillTemplate, findProgram, synthesize, templateProblems, TtsError } from './engine.ts';
import { normalizeVietnamese } from './normalize-vi.ts';

let dir: string;
let fake: string;
const ffmpeg = resolveFfmpeg().path;
const BULLETIN = 'UBND phường Hạ Đình thông báo: 17h30 ngày 30/4/2026 họp TDP số 5 tại nhà văn hóa.';

beforeAll(() => {
  dir = tempDir('tts-engine');
  // Records its arguments and stdin, then writes a WAV made by espeak-ng to where it was told
  // (the file after -o, or stdout); FAKE_MODE makes it fail in the ways engines fail.
  fake = path.join(dir, 'fake-engine.sh');
  writeFileSync(
    fake,
    `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/args.txt"
if [ "$FAKE_STDIN" = 1 ]; then cat > "${dir}/stdin.txt"; fi
case "$FAKE_MODE" in
  fail) echo "model file not found: vi_VN.onnx" >&2; exit 3 ;;
  silent) exit 0 ;;
  hang) exec sleep 30 ;;
esac
out=""
while [ $# -gt 0 ]; do if [ "$1" = "-o" ]; then out="$2"; fi; shift; done
if [ -n "$out" ]; then espeak-ng -v vi -w "$out" "xin chào"; else espeak-ng -v vi --stdout "xin chào"; fi
`,
  );
  chmodSync(fake, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the command template', () => {
  it('accepts the default and a Piper-style template', () => {
    expect(templateProblems(DEFAULT_TTS_COMMAND)).toEqual([]);
    expect(
      templateProblems(['piper', '--model', '/opt/piper/vi_VN-vais1000-medium.onnx', '--output_file', '{out}']),
    ).toEqual([]);
    expect(templateProblems(['tts', '--text={text}', '--voice={voice}'])).toEqual([]);
  });
  it('names what is wrong', () => {
    expect(templateProblems([])).toEqual([expect.stringMatching(/must be a list/)]);
    expect(templateProblems('espeak-ng -v vi')).toEqual([expect.stringMatching(/must be a list/)]);
    expect(templateProblems(['espeak-ng', '{outfile}'])).toEqual([
      'unknown placeholder {outfile} (known: {out}, {textFile}, {text}, {voice})',
    ]);
    expect(templateProblems(['{out}', 'x'])).toEqual(['the program (first element) cannot be a placeholder']);
    expect(templateProblems(['espeak-ng', '{text}', '-f', '{textFile}'])).toEqual([
      'use {text} or {textFile}, not both',
    ]);
    expect(templateProblems(['espeak-ng', '-w', '{out}', '{out}'])).toEqual(['{out} appears 2 times; once is enough']);
    expect(templateProblems(['espeak-ng', '-w', '{out']).join()).toMatch(/unbalanced brace/);
  });
  it('is checked when the hub loads its config, naming the setting', () => {
    expect(() => parseHubConfig({ tts: { command: ['espeak-ng', '-w', '{ouput}', '{textFile}'] } })).toThrow(
      /invalid hub configuration: .*tts\.command.*unknown placeholder \{ouput\}/,
    );
    expect(() => parseHubConfig({ tts: { command: 'espeak-ng' } })).toThrow(/tts\.command/);
    expect(() => parseHubConfig({ tts: { speed: 3 } })).toThrow(/tts.*speed/);
    const c = parseHubConfig({
      tts: { command: ['piper', '--model', 'vi.onnx', '--output_file', '{out}'], voice: 'vi_VN-vais1000-medium' },
    });
    expect(c.tts).toMatchObject({ voice: 'vi_VN-vais1000-medium', maxChars: 5000 });
    expect(parseHubConfig({}).tts.command).toEqual(DEFAULT_TTS_COMMAND);
  });
  it('fills placeholders inside arguments, never in the program', () => {
    expect(
      fillTemplate(['x{voice}', '-v', '{voice}', '--out={out}', '{textFile}'], {
        voice: 'vi',
        out: '/t/a.wav',
        textFile: '/t/a.txt',
      }),
    ).toEqual(['x{voice}', '-v', 'vi', '--out=/t/a.wav', '/t/a.txt']);
  });
  it('finds programs on PATH, and says when one is missing', () => {
    expect(findProgram('espeak-ng')).toMatch(/\/espeak-ng$/);
    expect(findProgram('no-such-tts-engine')).toBeNull();
  });
});

describe('running an engine through its template', () => {
  const spec = (command: string[], timeoutMs = 20_000) => ({ command, voice: 'vi', timeoutMs });
  const args = () => readFileSync(path.join(dir, 'args.txt'), 'utf8').trim().split('\n');

  it('text in a file, audio to {out}', async () => {
    const out = path.join(dir, 'a.wav');
    await synthesize(spec([fake, '-v', '{voice}', '-o', '{out}', '-f', '{textFile}']), 'ba mươi tháng tư', out, dir);
    const a = args();
    expect(a.slice(0, 5)).toEqual(['-v', 'vi', '-o', out, '-f']);
    expect(readFileSync(a[5], 'utf8')).toBe('ba mươi tháng tư');
    expect(decodedMs(ffmpeg, out)).toBeGreaterThan(200);
  });
  it('text as one argument', async () => {
    await synthesize(spec([fake, '-o', '{out}', '--say={text}']), 'tổ dân phố số năm', path.join(dir, 'b.wav'), dir);
    expect(args()).toEqual(['-o', path.join(dir, 'b.wav'), '--say=tổ dân phố số năm']);
  });
  it('text on stdin, audio on stdout (as Piper with --output_file - or espeak-ng --stdout)', async () => {
    process.env.FAKE_STDIN = '1';
    try {
      const out = path.join(dir, 'c.wav');
      await synthesize(spec([fake, '--voice', '{voice}']), 'mười bảy giờ ba mươi phút', out, dir);
      expect(readFileSync(path.join(dir, 'stdin.txt'), 'utf8')).toBe('mười bảy giờ ba mươi phút');
      expect(decodedMs(ffmpeg, out)).toBeGreaterThan(200);
    } finally {
      delete process.env.FAKE_STDIN;
    }
  });

  const failing = async (mode: string, command: string[], timeoutMs?: number) => {
    process.env.FAKE_MODE = mode;
    try {
      return await synthesize(spec(command, timeoutMs), 'xin chào', path.join(dir, `${mode}.wav`), dir).then(
        () => null,
        (e) => e as TtsError,
      );
    } finally {
      delete process.env.FAKE_MODE;
    }
  };
  it('a failing engine: the official gets a Vietnamese message, the admin the engine’s own words', async () => {
    const e = (await failing('fail', [fake, '-o', '{out}', '{textFile}']))!;
    expect(e).toBeInstanceOf(TtsError);
    expect(e.code).toBe('engine-failed');
    expect(e.msg?.vi).toMatch(/^Bộ chuyển văn bản thành giọng nói \(.*fake-engine\.sh\) bị lỗi/);
    expect(e.detail).toMatch(/exited with 3: model file not found: vi_VN\.onnx/);
  });
  it('an engine that writes nothing, one that hangs, one that is not installed', async () => {
    expect((await failing('silent', [fake, '-o', '{out}']))!.code).toBe('no-audio');
    const hung = (await failing('hang', [fake, '-o', '{out}'], 300))!;
    expect(hung.code).toBe('timeout');
    expect(hung.msg?.vi).toMatch(/chạy quá \d+ giây/);
    const missing = (await failing('none', ['no-such-tts-engine', '{out}']))!;
    expect(missing.code).toBe('engine-missing');
    expect(missing.msg?.vi).toBe(
      'Máy chủ chưa cài bộ chuyển văn bản thành giọng nói (no-such-tts-engine). Người quản trị cần cài đặt (xem hướng dẫn README), sau đó thử lại.',
    );
  });
});

describe('espeak-ng, the default engine', () => {
  it('reads a normalised Vietnamese bulletin into real, audible speech', async () => {
    const out = path.join(dir, 'espeak.wav');
    const spoken = normalizeVietnamese(BULLETIN);
    const r = await synthesize(spec(DEFAULT_TTS_COMMAND), spoken, out, dir);
    expect(r.bytes).toBeGreaterThan(44);
    // About 17 characters a second at -s 150: this text is several seconds of speech.
    const ms = decodedMs(ffmpeg, out);
    expect(ms).toBeGreaterThan(([...spoken].length / 30) * 1000);
    expect(measureLufs(ffmpeg, out)).toBeGreaterThan(-35);
  });
  it('works with text on stdin and audio on stdout too', async () => {
    const out = path.join(dir, 'espeak-stdout.wav');
    await synthesize(
      spec(['espeak-ng', '-v', '{voice}', '--stdout']),
      normalizeVietnamese('Gọi 0912 345 678'),
      out,
      dir,
    );
    expect(decodedMs(ffmpeg, out)).toBeGreaterThan(1500);
    expect(measureLufs(ffmpeg, out)).toBeGreaterThan(-35);
  });
});

function spec(command: string[]) {
  return { command, voice: 'vi', timeoutMs: 30_000 };
}
