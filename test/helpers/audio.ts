// Real Vietnamese speech for test bulletins, made with espeak-ng and encoded with the real ffmpeg.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';

export function vietnameseSpeech(
  dir: string,
  text: string,
  format: 'wav' | 'mp3' | 'ogg' | 'm4a' | 'flac' = 'mp3',
): string {
  const wav = path.join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-v', 'vi', '-s', '170', '-w', wav, text]);
  if (format === 'wav') return wav;
  const out = path.join(dir, `speech.${format}`);
  execFileSync(resolveFfmpeg().path, ['-y', '-hide_banner', '-loglevel', 'error', '-i', wav, out]);
  return out;
}
