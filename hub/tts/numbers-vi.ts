// Numbers as a Vietnamese listener hears them. The reading of whole numbers comes from the
// read-vietnamese-number package (arbitrary size, "mốt", "tư", "lăm", "linh", "không trăm");
// what is said here is the choice of words: northern broadcast usage, as the national radio reads
// ("linh", "nghìn", "tỷ", decimal "phẩy").
import { ReadingConfig, doReadNumber } from 'read-vietnamese-number';

const config = new ReadingConfig();
config.unit = [];
config.oddText = 'linh';
config.pointText = 'phẩy';
config.units = [[], ['nghìn'], ['triệu'], ['tỷ']];

export const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

/**
 * A number written with digits, e.g. "2026", "05", "3,5" (decimal comma) → words.
 * `digits` holds only digits, with at most one decimal comma; thousands separators are gone.
 */
export function readNumber(digits: string): string {
  if (!/^\d+(,\d+)?$/.test(digits)) throw new Error(`not a number: ${digits}`);
  // The package takes a decimal point; its thousands separator is set to "," by default, so the
  // decimal comma becomes its point here.
  return doReadNumber(digits.replace(',', '.'), config);
}

/** Digit by digit, as phone numbers are read: "113" → "một một ba". */
export const readDigits = (digits: string): string =>
  [...digits]
    .filter((c) => c >= '0' && c <= '9')
    .map((c) => DIGITS[Number(c)])
    .join(' ');

/** Month names as said in dates: "tháng tư" (not "tháng bốn"), "tháng một", "tháng mười hai". */
export function readMonth(m: number): string {
  if (m === 4) return 'tư';
  return readNumber(String(m));
}

/** Ordinals after "thứ": "thứ nhất", "thứ hai", "thứ tư", "thứ năm"... */
export function readOrdinal(n: number): string {
  if (n === 1) return 'nhất';
  if (n === 4) return 'tư';
  return readNumber(String(n));
}
