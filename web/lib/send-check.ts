// What stops a message from being sent, decided before it is: LED boards that would refuse it (the
// same fit logic as the preview, boardView, on each display the fleet reported), places that have no
// device for the content, an LED message left empty; and, after sending, what a device's failure
// means in words an official understands, and how far a broadcast has been confirmed.
// Pure: unit-tested without a browser.
import {
  boardView,
  groupBoards,
  issueText,
  sizeLabel,
  targetedBoards,
  type DeviceRecord,
  type FitIssue,
  type LedDisplay,
  type TargetBoard,
  type Targets,
} from './led-boards.ts';
import { withinScope } from '../../protocol/area-scope.ts';
import { pick, RESULT, tx } from './i18n.ts';
import type { LedPageInput } from './led-layout.ts';

export interface BoardRefusal {
  display: LedDisplay;
  boards: TargetBoard[];
  /** The issues that make the board refuse the whole message (which page, which line). */
  issues: FitIssue[];
}

/**
 * The boards among `boards` that would refuse the message, grouped by display. Only displays the
 * boards reported: a board that has not reported one is not known to refuse anything (see `unknownBoards`).
 */
export function refusingBoards(pages: LedPageInput[], boards: TargetBoard[]): BoardRefusal[] {
  if (!pages.some((p) => p.lines.some((l) => l.trim()))) return [];
  return groupBoards(boards.filter((b) => !b.assumed))
    .map((g) => ({
      display: g.display,
      boards: g.boards,
      issues: boardView(pages, g.display).issues.filter((x) => x.refused),
    }))
    .filter((r) => r.issues.length > 0);
}

/** Boards that have not reported their display: what they will do with the message is not known. */
export const unknownBoards = (boards: TargetBoard[]) => boards.filter((b) => b.assumed);

/** Every display the fleet reported (one per distinct display). */
export function reportedDisplays(devices: DeviceRecord[]): LedDisplay[] {
  return groupBoards(targetedBoards(devices, null).filter((b) => !b.assumed)).map((g) => g.display);
}

/** "Bảng «Bảng LED Hạ Đình» (192×32) sẽ từ chối thông điệp: Trang 1 dòng 2: …" */
export function refusalText(r: BoardRefusal): string {
  const names = r.boards.map((b) => `«${b.name}»`).join(', ');
  return `${tx(`Bảng ${names} (${sizeLabel(r.display)}) sẽ từ chối thông điệp`, `Board ${names} (${sizeLabel(r.display)}) would refuse the message`)}: ${r.issues.map(issueText).join('; ')}`;
}

export interface Reach {
  speakers: number;
  boards: number;
  /** Devices that will play or show the content. */
  reached: number;
}

/** The devices the targets reach (in an area or below it, or named) and how many of them have something to do. */
export function reachOf(devices: DeviceRecord[], targets: Targets, content: { audio: boolean; led: boolean }): Reach {
  const hit = devices.filter(
    (d) => targets.areas.some((a) => withinScope(a, d.areaPath)) || (targets.devices ?? []).includes(d.id),
  );
  const speakers = hit.filter((d) => d.kind === 'speaker').length;
  const boards = hit.filter((d) => d.kind === 'led').length;
  return { speakers, boards, reached: (content.audio ? speakers : 0) + (content.led ? boards : 0) };
}

/** Why a submission reaching no device is refused (the hub's broadcast.reaches-no-device, in the form). */
export function noReachText(r: Reach, content: { audio: boolean; led: boolean }): string {
  const why =
    content.audio && !content.led
      ? tx('; bản tin âm thanh chỉ phát trên cụm loa', '; audio plays only on loudspeakers')
      : !content.audio && content.led
        ? tx('; thông điệp LED chỉ hiện trên bảng LED', '; an LED message shows only on LED boards')
        : '';
  return tx(
    `Lịch phát này không tới thiết bị nào: nơi phát đã chọn có ${r.speakers} cụm loa và ${r.boards} bảng LED${why}. Hãy chọn nơi phát khác hoặc nội dung khác.`,
    `This broadcast reaches no device: the places chosen have ${r.speakers} loudspeaker cluster(s) and ${r.boards} LED board(s)${why}. Choose other places or other content.`,
  );
}

