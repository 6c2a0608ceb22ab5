// Typed bulletins as a Vietnamese listener expects to hear them. A speech engine reads "UBND" letter
// by letter, "30/4/2026" as three numbers and a slash, and "0912 345 678" as nine hundred twelve
// million...; the ward radio says "ủy ban nhân dân", "ngày ba mươi tháng tư năm hai nghìn không
// trăm hai mươi sáu", "không chín một hai, ba bốn năm, sáu bảy tám". The passes run in an order
// that keeps each pattern from eating another's: phone numbers (full of dots and dashes), dates,
// ranges, units, times, then what is left of the numbers.
import { readDigits, readMonth, readNumber, readOrdinal } from './numbers-vi.ts';

/** Letters and digits of any script: JavaScript's \b knows only ASCII, and "Đ" is a letter. */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const re = (src: string, flags = 'gu') => new RegExp(src, flags);

/**
 * Abbreviations officials write, as they are said. Matched as whole words, in capitals as written
 * (so "ca" and "Ca" stay words: "ca sĩ", "ca trực").
 */
export const ABBREVIATIONS: Record<string, string> = {
  UBND: 'ủy ban nhân dân',
  HĐND: 'hội đồng nhân dân',
  UBMTTQ: 'ủy ban mặt trận tổ quốc',
  MTTQ: 'mặt trận tổ quốc',
  TDP: 'tổ dân phố',
  KDC: 'khu dân cư',
  KP: 'khu phố',
  CAP: 'công an phường',
  CA: 'công an',
  CSGT: 'cảnh sát giao thông',
  PCCC: 'phòng cháy chữa cháy',
  PCCC_CNCH: 'phòng cháy chữa cháy và cứu nạn cứu hộ',
  CNCH: 'cứu nạn cứu hộ',
  BCH: 'ban chỉ huy',
  QS: 'quân sự',
  BHYT: 'bảo hiểm y tế',
  BHXH: 'bảo hiểm xã hội',
  CCCD: 'căn cước công dân',
  THCS: 'trung học cơ sở',
  THPT: 'trung học phổ thông',
  HTX: 'hợp tác xã',
  BQL: 'ban quản lý',
  ĐBQH: 'đại biểu quốc hội',
  SĐT: 'số điện thoại',
  ĐT: 'điện thoại',
  TW: 'trung ương',
  VN: 'Việt Nam',
  TPHCM: 'thành phố Hồ Chí Minh',
  HCM: 'Hồ Chí Minh',
  TP: 'thành phố',
  CN: 'chủ nhật',
  T2: 'thứ hai',
  T3: 'thứ ba',
  T4: 'thứ tư',
  T5: 'thứ năm',
  T6: 'thứ sáu',
  T7: 'thứ bảy',
};

/** Place words shortened with a dot before a name: "P. Hạ Đình", "Q.3", "tp. Hà Nội". */
const PLACE_PREFIXES: Array<[RegExp, string]> = [
  [re(`${B}(?:TP|Tp|tp)\\.\\s*`), 'thành phố '],
  [re(`${B}(?:TX|Tx|tx)\\.\\s*(?=[\\p{Lu}\\d])`), 'thị xã '],
  [re(`${B}(?:TT|Tt|tt)\\.\\s*(?=[\\p{Lu}\\d])`), 'thị trấn '],
  [re(`${B}[Pp]\\.\\s*(?=[\\p{Lu}\\d])`), 'phường '],
  [re(`${B}[Qq]\\.\\s*(?=[\\p{Lu}\\d])`), 'quận '],
  [re(`${B}[Hh]\\.\\s*(?=\\p{Lu})`), 'huyện '],
  [re(`${B}[Xx]\\.\\s*(?=\\p{Lu})`), 'xã '],
  [re(`${B}[Đđ]\\/[Cc]${E}`), 'đồng chí'],
];

