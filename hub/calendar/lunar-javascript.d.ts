// The one part of lunar-javascript we use (it ships no types): the ShouXing (寿星万年历) astronomy,
// times as days from J2000.0 (2000-01-01 12:00) in Beijing time (UTC+8).
declare module 'lunar-javascript' {
  export const ShouXingUtil: {
    /** The new moon at which the Moon–Sun longitude difference is `w` radians (a multiple of 2π). */
    shuoHigh(w: number): number;
    /** The moment the Sun's apparent longitude reaches `w` radians, counted from the 1999 March equinox. */
    qiHigh(w: number): number;
  };
  /** China's calendar (UTC+8); the tests use it to show where Vietnam's differs. */
  export const Lunar: { fromYmd(y: number, m: number, d: number): { getSolar(): { toYmd(): string } } };
}