export const ledEmptyText = () =>
  tx(
    'Thông điệp LED chưa có chữ: hãy nhập nội dung, hoặc bỏ chọn thông điệp LED.',
    'The LED message has no text: write it, or leave the LED message out.',
  );

/**
 * What a device's failure means, for an official: the raw reason (English, from the device) stays
 * one click away as technical detail.
 */
export function failureText(reason: string | null | undefined, result = 'failed'): string {
  const r = reason ?? '';
  if (result === 'missed' || /^no confirmation received/.test(r))
    return tx(
      'Không nhận được xác nhận từ thiết bị (mất kết nối, mất điện hoặc không báo cáo).',
      'No confirmation came from the device (offline, powered down or not reporting).',
    );
  if (/^LED board did not take the message/.test(r)) {
    if (
      /does not fit|dots wide|dot rows|cannot draw|SMALL DOTS PICTURE|characters, more than|cannot carry|charset/i.test(
        r,
      )
    )
      return tx(
        'Bảng LED từ chối thông điệp vì nội dung không vừa bảng (dòng quá dài hoặc quá nhiều dòng). Hãy rút gọn rồi gửi lại.',
        'The LED board refused the message: it does not fit the board (a line too long or too many lines). Shorten it and send again.',
      );
    if (/timeout|timed out|no answer|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|not open|closed|tcp /i.test(r))
      return tx(
        'Thiết bị không liên lạc được với bảng LED (bảng không trả lời — kiểm tra nguồn điện và dây nối của bảng).',
        'The device could not reach its LED board (no answer — check the board’s power and cabling).',
      );
    return tx(
      'Bảng LED báo lỗi và không nhận thông điệp.',
      'The LED board reported an error and did not take the message.',
    );
  }
  if (/^LED board status could not be read back/.test(r))
    return tx(
      'Đã gửi thông điệp nhưng không đọc lại được bảng LED, nên không xác nhận được bảng đã hiện.',
      'The message was sent but the board could not be read back, so it is not confirmed as shown.',
    );
  if (/^LED board shows/.test(r))
    return tx(
      'Bảng LED đang hiện nội dung khác với thông điệp đã gửi.',
      'The LED board shows something other than the message sent.',
    );
  if (/^media .* (missing|hash is wrong)/.test(r))
    return tx(
      'Thiết bị không có tệp âm thanh (chưa tải được hoặc tệp bị hỏng).',
      'The device does not have the audio file (not downloaded, or damaged).',
    );
  if (/amplifier|relay|current/i.test(r))
    return tx(
      'Âm ly báo lỗi, loa có thể không phát ra tiếng.',
      'The amplifier reported a fault; the speakers may have been silent.',
    );
  if (/^playback crashed/.test(r)) return tx('Trình phát trên thiết bị gặp lỗi.', 'The player on the device crashed.');
  return tx('Thiết bị báo lỗi khi phát.', 'The device reported an error while playing.');
}

/** Played (or, on a board, shown) counts as confirmed; everything else final is counted apart. */
export const CONFIRMED = 'played';
export const FINAL = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped'];

export interface ConfirmSummary {
  played: number;
  total: number;
  /** Final results other than played, with their counts (failed first). */
  apart: Array<{ result: string; count: number }>;
  done: boolean;
}

/** From the device rows, or from the hub's counts over every row when the rows are one page of many. */
export function confirmSummary(devices: Array<{ state: string }>, counts?: Record<string, number>): ConfirmSummary {
  const byState =
    counts ??
    devices.reduce<Record<string, number>>((c, d) => {
      c[d.state] = (c[d.state] ?? 0) + 1;
      return c;
    }, {});
  const count = (s: string) => byState[s] ?? 0;
  const total = Object.values(byState).reduce((n, v) => n + v, 0);
  const apart = ['failed', 'missed', 'partial', 'preempted', 'skipped']
    .map((result) => ({ result, count: count(result) }))
    .filter((x) => x.count > 0);
  return {
    played: count(CONFIRMED),
    total,
    apart,
    done: total > 0 && FINAL.reduce((n, s) => n + count(s), 0) === total,
  };
}

/** "Đã phát 2/3 · Lỗi 1" */
export const summaryText = (s: ConfirmSummary) =>
  [
    `${pick(RESULT, 'played')} ${s.played}/${s.total}`,
    ...s.apart.map((a) => `${pick(RESULT, a.result)} ${a.count}`),
  ].join(' · ');
