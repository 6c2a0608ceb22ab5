// Broadcasts: content, LED messages, approval.
import { def, enOf, type Text, viOf } from './message.ts';
import { inner, mediaStatusVi, statusVi } from './words.ts';

/** Why a board refuses an LED message (firmware-bridge/led/alpha/message-fit.ts), as plain data. */
export type LedProblem =
  | { kind: 'width'; page: number; line: number; width: number; max: number }
  | { kind: 'rows'; page: number; lines: number; need: number; max: number }
  | { kind: 'chars'; page: number; line: number; chars: number; max: number }
  | { kind: 'picture-width'; page: number; width: number; max: number }
  | { kind: 'glyphs'; page: number; chars: string[] };
const ledProblemEn = (x: LedProblem) => {
  switch (x.kind) {
    case 'width':
      return `page ${x.page} line ${x.line} is ${x.width} dots wide, the board has ${x.max}`;
    case 'rows':
      return `page ${x.page}: ${x.lines} lines need ${x.need} dot rows, the board has ${x.max}`;
    case 'chars':
      return `page ${x.page} line ${x.line} has ${x.chars} characters, the board takes ${x.max}`;
    case 'picture-width':
      return `page ${x.page} is ${x.width} dots wide as a picture, at most ${x.max}`;
    case 'glyphs':
      return `page ${x.page}: the board cannot show ${x.chars.map((c) => `"${c}"`).join(' ')}`;
  }
};
const ledProblemVi = (x: LedProblem) => {
  switch (x.kind) {
    case 'width':
      return `trang ${x.page} dòng ${x.line} rộng ${x.width} chấm, bảng chỉ có ${x.max}`;
    case 'rows':
      return `trang ${x.page}: ${x.lines} dòng cần ${x.need} hàng chấm, bảng chỉ có ${x.max}`;
    case 'chars':
      return `trang ${x.page} dòng ${x.line} có ${x.chars} ký tự, bảng chỉ nhận ${x.max}`;
    case 'picture-width':
      return `trang ${x.page} rộng ${x.width} chấm khi vẽ thành hình, tối đa ${x.max}`;
    case 'glyphs':
      return `trang ${x.page}: bảng không hiện được ${x.chars.map((c) => `«${c}»`).join(' ')}`;
  }
};

const VERB_VI = { create: 'tạo', approve: 'phê duyệt', cancel: 'hủy' } as const;

