// Names what a file looks like from its first bytes, so a refusal can say "it looks like a PNG
// image" instead of repeating ffmpeg's "Invalid data found when processing input".
import { open } from 'node:fs/promises';

export interface Sniff {
  bytes: number;
  /** e.g. "a PNG image"; undefined when nothing is recognised. */
  looksLike?: string;
  /** The first bytes match an audio container or stream we accept. */
  audioSignature: boolean;
}

const SIGNATURES: Array<[RegExp | ((b: Buffer) => boolean), string, boolean]> = [
  [(b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG image', false],
  [(b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, 'a JPEG image', false],
  [/^GIF8[79]a/, 'a GIF image', false],
  [/^RIFF....WEBP/s, 'a WebP image', false],
  [/^%PDF-/, 'a PDF document', false],
  [/^PK\x03\x04/, 'a ZIP archive or an Office document', false],
  [/^\xd0\xcf\x11\xe0/, 'an old Office document', false],
  [/^\s*<(!doctype html|html)/i, 'a web page (HTML)', false],
  [/^\s*#EXTM3U/, 'a playlist (M3U), not the audio itself', false],
  [/^ID3/, 'an MP3 file', true],
  [(b) => b[0] === 0xff && (b[1] & 0xe0) === 0xe0, 'an MP3/AAC stream', true],
  [/^RIFF....WAVE/s, 'a WAV file', true],
  [/^fLaC/, 'a FLAC file', true],
  [/^OggS/, 'an Ogg file', true],
  [/^....ftyp/s, 'an MP4/M4A file', true],
  [/^\x1a\x45\xdf\xa3/, 'a Matroska/WebM file', true],
  [/^FORM....AIF/s, 'an AIFF file', true],
  [/^#!AMR/, 'an AMR voice recording', true],
  [/^\x30\x26\xb2\x75/, 'a Windows Media file', true],
];

function looksLikeText(b: Buffer): boolean {
  if (b.length === 0) return false;
  const s = b.toString('utf8');
  // Control characters other than tab/newline, or invalid UTF-8, mean binary.
  return !/[\x00-\x08\x0e-\x1f\ufffd]/.test(s.slice(0, s.length - 2));
}

export async function sniffFile(file: string): Promise<Sniff> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(512, size));
    await fh.read(buf, 0, buf.length, 0);
    const latin = buf.toString('latin1');
    for (const [test, name, audio] of SIGNATURES) {
      if (typeof test === 'function' ? test(buf) : test.test(latin))
        return { bytes: size, looksLike: name, audioSignature: audio };
    }
    if (looksLikeText(buf)) return { bytes: size, looksLike: 'a text file', audioSignature: false };
    return { bytes: size, audioSignature: false };
  } finally {
    await fh.close();
  }
}
