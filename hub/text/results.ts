// Playback results and why a device did not play. Browser-safe: web/ shows the same words.
import { def } from './message.ts';

/** Words by code, in both languages. */
export type Words = Record<string, { vi: string; en: string }>;

/** What a device did with an occurrence, in the order the reports list them. */
export const PLAYBACK_RESULTS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
export type PlaybackResult = (typeof PLAYBACK_RESULTS)[number];

/**
 * A playback result (docs/glossary.md), and 'rejected' for a signed claim the hub did not count.
 * Written once: the web UI, the CSV and the PDF all read these.
 */
export const RESULT_WORDS: Words = {
  played: { vi: 'Đã phát', en: 'Played' },
  partial: { vi: 'Phát một phần', en: 'Partial' },
  failed: { vi: 'Lỗi', en: 'Failed' },
  missed: { vi: 'Bỏ lỡ', en: 'Missed' },
  preempted: { vi: 'Bị ngắt (ưu tiên cao hơn)', en: 'Pre-empted' },
  skipped: { vi: 'Bỏ qua', en: 'Skipped' },
  pending: { vi: 'Chờ xác nhận', en: 'Pending' },
  rejected: { vi: 'Bị từ chối (không tính)', en: 'Rejected (not counted)' },
};
/** Shorter words where a line has little room (the PDF's legend and tables): the rest as above. */
export const RESULT_SHORT_WORDS: Words = { ...RESULT_WORDS, preempted: { vi: 'Bị ngắt', en: 'Pre-empted' } };

/** Failure reasons by code (protocol REASON_CODES, plus the hub's own 'no-receipt' and 'unknown'). */
const REASON_VI: Record<string, string> = {
  'text-too-wide':
    'Bảng LED từ chối thông điệp vì nội dung không vừa bảng (dòng quá dài hoặc quá nhiều dòng). Hãy rút gọn rồi gửi lại.',
  'text-unsupported': 'Bảng LED không hiện được một số chữ trong thông điệp.',
  'device-unreachable':
    'Thiết bị không liên lạc được với âm ly (âm ly không trả lời — kiểm tra nguồn điện và dây nối).',
  'driver-error': 'Âm ly báo lỗi và không nhận lệnh phát.',
  'readback-failed': 'Đã gửi thông điệp nhưng không đọc lại được bảng LED, nên không xác nhận được bảng đã hiện.',
  'shows-other': 'Bảng LED đang hiện nội dung khác với thông điệp đã gửi.',
  'media-missing': 'Thiết bị không có tệp âm thanh (chưa tải được hoặc tệp bị hỏng).',
  'player-error': 'Trình phát trên thiết bị gặp lỗi.',
  'amplifier-fault': 'Âm ly báo lỗi hoặc không có điện khi phát; loa có thể không phát ra tiếng.',
  preempted: 'Bị ngắt bởi bản tin có mức ưu tiên cao hơn.',
  skipped: 'Bỏ qua vì lúc đó thiết bị đang phát bản tin khác cùng mức hoặc cao hơn.',
  late: 'Không bắt đầu kịp giờ (thiết bị tắt hoặc mất kết nối lúc đó).',
  cancelled: 'Dừng giữa chừng vì bản tin đã bị hủy.',
  'agent-restarted': 'Thiết bị khởi động lại trong lúc phát.',
  'agent-stopped': 'Phần mềm trên thiết bị bị tắt trong lúc phát.',
  'upstream-lost': 'Mất nguồn tiếp âm giữa chừng; loa phát phương án dự phòng cho phần còn lại.',
  'device-not-capable': 'Không gửi tới thiết bị này: phần mềm trên thiết bị chưa hỗ trợ (cần nâng cấp).',
  'no-receipt': 'Không nhận được xác nhận từ thiết bị (mất kết nối, mất điện hoặc không báo cáo).',
  'cut-short': 'Chỉ phát được một phần bản tin.',
  unknown: 'Thiết bị báo lỗi khi phát.',
};
const REASON_VI_LED: Record<string, string> = {
  'device-unreachable':
    'Thiết bị không liên lạc được với bảng LED (bảng không trả lời — kiểm tra nguồn điện và dây nối của bảng).',
  'driver-error': 'Bảng LED báo lỗi và không nhận thông điệp.',
  unknown: 'Bảng LED báo lỗi khi hiển thị.',
};
const REASON_EN: Record<string, string> = {
  'text-too-wide':
    'The LED board refused the message: it does not fit the board (a line too long or too many lines). Shorten it and send again.',
  'text-unsupported': 'The LED board cannot show some letters of the message.',
  'device-unreachable': 'The device could not reach its amplifier (no answer — check power and cabling).',
  'driver-error': 'The amplifier reported an error and did not take the command.',
  'readback-failed': 'The message was sent but the board could not be read back, so it is not confirmed as shown.',
  'shows-other': 'The LED board shows something other than the message sent.',
  'media-missing': 'The device does not have the audio file (not downloaded, or damaged).',
  'player-error': 'The player on the device failed.',
  'amplifier-fault': 'The amplifier reported a fault or had no power while playing; the speakers may have been silent.',
  preempted: 'Interrupted by a bulletin of higher priority.',
  skipped: 'Skipped: the device was playing another bulletin of the same or higher priority.',
  late: 'Not started in time (the device was off or offline then).',
  cancelled: 'Stopped part-way: the bulletin was cancelled.',
  'agent-restarted': 'The device restarted during playback.',
  'agent-stopped': 'The software on the device was stopped during playback.',
  'upstream-lost': 'The relayed stream was lost part-way; the speakers aired the fallback for the rest.',
  'device-not-capable': 'Not sent to this device: the software on it does not support this yet (upgrade it).',
  'no-receipt': 'No confirmation came from the device (offline, powered down or not reporting).',
  'cut-short': 'Only part of the bulletin played.',
  unknown: 'The device reported an error while playing.',
};
const REASON_EN_LED: Record<string, string> = {
  'device-unreachable': 'The device could not reach its LED board (no answer — check the board’s power and cabling).',
  'driver-error': 'The LED board reported an error and did not take the message.',
  unknown: 'The LED board reported an error while showing.',
};

/** A board's own wording first, then the general one; a code this hub does not know: "an error". */
const reasonIn = (all: Record<string, string>, led: Record<string, string>, p: { code: string; kind: string }) =>
  (p.kind === 'led' ? led[p.code] : undefined) ?? all[p.code] ?? (p.kind === 'led' ? led.unknown : all.unknown);

export const RESULT_TEXT = {
  // ---- why a device did not play: for officials; the device's technical words stay as detail ----
  'reason.failure': def(
    (p: { code: string; kind: string }) => reasonIn(REASON_EN, REASON_EN_LED, p),
    (p) => reasonIn(REASON_VI, REASON_VI_LED, p),
  ),
} as const;