export const BROADCAST_TEXT = {
  // ---- broadcasts ----
  'broadcast.title-required': def(
    () => 'title is required',
    () => 'bắt buộc phải nhập',
  ),
  'broadcast.needs-target': def(
    () => 'choose at least one area or device',
    () => 'chọn ít nhất một khu vực hoặc thiết bị',
  ),
  'broadcast.needs-content': def(
    () => 'a broadcast needs audio (mediaId) or an LED message (led)',
    () => 'Lịch phát cần có bản tin âm thanh hoặc thông điệp LED.',
  ),
  'broadcast.led-does-not-fit': def(
    (p: { boards: Array<{ names: string[]; size: string; problems: LedProblem[] }> }) =>
      `the LED message does not fit ${p.boards.map((b) => `board ${b.names.map((n) => `"${n}"`).join(', ')} (${b.size}): ${b.problems.map(ledProblemEn).join('; ')}`).join('; ')}; the board would refuse it. Shorten it or use scroll`,
    (p) =>
      `Thông điệp LED không vừa ${p.boards.map((b) => `bảng ${b.names.map((n) => `«${n}»`).join(', ')} (${b.size}): ${b.problems.map(ledProblemVi).join('; ')}`).join('; ')}; bảng sẽ từ chối cả thông điệp. Hãy rút gọn hoặc chọn chạy chữ.`,
  ),
  'broadcast.led-empty': def(
    () => 'the LED message has no text: write it, or leave the LED message out',
    () => 'Thông điệp LED chưa có chữ: hãy nhập nội dung, hoặc bỏ chọn thông điệp LED.',
  ),
  'broadcast.reaches-no-device': def(
    (p: { speakers: number; boards: number; audio: boolean; led: boolean }) =>
      `this broadcast reaches no device: the places chosen have ${p.speakers} loudspeaker cluster(s) and ${p.boards} LED board(s)` +
      (p.audio && !p.led
        ? '; audio plays only on loudspeakers'
        : !p.audio && p.led
          ? '; an LED message shows only on LED boards'
          : '') +
      '. Choose other places or other content',
    (p) =>
      `Lịch phát này không tới thiết bị nào: nơi phát đã chọn có ${p.speakers} cụm loa và ${p.boards} bảng LED` +
      (p.audio && !p.led
        ? '; bản tin âm thanh chỉ phát trên cụm loa'
        : !p.audio && p.led
          ? '; thông điệp LED chỉ hiện trên bảng LED'
          : '') +
      '. Hãy chọn nơi phát khác hoặc nội dung khác.',
  ),
  'broadcast.when-one-of': def(
    () => 'give either startsAt ("now" or a date-time) or rrule',
    () => 'Vui lòng chọn một trong hai: thời điểm phát (phát ngay hoặc một ngày giờ cụ thể) hoặc lịch lặp lại.',
  ),
  'broadcast.out-of-scope': def(
    (p: { verb: keyof typeof VERB_VI; path: string; scope: string | null }) =>
      `you may not ${p.verb} broadcasts for "${p.path}" (your area is "${p.scope}")`,
    (p) => `Bạn không được ${VERB_VI[p.verb]} lịch phát cho "${p.path}" (khu vực phụ trách của bạn là "${p.scope}").`,
  ),
  'broadcast.target-area-not-found': def(
    (p: { path: string }) => `target area "${p.path}" does not exist`,
    (p) => `Khu vực phát "${p.path}" không tồn tại.`,
  ),
  'broadcast.target-device-not-found': def(
    (p: { id: string }) => `target device "${p.id}" does not exist`,
    (p) => `Thiết bị "${p.id}" không tồn tại.`,
  ),
  'broadcast.media-not-ready': def(
    (p: { id: number; status: string; error: string | null; errorVi: string | null }) =>
      `media ${p.id} is ${p.status}${p.error ? `: ${p.error}` : ''}; only processed audio can be broadcast`,
    (p) =>
      `Tệp âm thanh số ${p.id} ${mediaStatusVi(p.status)}${p.errorVi || p.error ? ` (${(p.errorVi || p.error)!.replace(/\.$/, '')})` : ''}; chỉ phát được âm thanh đã xử lý xong.`,
  ),
  'broadcast.starts-at-invalid': def(
    (p: { reason: Text }) => `startsAt: ${enOf(p.reason)}`,
    (p) => `Thời điểm phát: ${viOf(p.reason)}`,
  ),
  'broadcast.starts-in-past': def(
    (p: { startsAt: string }) => `startsAt ${p.startsAt} is in the past`,
    (p) => `Thời điểm phát ${p.startsAt} đã qua.`,
  ),
  'broadcast.rrule-invalid': def(
    (p: { reason: Text }) => `rrule: ${enOf(p.reason)}`,
    (p) => inner(p.reason, 'Lịch lặp lại không hợp lệ'),
  ),
  'broadcast.not-found': def(
    (p: { id: string }) => `broadcast ${p.id} does not exist`,
    (p) => `Không tìm thấy bản tin ${p.id}.`,
  ),
  'broadcast.edit-author-only': def(
    () => 'only the author of a broadcast may edit it; others may reject it with a reason',
    () => 'Chỉ người soạn mới được sửa bản tin này; người khác có thể từ chối kèm lý do.',
  ),
  'broadcast.emergency-not-editable': def(
    () => 'an emergency cannot be edited: cancel it and send a new one',
    () => 'Không thể sửa bản tin khẩn cấp: vui lòng hủy bản tin này và gửi bản tin mới.',
  ),
  'broadcast.cancelled-not-editable': def(
    () => 'broadcast is cancelled; create a new one instead',
    () => 'Bản tin đã bị hủy; vui lòng tạo bản tin mới.',
  ),
  'broadcast.edit-pending': def(
    (p: { id: string }) => `an edit of this broadcast is already waiting for approval (${p.id}); edit that one instead`,
    (p) => `Đã có một bản sửa của bản tin này đang chờ phê duyệt (${p.id}); vui lòng sửa bản đó.`,
  ),
  'broadcast.replaced-not-approved': def(
    (p: { id: string; status: string }) =>
      `this edit replaces broadcast ${p.id}, which is ${p.status} now; edit or create a broadcast afresh instead`,
    (p) =>
      `Bản sửa này thay cho bản tin ${p.id}, nhưng bản tin đó ${statusVi(p.status)}; vui lòng sửa lại hoặc tạo bản tin mới.`,
  ),
  'broadcast.not-submitted': def(
    (p: { status: string }) => `broadcast is ${p.status}, not waiting for approval`,
    (p) => `Bản tin ${statusVi(p.status)}, không còn chờ phê duyệt.`,
  ),
  'broadcast.approver-role-only': def(
    () => 'only a leader (approver), the district office or an admin may approve or reject',
    () => 'Chỉ lãnh đạo phường, Phòng Văn hóa và Thông tin quận hoặc quản trị viên mới được phê duyệt hoặc từ chối.',
  ),
  'broadcast.author-cannot-approve': def(
    () => 'the author of a broadcast cannot approve or reject it; another person must',
    () => 'Người soạn không thể tự phê duyệt hoặc từ chối bản tin của mình; cần một người khác.',
  ),
  'broadcast.reject-needs-reason': def(
    () => 'a rejection needs a reason',
    () => 'Từ chối bản tin cần ghi rõ lý do.',
  ),
  'broadcast.already-closed': def(
    (p: { status: string }) => `broadcast is already ${p.status}`,
    (p) => `Bản tin này ${statusVi(p.status)} trước đó.`,
  ),
  'broadcast.operator-cancel-own': def(
    () => 'an operator may cancel only their own broadcasts',
    () => 'Cán bộ phường chỉ được hủy bản tin do mình soạn.',
  ),
} as const;