/** Units written after a number. */
const UNITS: Array<[string, string]> = [
  ['km\\/h', 'ki lô mét một giờ'],
  ['km²|km2', 'ki lô mét vuông'],
  ['m²|m2', 'mét vuông'],
  ['m³|m3', 'mét khối'],
  ['km', 'ki lô mét'],
  ['kg', 'ki lô gam'],
  ['mm', 'mi li mét'],
  ['cm', 'xăng ti mét'],
  ['ha', 'héc ta'],
  ['°C|độ C', 'độ C'],
  ['%', 'phần trăm'],
  ['VNĐ|VND|vnđ|đồng|đ', 'đồng'],
];

/** Kinds of document in a document number ("Kế hoạch số 125/KH-UBND"), as they are said. */
const DOCUMENT_KINDS: Record<string, string> = {
  QĐ: 'quyết định',
  KH: 'kế hoạch',
  TB: 'thông báo',
  CV: 'công văn',
  CT: 'chỉ thị',
  NQ: 'nghị quyết',
  TT: 'thông tư',
  BC: 'báo cáo',
  BTTTT: 'Bộ Thông tin và Truyền thông',
};

/** What "per" a unit is said with: "20.000đ/tháng" → "hai mươi nghìn đồng một tháng". */
const PER_UNITS: Record<string, string> = {
  kg: 'ki lô gam',
  km: 'ki lô mét',
  m2: 'mét vuông',
  'm²': 'mét vuông',
  ha: 'héc ta',
  l: 'lít',
};
const PER_WORDS = 'kg|km|m2|m²|ha|l|lít|người|hộ|tháng|ngày|năm|tuần|giờ|suất|lần|buổi|chiếc|cái';

const PHONE_WORDS =
  '(?:số điện thoại|điện thoại|SĐT|ĐT|đường dây nóng|hotline|Hotline|tổng đài|gọi(?: số| tới| đến| vào)?)';

/** Digits in the writer's groups, or in the usual ones for a number written without spaces. */
function readPhone(written: string): string {
  const plus = written.trim().startsWith('+');
  let groups = written
    .replace(/^\s*\+/, '')
    .split(/[\s.-]+/)
    .filter(Boolean);
  if (groups.length === 1) {
    const d = groups[0];
    // 10-digit mobiles 4-3-3 (0912 345 678); 11-digit landlines 3-4-4 (024 3858 1234); else threes.
    const sizes = d.length === 10 ? [4, 3, 3] : d.length === 11 ? [3, 4, 4] : d.length === 8 ? [4, 4] : [];
    if (sizes.length) {
      groups = [];
      let at = 0;
      for (const n of sizes) groups.push(d.slice(at, (at += n)));
    } else groups = d.match(/.{1,3}/g) ?? [d];
  }
  return (plus ? 'cộng ' : '') + groups.map(readDigits).join(', ');
}

const validDate = (d: number, m: number) => d >= 1 && d <= 31 && m >= 1 && m <= 12;

/** "ngày " unless the text already says it ("ngày 30/4", "mùng 2/9"). */
const dayWord = (before: string) => (/(?:ngày|mùng|mồng)\s*$/iu.test(before) ? '' : 'ngày ');

function readDate(before: string, d: number, m: number, y?: string): string {
  return `${dayWord(before)}${readNumber(String(d))} tháng ${readMonth(m)}${y ? ` năm ${readNumber(String(Number(y)))}` : ''}`;
}

function readTime(h: number, min?: number, s?: number): string {
  let out = `${readNumber(String(h))} giờ`;
  if (min) out += ` ${readNumber(String(min))} phút`;
  if (s) out += ` ${readNumber(String(s))} giây`;
  return out;
}

