// Technical figures in words an official uses: how loud a bulletin was made, how well a device's
// clock keeps step. The figures themselves stay beside them for whoever needs them.
import { tx } from './i18n.ts';
import { fmtNumber } from './format.ts';

/**
 * The clock in plain words. The agent already corrects its offset to the hub; what an official needs
 * is whether neighbouring speakers start together, i.e. how uncertain the clock is (half the delay).
 */
export function clockText(offsetMs: number, delayMs: number | null | undefined): string {
  const within = typeof delayMs === 'number' ? delayMs / 2 : null;
  const bound = within === null ? null : within < 10 ? 0.01 : within < 100 ? 0.1 : Math.ceil(within / 100) / 10;
  const sync =
    bound === null
      ? tx('Giờ trên thiết bị: đã đồng bộ với máy chủ', 'Device clock: in step with the hub')
      : bound <= 0.1
        ? tx(
            `Giờ trên thiết bị: khớp với máy chủ (sai khác dưới ${fmtNumber(bound, bound < 0.1 ? 2 : 1)} giây)`,
            `Device clock: in step with the hub (within ${fmtNumber(bound, bound < 0.1 ? 2 : 1)} s)`,
          )
        : tx(
            `Giờ trên thiết bị: sai khác tới ${fmtNumber(bound, 1)} giây — các loa gần nhau có thể phát lệch nhau`,
            `Device clock: up to ${fmtNumber(bound, 1)} s out — nearby speakers may not start together`,
          );
  const drift =
    Math.abs(offsetMs) >= 1000
      ? tx(
          `; đồng hồ của thiết bị lệch ${fmtNumber(Math.abs(offsetMs) / 1000, 1)} giây, đã được tự bù`,
          `; its own clock is ${fmtNumber(Math.abs(offsetMs) / 1000, 1)} s off, corrected automatically`,
        )
      : '';
  return sync + drift;
}

/** The loudness in plain words: how the hub changed it (the figures are under "Chi tiết kỹ thuật"). */
export function loudnessText(l: { inputI?: number; outputI?: number } | null | undefined): string {
  if (typeof l?.inputI !== 'number' || typeof l?.outputI !== 'number')
    return tx('Độ to: đã chỉnh về mức chuẩn', 'Loudness: evened out');
  const change = l.outputI - l.inputI;
  if (change > 1)
    return tx(
      'Độ to: bản gốc nhỏ, đã tăng lên mức chuẩn',
      'Loudness: the original was quiet; raised to the standard level',
    );
  if (change < -1)
    return tx(
      'Độ to: bản gốc to, đã giảm xuống mức chuẩn',
      'Loudness: the original was loud; lowered to the standard level',
    );
  return tx('Độ to: đã ở mức chuẩn', 'Loudness: already at the standard level');
}
