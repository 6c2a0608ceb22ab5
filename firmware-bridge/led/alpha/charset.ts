// What a board's character set can carry, and how Vietnamese text becomes bytes for it.
//   unicode-utf8  boards from local makers that take UTF-8 (and read it back as UTF-8)
//   cp1258        Windows-1258 (Vietnamese): base letters plus combining tone-mark bytes
//   ascii         7-bit only: Vietnamese goes as a picture, or stripped with a visible marker
// Pure functions.

export const CHARSETS = ['unicode-utf8', 'cp1258', 'ascii'] as const;
export type Charset = (typeof CHARSETS)[number];

export class CharsetError extends Error {
  override readonly name = 'CharsetError';
  constructor(
    readonly charset: Charset,
    readonly unsupported: string[],
  ) {
    super(`the board's ${charset} character set cannot show ${unsupported.map(describeChar).join(', ')}`);
  }
}

export const describeChar = (c: string) =>
  `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;

// Windows-1258: the bytes wardcast emits. Letters with tones are sent decomposed (base + tone byte),
// which is valid cp1258 and what Vietnamese keyboards on Windows produce.
const CP1258: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  '‹': 0x8b,
  Œ: 0x8c,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  '›': 0x9b,
  œ: 0x9c,
  Ÿ: 0x9f,
  '\u00a0': 0xa0,
  '°': 0xb0,
  '«': 0xab,
  '»': 0xbb,
  '±': 0xb1,
  '×': 0xd7,
  '÷': 0xf7,
  Â: 0xc2,
  Ă: 0xc3,
  Ê: 0xca,
  Đ: 0xd0,
  Ô: 0xd4,
  Ơ: 0xd5,
  Ư: 0xdd,
  â: 0xe2,
  ă: 0xe3,
  ê: 0xea,
  đ: 0xf0,
  ô: 0xf4,
  ơ: 0xf5,
  ư: 0xfd,
  '₫': 0xfe,
  '\u0300': 0xcc,
  '\u0301': 0xec,
  '\u0303': 0xde,
  '\u0309': 0xd2,
  '\u0323': 0xf2,
};
const CP1258_DECODE = new Map(Object.entries(CP1258).map(([c, b]) => [b, c]));
const TONES = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);

function cp1258Units(ch: string): number[] | null {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return [cp];
  if (CP1258[ch] !== undefined) return [CP1258[ch]!];
  // Split the tone off, keep the base letter with its circumflex/breve/horn if cp1258 has it.
  const nfd = ch.normalize('NFD');
  const tones = [...nfd].filter((c) => TONES.has(c));
  const base = [...nfd]
    .filter((c) => !TONES.has(c))
    .join('')
    .normalize('NFC');
  if (tones.length === 0 || [...base].length !== 1) return null;
  const b = base.codePointAt(0)! < 0x80 ? base.codePointAt(0)! : CP1258[base];
  if (b === undefined) return null;
  return [b, ...tones.map((t) => CP1258[t]!)];
}

/** Characters (NFC) the charset cannot carry, deduplicated. */
export function unsupportedChars(text: string, charset: Charset): string[] {
  if (charset === 'unicode-utf8') return [];
  const out: string[] = [];
  for (const ch of text.normalize('NFC')) {
    const ok = charset === 'ascii' ? ch.codePointAt(0)! < 0x80 : cp1258Units(ch) !== null;
    if (!ok && !out.includes(ch)) out.push(ch);
  }
  return out;
}

/** Text → bytes for the board. Throws CharsetError naming every character it cannot carry. */
export function encodeText(text: string, charset: Charset): Uint8Array {
  const nfc = text.normalize('NFC');
  if (charset === 'unicode-utf8') return new TextEncoder().encode(nfc);
  const bad = unsupportedChars(nfc, charset);
  if (bad.length) throw new CharsetError(charset, bad);
  if (charset === 'ascii') return Uint8Array.from(nfc, (c) => c.charCodeAt(0));
  const out: number[] = [];
  for (const ch of nfc) out.push(...cp1258Units(ch)!);
  return Uint8Array.from(out);
}

/** Bytes from the board → text (NFC). Bytes the charset does not define become U+FFFD, visibly. */
export function decodeText(bytes: Uint8Array, charset: Charset): string {
  if (charset === 'unicode-utf8') return new TextDecoder('utf-8', { fatal: false }).decode(bytes).normalize('NFC');
  let s = '';
  for (const b of bytes) {
    if (b < 0x80) s += String.fromCharCode(b);
    else if (charset === 'cp1258' && CP1258_DECODE.has(b)) s += CP1258_DECODE.get(b)!;
    else s += '\uFFFD';
  }
  return s.normalize('NFC');
}

/** Vietnamese without diacritics ("không dấu"): marks removed, đ → d. Other characters unchanged. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}