/** A number as written: "1.500.000" (dots group thousands), "3,5" (decimal comma), "2.5" (a point). */
function readWritten(n: string): string {
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(n)) return readNumber(n.replace(/\./g, ''));
  // "2.5" is a decimal typed with a point (three digits after it would be thousands): said "phẩy".
  if (/^\d+\.\d+$/.test(n)) return readNumber(n.replace('.', ','));
  const plain = n.replace(/\./g, '');
  // A long run of digits is a code (an account, a card), not an amount: read it digit by digit.
  if (/^\d{16,}$/.test(plain) || /^0\d{6,}$/.test(plain)) return readDigits(plain);
  return readNumber(plain);
}

/** The text with numbers, dates, times, phone numbers and abbreviations written out in words. */
export function normalizeVietnamese(input: string): string {
  let t = input
    .normalize('NFC')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[ \t\u00a0]+/g, ' ');

  // Abbreviations with a dot or slash first (before the dot can look like a decimal point).
  for (const [pattern, words] of PLACE_PREFIXES) t = t.replace(pattern, words);
  t = t.replace(re(`${B}TP\\.?\\s?HCM${E}`), 'thành phố Hồ Chí Minh');

  // Phone numbers: after a word that says so, any run of digits; elsewhere a number that starts
  // with 0 or +84 and has 9 to 11 digits.
  t = t.replace(
    re(`(${PHONE_WORDS}\\s*(?:số\\s*)?:?\\s*)(\\+?\\d(?:[\\d.\\- ]*\\d)?)`),
    (_, lead: string, num: string) => lead + readPhone(num),
  );
  t = t.replace(re(`${B}((?:\\+84|0)(?:[ .\\-]?\\d){8,10})(?![\\p{N}])`), (_, num: string) => readPhone(num));

  // Document numbers: "125/KH-UBND" → "một trăm hai mươi lăm, kế hoạch ủy ban nhân dân";
  // "39/2020/TT-BTTTT" → "ba mươi chín năm hai nghìn không trăm hai mươi, thông tư Bộ ...".
  t = t.replace(
    re(`${B}(\\d+)(?:\\/(\\d{4}))?\\/([\\p{Lu}Đ]+(?:-[\\p{Lu}Đ]+)*)${E}`),
    (_, n: string, year: string | undefined, code: string) =>
      `${readNumber(String(Number(n)))}${year ? ` năm ${readNumber(String(Number(year)))}` : ''}, ${code
        .split('-')
        .map((p) => DOCUMENT_KINDS[p] ?? ABBREVIATIONS[p] ?? p)
        .join(' ')}`,
  );
  // "Per" after an amount: "25.000 đồng/kg", "50.000đ/tháng" → "... một ki lô gam", "... một tháng".
  t = t.replace(
    re(`(\\d[\\d.,]*\\s?[\\p{L}%]*)\\s?\\/\\s?(${PER_WORDS})(?![\\p{L}\\p{N}])`),
    (_, amount: string, unit: string) => `${amount} một ${PER_UNITS[unit] ?? unit}`,
  );
  // Weekday ranges: "T2-T6" → "thứ hai đến thứ sáu".
  t = t.replace(re(`${B}(T[2-7]|CN)\\s?-\\s?(T[2-7]|CN)${E}`), '$1 đến $2');

  // Dates: 30/4/2026, 30-4-2026, 30.4.2026; then 4/2026 (month and year); then 30/4.
  t = t.replace(
    re(`${B}(\\d{1,2})([/.\\-])(\\d{1,2})\\2(\\d{4})${E}`),
    (all, d: string, _s, m: string, y: string, at: number, whole: string) =>
      validDate(+d, +m) ? readDate(whole.slice(0, at), +d, +m, y) : all,
  );
  t = t.replace(re(`${B}(\\d{1,2})\\/(\\d{4})${E}`), (all, m: string, y: string, at: number, whole: string) =>
    +m >= 1 && +m <= 12
      ? `${/tháng\s*$/iu.test(whole.slice(0, at)) ? '' : 'tháng '}${readMonth(+m)} năm ${readNumber(String(+y))}`
      : all,
  );
  t = t.replace(re(`${B}(\\d{1,2})\\/(\\d{1,2})${E}(?!\\/)`), (all, d: string, m: string, at: number, whole: string) =>
    validDate(+d, +m) ? readDate(whole.slice(0, at), +d, +m) : all,
  );

  // Ranges between numbers or times: "7h-11h", "5 - 7 ngày" → "đến".
  t = t.replace(re(`(\\d[h:']?\\d*['h]?)\\s*-\\s*(?=\\d)`), '$1 đến ');

  // Times: 17:30, 17:30:15, 17h30, 17h30', 17g30, 17 giờ 30, 17h.
  t = t.replace(re(`${B}([01]?\\d|2[0-4]):([0-5]\\d)(?::([0-5]\\d))?${E}`), (_, h: string, m: string, s?: string) =>
    readTime(+h, +m, s ? +s : undefined),
  );
  t = t.replace(re(`${B}([01]?\\d|2[0-4])\\s?[hg]\\s?([0-5]\\d)(?:'|p|ph|phút)?${E}`), (_, h: string, m: string) =>
    readTime(+h, +m),
  );
  t = t.replace(re(`${B}([01]?\\d|2[0-4])\\s?(?:h|g|giờ)\\s?([0-5]\\d)\\s?(?:'|phút)`), (_, h: string, m: string) =>
    readTime(+h, +m),
  );
  t = t.replace(re(`${B}([01]?\\d|2[0-4])\\s?h${E}`), (_, h: string) => readTime(+h));

  // Ordinals and month names: "thứ 4" → "thứ tư", "tháng 4" → "tháng tư", "lần thứ 1" → "lần thứ nhất".
  t = t.replace(re(`${B}([Tt]hứ)\\s+(\\d{1,2})${E}`), (_, w: string, n: string) => `${w} ${readOrdinal(+n)}`);
  t = t.replace(re(`${B}([Tt]háng)\\s+(\\d{1,2})${E}`), (all, w: string, n: string) =>
    +n >= 1 && +n <= 12 ? `${w} ${readMonth(+n)}` : all,
  );

  // A minus sign before a number is "âm" (temperatures); between numbers it was a range above.
  t = t.replace(re(`(^|[\\s(:])-(\\d)`), '$1âm $2');

  // Numbers with a unit after them.
  for (const [unit, words] of UNITS) {
    t = t.replace(
      re(`${B}(\\d[\\d.,]*)\\s?(?:${unit})(?![\\p{L}\\p{N}])`),
      (_, n: string) => `${readWritten(n.replace(/[.,]$/, ''))} ${words}`,
    );
  }

  // Abbreviations written as capitals, whole words only.
  t = t.replace(re(`${B}(?:PCCC\\s?(?:&|và|-)\\s?CNCH)${E}`), ABBREVIATIONS.PCCC_CNCH);
  const keys = Object.keys(ABBREVIATIONS)
    .filter((k) => !k.includes('_'))
    .sort((a, b) => b.length - a.length);
  t = t.replace(re(`${B}(${keys.join('|')})${E}`), (k: string) => ABBREVIATIONS[k]);

  // What is left of the numbers: 1.500.000, 3,5, 2.5, 2026, 05.
  t = t.replace(re(`${B}\\d+(?:[.,]\\d+)*${E}`), (n: string) => {
    // A trailing dot or comma is punctuation: "năm 2026." ends the sentence.
    const m = /^(.*?\d)([.,]*)$/.exec(n)!;
    return readWritten(m[1]) + m[2];
  });
  // Digits glued to letters ("A1", "tổ5"): read the digits, keep the letters.
  t = t.replace(/\d+/g, (n) => ` ${readNumber(n)} `);

  // Signs said as words; the rest of the symbols are left to the engine's pauses.
  t = t
    .replace(/\s&\s/g, ' và ')
    .replace(/(\S)\s*\+\s*(\S)/gu, '$1 cộng $2')
    .replace(/\//g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .replace(/^ +| +$/gm, '');
  return t;
}
