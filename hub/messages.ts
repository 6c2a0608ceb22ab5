// Messages people read, in English and Vietnamese. Every user-facing error is a code here with
// a template per language taking named parameters; `msg(code, params)` renders both. The English
// text is what `err.message` holds (logs, scripts, tests); the JSON error body carries both:
// { "error": <English>, "errorVi": <Vietnamese>, "code": <code> }. A plain string still works
// where an error is internal (English only). Words follow the project glossary (docs/glossary.md).

/** A rendered catalogue message. */
export interface Message {
  readonly code: MessageCode;
  readonly en: string;
  readonly vi: string;
}

/** What errors accept: a plain string (internal, English only) or a catalogue message. */
export type Text = string | Message;

export const isMessage = (t: unknown): t is Message =>
  typeof t === 'object' &&
  t !== null &&
  typeof (t as Message).code === 'string' &&
  typeof (t as Message).en === 'string' &&
  typeof (t as Message).vi === 'string';
export const enOf = (t: Text): string => (typeof t === 'string' ? t : t.en);
/** The Vietnamese of a message; a plain string has none and stays as it is. */
export const viOf = (t: Text): string => (typeof t === 'string' ? t : t.vi);

type Template<P> = (p: P) => string;
interface Entry<P> {
  en: Template<P>;
  vi: Template<P>;
}
/** One entry: the parameter type comes from the English template's annotation. */
const def = <P extends object = {}>(en: Template<P>, vi: Template<P>): Entry<P> => ({ en, vi });

// ---- Vietnamese words shared by the templates ----

export const ROLE_VI: Record<string, string> = {
  operator: 'cán bộ phường',
  approver: 'lãnh đạo phường',
  district: 'Phòng Văn hóa và Thông tin quận',
  admin: 'quản trị viên',
};
const roleVi = (r: string) => ROLE_VI[r] ?? r;
/** "a, b hoặc c" */
const orVi = (xs: string[]) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} hoặc ${xs[xs.length - 1]}`;

/** "Bản tin …": what a broadcast in this status is. */
const STATUS_VI: Record<string, string> = {
  submitted: 'đang chờ phê duyệt',
  approved: 'đã được phê duyệt',
  rejected: 'đã bị từ chối',
  cancelled: 'đã bị hủy',
};
const statusVi = (s: string) => STATUS_VI[s] ?? `ở trạng thái "${s}"`;

/** "Tệp âm thanh số 3 …": what a media item in this status is. */
const MEDIA_STATUS_VI: Record<string, string> = {
  processing: 'đang được xử lý',
  failed: 'bị lỗi khi xử lý',
  ready: 'đã sẵn sàng',
};
const mediaStatusVi = (s: string) => MEDIA_STATUS_VI[s] ?? `ở trạng thái "${s}"`;

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

const VERB_VI = { create: 'tạo', approve: 'phê duyệt', cancel: 'hủy' } as const;

/** What ffmpeg was doing (the `what` of hub/media's runs), for Vietnamese messages. */
export function activityVi(what: string): string {
  const known: Record<string, string> = {
    'reading the file': 'đọc tệp',
    'measuring loudness': 'đo độ lớn âm thanh',
    'normalising loudness': 'chuẩn hóa độ lớn âm thanh',
    'checking the result': 'kiểm tra kết quả',
    'limiting peaks': 'giới hạn đỉnh âm',
  };
  const enc = /^encoding (\S+)$/.exec(what);
  return known[what] ?? (enc ? `mã hóa ${enc[1]}` : what);
}

/** What a file looks like (hub/media/sniff.ts names), in Vietnamese. */
export const LOOKS_LIKE_VI: Record<string, string> = {
  'a PNG image': 'ảnh PNG',
  'a JPEG image': 'ảnh JPEG',
  'a GIF image': 'ảnh GIF',
  'a WebP image': 'ảnh WebP',
  'a PDF document': 'tài liệu PDF',
  'a ZIP archive or an Office document': 'tệp nén ZIP hoặc tài liệu Office',
  'an old Office document': 'tài liệu Office định dạng cũ',
  'a web page (HTML)': 'trang web (HTML)',
  'a playlist (M3U), not the audio itself': 'danh sách phát (M3U), không phải bản thân tệp âm thanh',
  'an MP3 file': 'tệp MP3',
  'an MP3/AAC stream': 'luồng MP3/AAC',
  'a WAV file': 'tệp WAV',
  'a FLAC file': 'tệp FLAC',
  'an Ogg file': 'tệp Ogg',
  'an MP4/M4A file': 'tệp MP4/M4A',
  'a Matroska/WebM file': 'tệp Matroska/WebM',
  'an AIFF file': 'tệp AIFF',
  'an AMR voice recording': 'tệp ghi âm AMR',
  'a Windows Media file': 'tệp Windows Media',
  'a text file': 'tệp văn bản',
};
const looksLikeVi = (s: string) => LOOKS_LIKE_VI[s] ?? s;

// Durations as hub/media prints them: seconds with one decimal, minutes from two minutes on.
const durEn = (ms: number) => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
const durVi = (ms: number) => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} phút` : `${(ms / 1000).toFixed(1)} giây`);
const sec2 = (ms: number) => (ms / 1000).toFixed(2);
/** The Vietnamese of a wrapped reason; an untranslated (English) one keeps a Vietnamese lead-in. */
const inner = (t: Text, leadIn: string) => (typeof t === 'string' ? `${leadIn}: ${t}` : t.vi);

/** A fragment as a sentence: capital first letter, full stop at the end. */
const sentence = (s: string) => {
  const t = s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
  return t.endsWith('.') ? t : `${t}.`;
};
/** "a, b và c" */
const andVi = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} và ${xs[xs.length - 1]}`);

// ---- ward outlines (hub/areas/boundaries.ts) ----

/**
 * Where in an outline a problem lies, from the inside out: a number of a position of a ring of a
 * polygon (polygons are numbered in a MultiPolygon only). Both languages are built from it.
 */
export interface OutlinePlace {
  polygon?: number;
  ring?: number;
  position?: number;
  number?: number;
}
const PLACE_WORDS = [
  ['number', 'number', 'giá trị'],
  ['position', 'position', 'điểm'],
  ['ring', 'ring', 'vòng'],
  ['polygon', 'polygon', 'đa giác'],
] as const;
/** "position 5 of ring 0 of polygon 1" */
export const placeEn = (at: OutlinePlace) =>
  PLACE_WORDS.filter(([k]) => at[k] !== undefined)
    .map(([k, en]) => `${en} ${at[k]}`)
    .join(' of ');
/** "điểm 5 của vòng 0 của đa giác 1" */
export const placeVi = (at: OutlinePlace) =>
  PLACE_WORDS.filter(([k]) => at[k] !== undefined)
    .map(([k, , vi]) => `${vi} ${at[k]}`)
    .join(' của ');

/** What an outline belongs to: one area's (PUT) or an imported feature matched to an area. */
export type OutlineSubject = { area: string } | { feature: number; key: string; path: string };
const subjectEn = (s: OutlineSubject) =>
  'area' in s ? `the outline of "${s.area}"` : `feature ${s.feature} ("${s.key}" → ${s.path})`;
const subjectVi = (s: OutlineSubject) =>
  'area' in s ? `đường ranh giới của "${s.area}"` : `đối tượng ${s.feature} ("${s.key}" → ${s.path})`;

type MatchBy = 'path' | 'slug' | 'name';
/** How an import matches features to areas, in Vietnamese. */
const MATCH_BY_VI: Record<MatchBy, string> = { path: 'đường dẫn', slug: 'mã (slug)', name: 'tên' };

const SWAPPED_EN = ' (are longitude and latitude swapped? GeoJSON is [longitude, latitude])';
const SWAPPED_VI = ' (có phải kinh độ và vĩ độ bị đổi chỗ cho nhau? GeoJSON ghi theo thứ tự [kinh độ, vĩ độ])';
const pos = (p: readonly number[]) => `[${p[0]}, ${p[1]}]`;
const joinEn = (ms: readonly Message[]) => ms.map((m) => m.en).join('; ');
const joinVi = (ms: readonly Message[]) => ms.map((m) => m.vi).join('; ');

/** What a slug names, in Vietnamese. */
const SLUG_WHAT_VI = { 'area slug': 'Mã khu vực (slug)', 'device id': 'Mã thiết bị' } as const;

export const CATALOGUE = {
  // ---- requests, HTTP, authorisation ----
  'request.invalid-body': def(
    (p: { issues: string; issuesVi: string }) => `invalid request body: ${p.issues}`,
    (p) => `Thông tin gửi lên chưa hợp lệ — ${p.issuesVi}.`,
  ),
  'request.invalid-query': def(
    (p: { issues: string; issuesVi: string }) => `invalid query: ${p.issues}`,
    (p) => `Tham số truy vấn chưa hợp lệ — ${p.issuesVi}.`,
  ),
  'request.invalid-json': def(
    (p: { detail: string }) => `request body is not valid JSON: ${p.detail}`,
    (p) => `Dữ liệu gửi lên không phải JSON hợp lệ: ${p.detail}`,
  ),
  'request.too-large': def(
    () => 'request body is larger than 1 MB',
    () => 'Dữ liệu gửi lên vượt quá 1 MB.',
  ),
  'http.no-route': def(
    (p: { method: string; path: string }) => `no route ${p.method} ${p.path}`,
    (p) => `Không có địa chỉ API ${p.method} ${p.path}.`,
  ),
  internal: def(
    () => 'internal error; see the hub log',
    () => 'Hệ thống gặp lỗi nội bộ; vui lòng báo quản trị viên (chi tiết trong nhật ký của máy chủ).',
  ),
  'auth.rate-limited': def(
    () => 'too many failed attempts; wait 5 minutes and try again',
    () => 'Đăng nhập sai quá nhiều lần; vui lòng chờ 5 phút rồi thử lại.',
  ),
  'auth.wrong-credentials': def(
    () => 'wrong username or password',
    () => 'Sai tên đăng nhập hoặc mật khẩu.',
  ),
  'auth.wrong-device-credentials': def(
    () => 'wrong device credentials',
    () => 'Sai thông tin xác thực của thiết bị.',
  ),
  'auth.login-required': def(
    () => 'log in first: send "Authorization: Bearer <token>" from POST /api/v1/auth/login',
    () => 'Vui lòng đăng nhập trước (gửi "Authorization: Bearer <token>" nhận từ POST /api/v1/auth/login).',
  ),
  'auth.session-expired': def(
    () => 'token is unknown or expired; log in again',
    () => 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.',
  ),
  'auth.role-forbidden': def(
    (p: { role: string; needs: string[] }) => `your role "${p.role}" may not do this (needs ${p.needs.join(' or ')})`,
    (p) =>
      `Vai trò của bạn (${roleVi(p.role)}) không được thực hiện thao tác này; chỉ ${orVi(p.needs.map(roleVi))} mới được thực hiện.`,
  ),

  // ---- users ----
  'user.bad-username': def(
    () => 'username must be 3-40 lowercase letters, digits, ".", "_" or "-"',
    () => 'Tên đăng nhập phải dài 3–40 ký tự, chỉ gồm chữ thường không dấu, chữ số, ".", "_" hoặc "-".',
  ),
  'user.password-too-short': def(
    () => 'password must be at least 8 characters',
    () => 'Mật khẩu phải có ít nhất 8 ký tự.',
  ),
  'user.bad-role': def(
    (p: { roles: string[] }) => `role must be one of ${p.roles.join(', ')}`,
    (p) => `Vai trò phải là một trong các vai trò: ${p.roles.map((r) => `${r} (${roleVi(r)})`).join(', ')}.`,
  ),
  'user.needs-area': def(
    (p: { role: string }) => `a ${p.role} needs an area`,
    (p) => `Tài khoản ${roleVi(p.role)} phải được gắn với một khu vực.`,
  ),
  'user.exists': def(
    (p: { username: string }) => `user "${p.username}" already exists`,
    (p) => `Tên đăng nhập "${p.username}" đã tồn tại.`,
  ),

  // ---- areas ----
  'area.not-found': def(
    (p: { path: string }) => `area "${p.path}" does not exist`,
    (p) => `Khu vực "${p.path}" không tồn tại.`,
  ),
  'area.outside-scope': def(
    (p: { path: string; scope: string | null }) => `area "${p.path}" is outside your area "${p.scope}"`,
    (p) => `Khu vực "${p.path}" nằm ngoài phạm vi phụ trách của bạn ("${p.scope}").`,
  ),
  'area.none': def(
    () => 'no areas exist yet',
    () => 'Chưa có khu vực nào.',
  ),

  // ---- date-times and recurrence ----
  'time.bad-format': def(
    (p: { text: string }) =>
      `"${p.text}" is not a date-time like 2026-11-24T06:00 (Asia/Ho_Chi_Minh) or 2026-11-23T23:00:00Z`,
    (p) => `"${p.text}" không đúng dạng ngày giờ, ví dụ 2026-11-24T06:00 (giờ Việt Nam) hoặc 2026-11-23T23:00:00Z.`,
  ),
  'time.invalid': def(
    (p: { text: string }) => `"${p.text}" is not a valid date-time`,
    (p) => `Ngày giờ "${p.text}" không hợp lệ (tháng, ngày, giờ hoặc phút vượt quá giới hạn).`,
  ),
  'rrule.other-tzid': def(
    () => 'recurrence times are Asia/Ho_Chi_Minh; remove other TZID values',
    () => 'Lịch lặp lại tính theo giờ Việt Nam (Asia/Ho_Chi_Minh); vui lòng bỏ các giá trị TZID khác.',
  ),
  'rrule.needs-dtstart': def(
    () => 'recurrence needs a DTSTART line, e.g. DTSTART:20261124T000000',
    () => 'Lịch lặp lại cần một dòng DTSTART, ví dụ DTSTART:20261124T000000.',
  ),
  'rrule.needs-rrule': def(
    () => 'recurrence needs at least one RRULE line, e.g. RRULE:FREQ=DAILY;COUNT=7;BYHOUR=6;BYMINUTE=0',
    () => 'Lịch lặp lại cần ít nhất một dòng RRULE, ví dụ RRULE:FREQ=DAILY;COUNT=7;BYHOUR=6;BYMINUTE=0.',
  ),
  'rrule.dtstart-utc': def(
    () => 'write DTSTART in Vietnam wall time without Z',
    () => 'Vui lòng ghi DTSTART theo giờ Việt Nam, không có chữ Z ở cuối.',
  ),
  'rrule.invalid': def(
    (p: { detail: string }) => `recurrence rule is not valid iCalendar: ${p.detail}`,
    (p) => `Lịch lặp lại không đúng định dạng iCalendar: ${p.detail}`,
  ),
  'rrule.unbounded': def(
    () => 'every RRULE needs COUNT or UNTIL so the broadcast ends',
    () => 'Mỗi dòng RRULE cần có COUNT hoặc UNTIL để lịch phát có điểm kết thúc.',
  ),
  'rrule.empty': def(
    () => 'recurrence produces no occurrences',
    () => 'Lịch lặp lại không tạo ra lần phát nào.',
  ),
  'rrule.too-many': def(
    (p: { max: number }) => `recurrence produces more than ${p.max} occurrences`,
    (p) => `Lịch lặp lại tạo ra hơn ${p.max} lần phát; vui lòng rút ngắn khoảng thời gian.`,
  ),

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

  // ---- clash decisions, drafts, the schedule ----
  'decision.not-open': def(
    (p: { status: string }) =>
      `broadcast is ${p.status}; a clash decision concerns a broadcast that is waiting for approval or approved`,
    (p) =>
      `Bản tin ${statusVi(p.status)}; chỉ quyết định khi trùng giờ cho bản tin đang chờ phê duyệt hoặc đã được phê duyệt.`,
  ),
  'decision.emergency': def(
    () => 'an emergency pre-empts everything; there is nothing to decide',
    () => 'Bản tin khẩn cấp được phát trước mọi bản tin khác; không cần quyết định.',
  ),
  'decision.no-clash': def(
    () => 'this broadcast has no clash with a higher level’s bulletin of the same priority to decide',
    () => 'Bản tin này không trùng giờ với bản tin cùng mức độ của cấp trên, nên không có gì cần quyết định.',
  ),
  'decision.outside-area': def(
    () => 'none of the clashing devices is in your area; the official of their ward decides',
    () => 'Không có thiết bị trùng giờ nào thuộc khu vực của bạn; cán bộ phường nơi đặt thiết bị sẽ quyết định.',
  ),
  'decision.not-allowed': def(
    () => 'only the author, or a leader or the district office responsible for its areas, may decide its clashes',
    () =>
      'Chỉ người soạn, hoặc lãnh đạo, Phòng Văn hóa và Thông tin phụ trách các khu vực phát của bản tin mới được quyết định khi trùng giờ.',
  ),
  'decision.same-level-needed': def(
    (p: { titles: string[]; devices: number; first: string }) =>
      `this bulletin clashes with the approved bulletin${p.titles.length > 1 ? 's' : ''} ${p.titles.map((t) => `"${t}"`).join(', ')} of the same level and priority on ${p.devices} device(s) (first at ${p.first}); choose which plays: approve with { "clashes": "air-ours" } (this one plays, the other steps aside at those times) or { "clashes": "yield" } (this one steps aside)`,
    (p) =>
      `Bản tin này trùng giờ với bản tin cùng cấp, cùng mức đã được phê duyệt ${p.titles.map((t) => `«${t}»`).join(', ')} trên ${p.devices} thiết bị (lần đầu lúc ${p.first}). Hãy chọn bản tin nào phát khi phê duyệt: bản tin này phát và bản tin kia nhường, hoặc bản tin này nhường.`,
  ),
  'draft.media-not-ready': def(
    (p: { id: number }) => `media ${p.id} is not ready`,
    (p) => `Tệp âm thanh số ${p.id} chưa sẵn sàng để phát.`,
  ),
  'schedule.bad-window': def(
    () => 'the window must be positive and at most 6 weeks',
    () => 'Khoảng thời gian xem lịch phải kết thúc sau khi bắt đầu và dài tối đa 6 tuần.',
  ),

  // ---- quiet hours ----
  'quiet-hours.bad-time': def(
    (p: { text: string }) => `"${p.text}" is not a time of day like 22:00`,
    (p) => `"${p.text}" không phải giờ trong ngày hợp lệ (ví dụ 22:00).`,
  ),
  'quiet-hours.same-start-end': def(
    () => 'quiet hours must start and end at different times',
    () => 'Giờ bắt đầu và giờ kết thúc của giờ yên tĩnh phải khác nhau.',
  ),
  'quiet-hours.not-found': def(
    (p: { id: string }) => `quiet hours ${p.id} do not exist`,
    (p) => `Không tìm thấy khung giờ yên tĩnh số ${p.id}.`,
  ),
  /** The body's `code` was "quiet-hours" before the catalogue: kept. */
  'quiet-hours': def(
    (p: { at: string; start: string; end: string; areaName: string; others: number }) =>
      `normal-priority broadcasts may not play in quiet hours: the occurrence at ${p.at} falls in the quiet hours ${p.start}–${p.end} of ${p.areaName}` +
      `${p.others > 0 ? ` (and ${p.others} more occurrence${p.others > 1 ? 's' : ''})` : ''}; choose another time, or use priority or emergency`,
    (p) =>
      `Bản tin mức độ Thông thường không được phát trong giờ yên tĩnh: lần phát lúc ${p.at} rơi vào giờ yên tĩnh ${p.start}–${p.end} của ${p.areaName}` +
      `${p.others > 0 ? ` (cùng ${p.others} lần phát khác)` : ''}. Vui lòng chọn thời điểm khác, hoặc chọn mức độ Ưu tiên hay Khẩn cấp.`,
  ),

  // ---- reports ----
  'report.bad-period': def(
    (p: { period: string }) => `period "${p.period}" is not a month (2026-11), a quarter (2026-Q4) or a year (2026)`,
    (p) => `Kỳ báo cáo "${p.period}" không hợp lệ; vui lòng ghi theo tháng (2026-11), quý (2026-Q4) hoặc năm (2026).`,
  ),
  'report.from-after-to': def(
    () => '"from" must be before "to"',
    () => 'Thời điểm bắt đầu ("from") phải trước thời điểm kết thúc ("to").',
  ),
  'report.too-long': def(
    () => 'a report covers at most 400 days',
    () => 'Một báo cáo chỉ bao gồm tối đa 400 ngày.',
  ),
  'report.bad-cursor': def(
    (p: { cursor: string }) =>
      `cursor "${p.cursor}" is not one this report gave; start again without a cursor and follow "next"`,
    (p) =>
      `Con trỏ trang "${p.cursor}" không hợp lệ; vui lòng tải lại từ trang đầu (không có "cursor") rồi đi theo "next".`,
  ),
  'report.bad-result': def(
    (p: { result: string; results: string }) => `result "${p.result}" is not one of ${p.results}`,
    (p) => `Kết quả "${p.result}" không hợp lệ; chỉ dùng: ${p.results}.`,
  ),
  'report.bad-limit': def(
    (p: { limit: string; max: number }) => `page size ${p.limit} is not a whole number from 1 to ${p.max}`,
    (p) => `Số dòng mỗi trang (${p.limit}) phải là số nguyên từ 1 đến ${p.max}.`,
  ),

  // ---- media: uploads and downloads ----
  // ---- why a device did not play: for officials; the device's technical words stay as detail ----
  'reason.failure': def(
    (p: { code: string; kind: string }) => reasonIn(REASON_EN, REASON_EN_LED, p),
    (p) => reasonIn(REASON_VI, REASON_VI_LED, p),
  ),
  'media.in-use': def(
    (p: { name: string; titles: string[]; verb: 'archive' | 'delete' }) =>
      `"${p.name}" is used by ${p.titles.length} broadcast(s) that may still air or are in the reports: ${p.titles
        .slice(0, 5)
        .map((t) => `"${t}"`)
        .join(
          ', ',
        )}${p.titles.length > 5 ? `, and ${p.titles.length - 5} more` : ''}; it cannot be ${p.verb === 'delete' ? 'deleted' : 'archived'}`,
    (p) =>
      `Không thể ${p.verb === 'delete' ? 'xóa' : 'lưu trữ'} «${p.name}»: tệp đang được dùng trong ${p.titles.length} bản tin còn có thể phát hoặc có trong báo cáo: ${p.titles
        .slice(0, 5)
        .map((t) => `«${t}»`)
        .join(
          ', ',
        )}${p.titles.length > 5 ? ` và ${p.titles.length - 5} bản tin khác` : ''}. Hãy hủy hoặc chờ các bản tin đó bị từ chối trước.`,
  ),
  'media.manage-not-allowed': def(
    (p: { name: string }) =>
      `only the uploader, the officials, leaders or district office of the uploader's ward, or an admin may archive or delete "${p.name}"`,
    (p) =>
      `Chỉ người tải lên, cán bộ, lãnh đạo phường của người tải lên, Phòng Văn hóa và Thông tin quận hoặc quản trị viên mới được lưu trữ hoặc xóa «${p.name}».`,
  ),
  'media.still-processing': def(
    (p: { name: string }) => `"${p.name}" is still being processed; wait until it is ready or has failed`,
    (p) => `«${p.name}» đang được xử lý; hãy chờ đến khi xử lý xong hoặc báo lỗi.`,
  ),
  'media.archived': def(
    (p: { id: number }) => `media ${p.id} is archived; restore it in the library to use it`,
    (p) => `Tệp âm thanh số ${p.id} đã được lưu trữ; hãy khôi phục trong thư viện để dùng.`,
  ),
  'media.not-found': def(
    (p: { id: number | string }) => `media ${p.id} does not exist`,
    (p) => `Không tìm thấy tệp âm thanh số ${p.id}.`,
  ),
  'media.file-not-found': def(
    (p: { file: string }) => `no media file "${p.file}"`,
    (p) => `Không có tệp âm thanh "${p.file}".`,
  ),
  'media.waveform-not-ready': def(
    (p: { id: number; status: string }) => `media ${p.id} is ${p.status}; its waveform exists once it is ready`,
    (p) => `Tệp âm thanh số ${p.id} ${mediaStatusVi(p.status)}; dạng sóng chỉ có khi tệp đã xử lý xong.`,
  ),
  'media.waveform-failed': def(
    (p: { detail: string }) => p.detail,
    (p) => `Không vẽ được dạng sóng của tệp âm thanh: ${p.detail}`,
  ),
  'upload.not-multipart': def(
    () => 'send the audio as multipart/form-data with a field named "file"',
    () => 'Vui lòng gửi tệp âm thanh dạng multipart/form-data, trong trường có tên "file".',
  ),
  'upload.bad-multipart': def(
    (p: { detail: string }) => `bad multipart request: ${p.detail}`,
    (p) => `Yêu cầu tải lên không hợp lệ: ${p.detail}`,
  ),
  'upload.no-file': def(
    () => 'no file field named "file" in the upload',
    () => 'Yêu cầu tải lên không có trường tệp tên "file".',
  ),
  'upload.too-large': def(
    (p: { mb: number }) => `file is larger than the ${p.mb} MB limit`,
    (p) => `Tệp vượt quá giới hạn ${p.mb} MB.`,
  ),
  'upload.empty': def(
    () => 'file is empty',
    () => 'Tệp rỗng (0 byte).',
  ),

  // ---- media processing: what the library page shows when an upload fails ----
  'media.empty-file': def(
    () => 'the file is empty (0 bytes); the upload or copy probably failed',
    () => 'Tệp rỗng (0 byte); có thể việc tải lên hoặc sao chép đã bị lỗi.',
  ),
  'media.not-audio-looks-like': def(
    (p: { looksLike: string }) => `the file is not audio: it looks like ${p.looksLike}`,
    (p) => `Tệp không phải âm thanh: có vẻ là ${looksLikeVi(p.looksLike)}.`,
  ),
  'media.damaged-looks-like': def(
    (p: { looksLike: string }) => `the file starts like ${p.looksLike} but is damaged: ffmpeg could not read it`,
    (p) => `Tệp có phần đầu giống ${looksLikeVi(p.looksLike)} nhưng đã bị hỏng, hệ thống không đọc được.`,
  ),
  'media.unknown-format': def(
    () => 'the file is not in any audio format we can read (ffmpeg did not recognise it)',
    () => 'Tệp không thuộc định dạng âm thanh nào mà hệ thống đọc được.',
  ),
  'media.not-regular-file': def(
    () => 'the file is not audio: it is not a regular file',
    () => 'Tệp không phải âm thanh: đây không phải một tệp thông thường.',
  ),
  'media.cannot-open': def(
    (p: { why: 'missing' | 'denied' | 'other'; detail: string }) =>
      `the file could not be opened: ${p.why === 'missing' ? 'it is not there (removed before processing?)' : p.why === 'denied' ? 'permission denied' : p.detail}`,
    (p) =>
      `Không mở được tệp: ${p.why === 'missing' ? 'tệp không còn (có thể đã bị xóa trước khi xử lý)' : p.why === 'denied' ? 'không có quyền đọc tệp' : p.detail}.`,
  ),
  'media.no-audio-stream': def(
    (p: { looksLike?: string; video?: string }) =>
      `the file is not audio: ffmpeg found no audio stream${p.looksLike ? ` (it looks like ${p.looksLike})` : p.video ? ` (it holds only video: ${p.video})` : ''}`,
    (p) =>
      `Tệp không phải âm thanh: không tìm thấy luồng âm thanh nào${p.looksLike ? ` (có vẻ là ${looksLikeVi(p.looksLike)})` : p.video ? ` (tệp chỉ có hình ảnh video: ${p.video})` : ''}.`,
  ),
  'media.no-sound-decoded': def(
    () => 'no sound could be decoded from the file: it is damaged or empty',
    () => 'Không đọc được âm thanh nào từ tệp: tệp bị hỏng hoặc rỗng.',
  ),
  'media.cut-short': def(
    (p: { headerMs: number; decodedMs: number }) =>
      `the file is cut short: it says it lasts ${durEn(p.headerMs)} but only ${durEn(p.decodedMs)} of sound could be read (an incomplete upload or copy?)`,
    (p) =>
      `Tệp bị thiếu phần cuối: tệp ghi thời lượng ${durVi(p.headerMs)} nhưng chỉ đọc được ${durVi(p.decodedMs)} âm thanh (có thể việc tải lên hoặc sao chép chưa hoàn tất).`,
  ),
  'media.too-long': def(
    (p: { ms: number; maxMs: number; cutOff: boolean }) =>
      `the recording is too long: ${p.cutOff ? 'more than ' : ''}${durEn(p.ms)}, the limit is ${durEn(p.maxMs)}`,
    (p) => `Bản ghi âm quá dài: ${p.cutOff ? 'hơn ' : ''}${durVi(p.ms)}, giới hạn là ${durVi(p.maxMs)}.`,
  ),
  'media.too-short': def(
    (p: { ms: number; minMs: number }) =>
      `the recording is too short: ${sec2(p.ms)} s, it must last at least ${sec2(p.minMs)} s`,
    (p) => `Bản ghi âm quá ngắn: ${sec2(p.ms)} giây; cần dài ít nhất ${sec2(p.minMs)} giây.`,
  ),
  'media.silent': def(
    () => 'the recording is silent: no sound could be measured in it',
    () => 'Bản ghi âm không có tiếng: không đo được âm thanh nào trong tệp.',
  ),
  'media.almost-silent': def(
    (p: { lufs: number }) =>
      `the recording is almost silent (${p.lufs.toFixed(1)} LUFS; speech is usually between -35 and -10): was the microphone muted?`,
    (p) =>
      `Bản ghi âm gần như không có tiếng (${p.lufs.toFixed(1)} LUFS; giọng nói thường ở khoảng -35 đến -10 LUFS). Có thể micrô đã bị tắt tiếng khi ghi.`,
  ),
  'media.lra-too-wide': def(
    (p: { lra: number; max: number }) =>
      `its loudness range (${p.lra.toFixed(1)} LU) is wider than ffmpeg can normalise with one fixed gain (${p.max} LU); please send a more even recording`,
    (p) =>
      `độ chênh lệch âm lượng trong bản ghi (${p.lra.toFixed(1)} LU) lớn hơn mức có thể cân bằng bằng một mức khuếch đại cố định (${p.max} LU); vui lòng gửi bản ghi âm đều hơn`,
  ),
  'media.peaks-too-high': def(
    (p: { tp: number; i: number }) =>
      `its peaks are too high for its loudness (peak ${p.tp.toFixed(1)} dBTP at ${p.i.toFixed(1)} LUFS): a fixed gain cannot reach a usable level`,
    (p) =>
      `đỉnh âm quá cao so với độ lớn chung (đỉnh ${p.tp.toFixed(1)} dBTP ở mức ${p.i.toFixed(1)} LUFS), không thể đưa về mức nghe rõ bằng một mức khuếch đại cố định`,
  ),
  'media.not-normalizable': def(
    (p: { reason: Message }) => `the loudness cannot be evened out: ${p.reason.en}`,
    (p) => `Không thể chuẩn hóa độ lớn âm thanh: ${p.reason.vi}.`,
  ),
  'media.stays-dynamic': def(
    (p: { attempts: number }) =>
      `the loudness cannot be evened out with one fixed gain: ffmpeg kept choosing dynamic normalisation after ${p.attempts} attempts`,
    (p) =>
      `Không thể chuẩn hóa độ lớn âm thanh bằng một mức khuếch đại cố định (đã thử ${p.attempts} lần). Vui lòng gửi bản ghi âm đều hơn hoặc báo quản trị viên.`,
  ),
  'media.damaged': def(
    (p: { what: string; detail: string }) => `the audio is damaged: ffmpeg stopped while ${p.what} (${p.detail})`,
    (p) => `Âm thanh trong tệp bị hỏng: việc ${activityVi(p.what)} bị dừng giữa chừng (${p.detail}).`,
  ),
  'media.tool-failed': def(
    (p: { what: string; exit: number | null; detail: string }) =>
      `ffmpeg failed while ${p.what} (exit ${p.exit}): ${p.detail}`,
    (p) =>
      `Công cụ xử lý âm thanh (ffmpeg) bị lỗi khi ${activityVi(p.what)} (mã thoát ${p.exit}); vui lòng báo quản trị viên. Chi tiết: ${p.detail}`,
  ),
  'media.tool-not-started': def(
    (p: { what: string; detail: string }) =>
      `the audio tool (ffmpeg) could not be started while ${p.what}: ${p.detail}`,
    (p) =>
      `Không khởi động được công cụ xử lý âm thanh (ffmpeg) khi ${activityVi(p.what)}; vui lòng báo quản trị viên. Chi tiết: ${p.detail}`,
  ),
  'media.encode-failed': def(
    (p: { format: string; detail: string }) => `ffmpeg failed while encoding ${p.format}: ${p.detail}`,
    (p) =>
      `Công cụ xử lý âm thanh (ffmpeg) bị lỗi khi mã hóa ${p.format}; vui lòng báo quản trị viên. Chi tiết: ${p.detail}`,
  ),
  'media.timeout': def(
    (p: { what: string; seconds: number }) =>
      `processing took too long while ${p.what} (stopped after ${p.seconds} s); the file may be damaged or far too long`,
    (p) => `Xử lý quá lâu khi ${activityVi(p.what)} (đã dừng sau ${p.seconds} giây); tệp có thể bị hỏng hoặc quá dài.`,
  ),
  'media.loudness-check-failed': def(
    (p: { format: string; i: number; tp: number; targetI: number; targetTp: number }) =>
      `the ${p.format} result failed its loudness check: ${p.i.toFixed(1)} LUFS / ${p.tp.toFixed(1)} dBTP measured, ${p.targetI} LUFS / ${p.targetTp} dBTP intended`,
    (p) =>
      `Tệp ${p.format} tạo ra không đạt kiểm tra độ lớn âm thanh: đo được ${p.i.toFixed(1)} LUFS / ${p.tp.toFixed(1)} dBTP, yêu cầu ${p.targetI} LUFS / ${p.targetTp} dBTP. Vui lòng báo quản trị viên.`,
  ),
  'media.interrupted': def(
    () => 'processing was interrupted by a hub restart; upload again',
    () => 'Việc xử lý bị gián đoạn do hệ thống khởi động lại; vui lòng tải tệp lên lại.',
  ),

  // ---- typed bulletins: text to speech (hub/tts) ----
  'tts.empty': def(
    () => 'the bulletin text is empty: type what the speakers should say',
    () => 'Nội dung bản tin đang trống: hãy nhập nội dung cần đọc trên loa.',
  ),
  'tts.too-long': def(
    (p: { chars: number; max: number; minutes: number }) =>
      `the text is too long: ${p.chars} characters, at most ${p.max} (about ${p.minutes} minutes of speech); split it into several bulletins`,
    (p) =>
      `Nội dung quá dài: ${p.chars} ký tự, tối đa ${p.max} ký tự (khoảng ${p.minutes} phút đọc). Hãy chia thành nhiều bản tin.`,
  ),
  'tts.engine-missing': def(
    (p: { program: string }) =>
      `the text-to-speech engine (${p.program}) is not installed on the hub; an administrator must install it (see the README)`,
    (p) =>
      `Máy chủ chưa cài bộ chuyển văn bản thành giọng nói (${p.program}). Người quản trị cần cài đặt (xem hướng dẫn README), sau đó thử lại.`,
  ),
  'tts.engine-failed': def(
    (p: { program: string }) =>
      `the text-to-speech engine (${p.program}) failed to read the text; try again, and if it keeps failing tell an administrator (the details are in the audit log)`,
    (p) =>
      `Bộ chuyển văn bản thành giọng nói (${p.program}) bị lỗi khi đọc nội dung. Hãy thử lại; nếu vẫn lỗi, báo người quản trị (chi tiết kỹ thuật có trong nhật ký hệ thống).`,
  ),
  'tts.engine-timeout': def(
    (p: { program: string; seconds: number }) =>
      `the text-to-speech engine (${p.program}) took longer than ${p.seconds} s and was stopped; try a shorter text or tell an administrator`,
    (p) =>
      `Bộ chuyển văn bản thành giọng nói (${p.program}) chạy quá ${p.seconds} giây nên đã bị dừng. Hãy thử nội dung ngắn hơn hoặc báo người quản trị.`,
  ),
  'tts.engine-no-audio': def(
    (p: { program: string }) =>
      `the text-to-speech engine (${p.program}) finished without producing any audio; tell an administrator`,
    (p) =>
      `Bộ chuyển văn bản thành giọng nói (${p.program}) chạy xong nhưng không tạo ra âm thanh. Hãy báo người quản trị.`,
  ),
  'tts.not-from-text': def(
    (p: { id: number }) => `media ${p.id} was not made from text, so it cannot be regenerated`,
    (p) => `Tệp âm thanh số ${p.id} không được tạo từ văn bản nên không thể tạo lại.`,
  ),

  // ---- devices and enrolment, areas created through the API ----
  'device.not-found': def(
    (p: { id: string }) => `device "${p.id}" does not exist`,
    (p) => `Thiết bị "${p.id}" không tồn tại.`,
  ),
  'device.exists': def(
    (p: { id: string }) => `device "${p.id}" already exists`,
    (p) => `Mã thiết bị "${p.id}" đã tồn tại.`,
  ),
  'device.decommissioned': def(
    (p: { id: string }) => `device "${p.id}" is decommissioned; register a new device instead`,
    (p) => `Thiết bị "${p.id}" đã ngừng sử dụng; hãy đăng ký thiết bị mới.`,
  ),
  'device.broker-refused': def(
    (p: { detail: string }) => `the MQTT broker could not be updated, nothing was changed there: ${p.detail}`,
    (p) => `Không cập nhật được máy chủ MQTT: ${p.detail}`,
  ),
  'area.outside-your-area': def(
    (p: { path: string }) => `area "${p.path}" is outside your area`,
    (p) => `Khu vực "${p.path}" nằm ngoài phạm vi phụ trách của bạn.`,
  ),
  'area.parent-not-found': def(
    (p: { path: string }) => `parent area "${p.path}" does not exist`,
    (p) => `Khu vực cấp trên "${p.path}" không tồn tại.`,
  ),
  'area.exists': def(
    (p: { path: string }) => `area "${p.path}" already exists`,
    (p) => `Khu vực "${p.path}" đã tồn tại.`,
  ),
  'enrol.token-unknown': def(
    () => 'enrolment token is unknown or already used',
    () => 'Mã đăng ký thiết bị không đúng hoặc đã được sử dụng.',
  ),
  'enrol.token-expired': def(
    () => 'enrolment token has expired; ask the district office for a new one',
    () => 'Mã đăng ký thiết bị đã hết hạn; vui lòng đề nghị Phòng Văn hóa và Thông tin quận cấp mã mới.',
  ),
  'enrol.bad-public-key': def(
    (p: { detail: string }) => `publicKey is not an Ed25519 public key: ${p.detail}`,
    (p) => `Khóa công khai (publicKey) không phải khóa Ed25519 hợp lệ: ${p.detail}`,
  ),
  'geojson.wrong-content-type': def(
    () => 'send the GeoJSON with content-type application/geo+json (up to 32 MB) or application/json (up to 1 MB)',
    () =>
      'Vui lòng gửi GeoJSON với content-type application/geo+json (tối đa 32 MB) hoặc application/json (tối đa 1 MB).',
  ),
  'geojson.too-large': def(
    (p: { mb: number }) => `request body is larger than ${p.mb} MB; simplify the outlines or import them in parts`,
    (p) => `Dữ liệu gửi lên vượt quá ${p.mb} MB; vui lòng đơn giản hóa đường ranh giới hoặc nhập thành nhiều phần.`,
  ),
  'slug.invalid': def(
    (p: { what: keyof typeof SLUG_WHAT_VI; value: string }) =>
      `${p.what} "${p.value}" is not a valid slug (lowercase letters, digits and inner hyphens, 1-64 characters)`,
    (p) =>
      `${SLUG_WHAT_VI[p.what]} "${p.value}" không hợp lệ (chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang ở giữa, dài 1–64 ký tự).`,
  ),
  'area.too-deep': def(
    (p: { path: string; max: number }) => `area path "${p.path}" must have 1-${p.max} levels`,
    (p) => `Đường dẫn khu vực "${p.path}" chỉ được có từ 1 đến ${p.max} cấp.`,
  ),

  // ---- ward outlines: one outline's problems (fragments, joined by "; " into boundary.invalid) ----
  'boundary.position-needs-lon-lat': def(
    () => 'a position needs a longitude and a latitude',
    () => 'mỗi điểm cần có kinh độ và vĩ độ',
  ),
  'boundary.position-too-many-numbers': def(
    () => 'a position has at most 3 numbers: longitude, latitude, altitude',
    () => 'mỗi điểm có tối đa 3 số: kinh độ, vĩ độ, độ cao',
  ),
  'boundary.polygon-needs-ring': def(
    () => 'a polygon needs at least one ring',
    () => 'mỗi đa giác cần ít nhất một vòng ranh giới',
  ),
  'boundary.multipolygon-needs-polygon': def(
    () => 'a MultiPolygon needs at least one polygon',
    () => 'MultiPolygon cần ít nhất một đa giác',
  ),
  'boundary.too-many-positions': def(
    (p: { count: number; max: number }) =>
      `the outline has ${p.count} positions; at most ${p.max} are allowed (simplify it first, e.g. with mapshaper)`,
    (p) =>
      `đường ranh giới có ${p.count} điểm; chỉ cho phép tối đa ${p.max} điểm (hãy đơn giản hóa trước, ví dụ bằng mapshaper)`,
  ),
  'boundary.longitude-out-of-range': def(
    (p: { at: OutlinePlace; value: number; swapped: boolean }) =>
      `${placeEn(p.at)}: longitude ${p.value} is outside -180..180${p.swapped ? SWAPPED_EN : ''}`,
    (p) => `${placeVi(p.at)}: kinh độ ${p.value} nằm ngoài khoảng -180..180${p.swapped ? SWAPPED_VI : ''}`,
  ),
  'boundary.latitude-out-of-range': def(
    (p: { at: OutlinePlace; value: number; swapped: boolean }) =>
      `${placeEn(p.at)}: latitude ${p.value} is outside -90..90${p.swapped ? SWAPPED_EN : ''}`,
    (p) => `${placeVi(p.at)}: vĩ độ ${p.value} nằm ngoài khoảng -90..90${p.swapped ? SWAPPED_VI : ''}`,
  ),
  'boundary.ring-too-short': def(
    (p: { at: OutlinePlace; count: number }) =>
      `${placeEn(p.at)} has ${p.count} positions; a closed ring needs at least 4 (the last repeating the first)`,
    (p) => `${placeVi(p.at)} chỉ có ${p.count} điểm; một vòng khép kín cần ít nhất 4 điểm (điểm cuối trùng điểm đầu)`,
  ),
  'boundary.ring-not-closed': def(
    (p: { at: OutlinePlace; first: readonly number[]; last: readonly number[] }) =>
      `${placeEn(p.at)} is not closed: its last position ${pos(p.last)} differs from its first ${pos(p.first)}`,
    (p) => `${placeVi(p.at)} chưa khép kín: điểm cuối ${pos(p.last)} khác điểm đầu ${pos(p.first)}`,
  ),
  'boundary.ring-no-area': def(
    (p: { at: OutlinePlace }) => `${placeEn(p.at)} has no area (its positions repeat or lie on a line)`,
    (p) => `${placeVi(p.at)} không có diện tích (các điểm trùng nhau hoặc nằm trên một đường thẳng)`,
  ),
  /** A structural problem (from the schema) at a place: "number 0 of position 0 of ring 0: …". */
  'boundary.problem-at': def(
    (p: { at: OutlinePlace; problem: { en: string; vi: string } }) =>
      placeEn(p.at) ? `${placeEn(p.at)}: ${p.problem.en}` : p.problem.en,
    (p) => (placeVi(p.at) ? `${placeVi(p.at)}: ${p.problem.vi}` : p.problem.vi),
  ),
  'boundary.not-a-geometry': def(
    () => 'the outline must be a GeoJSON Polygon or MultiPolygon geometry (or a Feature holding one)',
    () => 'đường ranh giới phải là hình học GeoJSON dạng Polygon hoặc MultiPolygon (hoặc một Feature chứa hình học đó)',
  ),
  'boundary.wrong-geometry-type': def(
    (p: { type: string | null }) =>
      `geometry type is ${p.type === null ? 'missing' : `"${p.type}"`}; an outline must be a Polygon or MultiPolygon`,
    (p) =>
      `${p.type === null ? 'thiếu kiểu hình học ("type")' : `kiểu hình học là "${p.type}"`}; đường ranh giới phải là Polygon hoặc MultiPolygon`,
  ),

  // ---- ward outlines: refusals ----
  'boundary.invalid': def(
    (p: { problems: readonly Message[] }) => joinEn(p.problems),
    (p) => sentence(joinVi(p.problems)),
  ),
  'boundary.feature-invalid': def(
    (p: { feature: number; key: string; path: string; problems: readonly Message[] }) =>
      `${subjectEn(p)}: ${joinEn(p.problems)}`,
    (p) => sentence(`${subjectVi(p)}: ${joinVi(p.problems)}`),
  ),
  'boundary.no-source': def(
    (p: { subject: OutlineSubject }) =>
      `${subjectEn(p.subject)} has no source; say where the outline comes from (e.g. "Sở TN&MT Hà Nội 2024" or "approximate: …")`,
    (p) =>
      sentence(
        `${subjectVi(p.subject)} chưa ghi nguồn; vui lòng cho biết đường ranh giới lấy từ đâu (ví dụ "Sở TN&MT Hà Nội 2024" hoặc "approximate: …")`,
      ),
  ),
  'boundary.source-too-long': def(
    (p: { subject: OutlineSubject; max: number }) =>
      `${subjectEn(p.subject)}: the source is longer than ${p.max} characters`,
    (p) => sentence(`${subjectVi(p.subject)}: phần ghi nguồn dài quá ${p.max} ký tự`),
  ),
  'boundary.geometry-missing': def(
    () => 'missing: send a GeoJSON Polygon or MultiPolygon, or null to clear the outline',
    () => 'bắt buộc phải có (hình học GeoJSON dạng Polygon hoặc MultiPolygon, hoặc null để xóa đường ranh giới)',
  ),

  // ---- ward outlines: imports ----
  'boundary.import-not-collection': def(
    /** `got`: the type the body has (as JSON), when it is an object; `bareGeometry`: it is a Polygon or MultiPolygon. */
    (p: { got?: string; bareGeometry?: boolean }) =>
      `expected a GeoJSON FeatureCollection or Feature${p.got !== undefined ? `, got type ${p.got}` : ''}${p.bareGeometry ? "; to set one area's outline from a bare geometry use PUT /api/v1/areas/boundary" : ''}`,
    (p) =>
      `Cần một GeoJSON dạng FeatureCollection hoặc Feature${p.got !== undefined ? `, nhưng nhận được kiểu ${p.got}` : ''}` +
      `${p.bareGeometry ? '; để đặt đường ranh giới cho một khu vực từ một hình học đơn lẻ, hãy dùng PUT /api/v1/areas/boundary' : ''}.`,
  ),
  'boundary.import-no-features-array': def(
    () => 'the FeatureCollection has no "features" array',
    () => 'FeatureCollection không có mảng "features".',
  ),
  'boundary.import-empty': def(
    () => 'the FeatureCollection has no features',
    () => 'FeatureCollection không có đối tượng (feature) nào.',
  ),
  'boundary.import-too-many-features': def(
    (p: { count: number; max: number }) => `the FeatureCollection has ${p.count} features; at most ${p.max} per import`,
    (p) => `FeatureCollection có ${p.count} đối tượng (feature); mỗi lần nhập chỉ được tối đa ${p.max}.`,
  ),
  'boundary.import-needs-parent': def(
    (p: { matchBy: MatchBy }) => `matching by ${p.matchBy} needs the parent area's path (parent=…)`,
    (p) => `Để khớp theo ${MATCH_BY_VI[p.matchBy]}, cần cho biết đường dẫn của khu vực cấp trên (parent=…).`,
  ),
  'boundary.import-not-a-feature': def(
    (p: { feature: number }) => `feature ${p.feature} is not a GeoJSON Feature`,
    (p) => `Mục ${p.feature} trong "features" không phải là một GeoJSON Feature.`,
  ),
  'boundary.import-duplicate-match': def(
    (p: { first: number; second: number; path: string }) => `features ${p.first} and ${p.second} both match ${p.path}`,
    (p) => `Đối tượng ${p.first} và ${p.second} cùng khớp với khu vực ${p.path}.`,
  ),
  'boundary.import-outside-scope': def(
    (p: { feature: number; key: string; path: string }) => `${subjectEn(p)}: area "${p.path}" is outside your area`,
    (p) => sentence(`${subjectVi(p)}: khu vực "${p.path}" nằm ngoài phạm vi phụ trách của bạn`),
  ),
  'boundary.import-nothing-matched': def(
    (p: { property: string; matchBy: MatchBy; parent: string | null }) =>
      `no feature matched an area (matching "${p.property}" by ${p.matchBy}${p.parent ? ` under ${p.parent}` : ''})`,
    (p) =>
      `Không đối tượng nào khớp với khu vực nào (khớp thuộc tính "${p.property}" theo ${MATCH_BY_VI[p.matchBy]}${p.parent ? ` trong ${p.parent}` : ''}).`,
  ),
  // Why a feature matched no area: report data (ImportReport.unmatched), shown as it is.
  'boundary.unmatched-no-property': def(
    (p: { property: string }) => `no "${p.property}" property`,
    (p) => `không có thuộc tính "${p.property}"`,
  ),
  'boundary.unmatched-ambiguous-name': def(
    (p: { paths: string[] }) => `the name matches ${p.paths.join(' and ')}`,
    (p) => `tên khớp với cả ${andVi(p.paths)}`,
  ),
  'boundary.unmatched-no-such-area': def(
    () => 'no such area',
    () => 'không có khu vực này',
  ),
  'boundary.unmatched-not-under-parent': def(
    (p: { matchBy: MatchBy; parent: string }) => `no area with that ${p.matchBy} under ${p.parent}`,
    (p) => `không có khu vực nào có ${MATCH_BY_VI[p.matchBy]} này trong ${p.parent}`,
  ),

  // ==== relay (tiếp âm, issue 11.1) — one block, to move as a whole into hub/text/ ====
  'relay.url-invalid': def(
    (p: { url: string }) =>
      `the relay's upstream address "${p.url}" is not a URL (expected e.g. http://host:8000/live.mp3)`,
    (p) => `Địa chỉ nguồn tiếp âm "${p.url}" không phải là một địa chỉ hợp lệ (ví dụ đúng: http://host:8000/live.mp3).`,
  ),
  'relay.url-scheme': def(
    (p: { url: string; scheme: string }) =>
      `the relay's upstream address "${p.url}" uses "${p.scheme}": only http and https streams (Icecast, SHOUTcast, HLS) can be relayed`,
    (p) =>
      `Địa chỉ nguồn tiếp âm "${p.url}" dùng giao thức "${p.scheme}": chỉ tiếp âm được luồng http hoặc https (Icecast, SHOUTcast, HLS).`,
  ),
  'relay.url-no-host': def(
    (p: { url: string }) => `the relay's upstream address "${p.url}" names no server`,
    (p) => `Địa chỉ nguồn tiếp âm "${p.url}" không có tên máy chủ.`,
  ),
  'relay.length-one-of': def(
    () => 'a relay needs either its length (seconds) or the time it ends (endsAt, HH:MM), not both',
    () => 'Tiếp âm cần thời lượng (số giây) hoặc giờ kết thúc (HH:MM), chỉ một trong hai.',
  ),
  'relay.ends-at-invalid': def(
    (p: { endsAt: string }) => `the relay's end time "${p.endsAt}" is not a time of day (HH:MM, 24-hour)`,
    (p) => `Giờ kết thúc tiếp âm "${p.endsAt}" không đúng dạng giờ (HH:MM, 24 giờ).`,
  ),
  'relay.ends-at-varies': def(
    () =>
      'the relay starts at different times of day, so one end time does not fit every occurrence: give its length in seconds',
    () =>
      'Tiếp âm bắt đầu vào nhiều giờ khác nhau trong ngày nên một giờ kết thúc không dùng chung được: hãy nhập thời lượng (số giây).',
  ),
  'relay.too-long': def(
    (p: { minutes: number; max: number }) =>
      `a relay of ${p.minutes} minutes is longer than the ${p.max} minutes allowed`,
    (p) => `Tiếp âm dài ${p.minutes} phút, vượt quá ${p.max} phút cho phép.`,
  ),
  'relay.with-media': def(
    () => 'a relay airs its upstream: it cannot also have an audio file (mediaId)',
    () => 'Tiếp âm phát từ nguồn bên ngoài nên không kèm tệp âm thanh.',
  ),
  'relay.ident-needs-media': def(
    () => "the fallback 'ident' needs the station ident's audio (identMediaId)",
    () => 'Phương án dự phòng "phát nhạc hiệu" cần chọn tệp nhạc hiệu của đài.',
  ),
  'relay.not-found': def(
    (p: { occurrence: string }) => `no relay stream ${p.occurrence} for this device`,
    (p) => `Không có luồng tiếp âm ${p.occurrence} cho thiết bị này.`,
  ),
  'relay.not-live': def(
    (p: { occurrence: string; state: string }) => `the relay stream ${p.occurrence} is not on air (${p.state})`,
    (p) => `Luồng tiếp âm ${p.occurrence} hiện không phát (${p.state}).`,
  ),
  // ==== end of relay ====
} as const;

export type MessageCode = keyof typeof CATALOGUE;
export type MessageParams<C extends MessageCode> = (typeof CATALOGUE)[C] extends Entry<infer P> ? P : never;
/** The parameters argument: optional when the message takes none. */
export type MessageArgs<C extends MessageCode> =
  {} extends MessageParams<C> ? [params?: MessageParams<C>] : [params: MessageParams<C>];

/** Renders a catalogue message in both languages. */
export function msg<C extends MessageCode>(code: C, ...[params]: MessageArgs<C>): Message {
  const e = CATALOGUE[code] as Entry<MessageParams<C>>;
  const p = (params ?? {}) as MessageParams<C>;
  return { code, en: e.en(p), vi: e.vi(p) };
}

/** English text → its Vietnamese, for zod messages set with zodMessage (see hub/zod-vi.ts). */
const zodVi = new Map<string, Message>();
export const zodMessageVi = (english: string): Message | undefined => zodVi.get(english);

/**
 * A catalogue message for a zod schema: `.refine(f, zodMessage(code))` or `.min(1, zodMessage(code))`.
 * The English is zod's message; the Vietnamese travels in the issue's `params` (refine, custom
 * issues) and is also looked up by the English text (checks such as min, whose issues carry none).
 */
export function zodMessage<C extends MessageCode>(
  code: C,
  ...args: MessageArgs<C>
): { message: string; params: { code: C; vi: string } } {
  const m = msg(code, ...args);
  zodVi.set(m.en, m);
  return { message: m.en, params: { code, vi: m.vi } };
}

/** An error whose message may come from the catalogue: `message` is its English. */
export class LocalizedError extends Error {
  /** The catalogue message, when the error has one. */
  readonly msg?: Message;
  constructor(text: Text, options?: { cause?: unknown }) {
    super(enOf(text), options);
    if (typeof text !== 'string') this.msg = text;
  }
}

/** What an error says, keeping its catalogue message when it has one (to pass it on in another error). */
export function textOf(e: unknown): Text {
  if (e instanceof LocalizedError && e.msg) return e.msg;
  return e instanceof Error ? e.message : String(e);
}

// ---- Words of the coverage report's CSV (people read it in a spreadsheet): Vietnamese first ----

export type ReportLang = 'vi' | 'en';
type Words = Record<string, { vi: string; en: string }>;

/** A playback result, and 'rejected' for a signed claim the hub did not count. */
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
export const PRIORITY_WORDS: Words = {
  normal: { vi: 'Thông thường', en: 'Normal' },
  priority: { vi: 'Ưu tiên', en: 'Priority' },
  emergency: { vi: 'Khẩn cấp', en: 'Emergency' },
};
/** Why the hub refused to count a signed receipt (hub/ingest/admission.ts). */
export const REJECTION_WORDS: Words = {
  unplanned: { vi: 'Không có trong kế hoạch', en: 'Not planned' },
  'not-targeted': { vi: 'Không phát cho thiết bị này', en: 'Not targeted at this device' },
  premature: { vi: 'Báo trước giờ phát', en: 'Sent before it could air' },
  implausible: { vi: 'Thời gian, số giây không hợp lý', en: 'Implausible times or seconds' },
};
export const YES_NO_WORDS = { yes: { vi: 'có', en: 'yes' }, no: { vi: 'không', en: 'no' } };
/** The reason of an occurrence missed for want of any receipt. */
export const NO_CONFIRMATION_WORDS = {
  vi: 'Không nhận được xác nhận từ thiết bị (mất kết nối, mất điện hoặc không báo cáo)',
  en: 'No confirmation from the device (offline, powered down or not reporting)',
};
/** The CSV's column headers, by the column's code (the header of the machine-readable CSV). */
export const CSV_HEADER_WORDS: Words = {
  areaName: { vi: 'Khu vực', en: 'Area' },
  areaPath: { vi: 'Mã khu vực', en: 'Area code' },
  deviceId: { vi: 'Mã thiết bị', en: 'Device code' },
  deviceName: { vi: 'Thiết bị', en: 'Device' },
  title: { vi: 'Bản tin', en: 'Bulletin' },
  priority: { vi: 'Mức độ', en: 'Priority' },
  scheduledStart: { vi: 'Giờ kế hoạch', en: 'Scheduled' },
  actualStart: { vi: 'Bắt đầu thực tế', en: 'Actual start' },
  actualEnd: { vi: 'Kết thúc thực tế', en: 'Actual end' },
  secondsPlayed: { vi: 'Số giây đã phát', en: 'Seconds played' },
  result: { vi: 'Kết quả', en: 'Result' },
  confirmed: { vi: 'Thiết bị đã xác nhận', en: 'Confirmed by the device' },
  reason: { vi: 'Lý do', en: 'Reason' },
  occurrenceId: { vi: 'Mã lần phát', en: 'Occurrence code' },
  broadcastId: { vi: 'Mã lịch phát', en: 'Broadcast code' },
  claimedResult: { vi: 'Kết quả thiết bị báo', en: 'Result claimed' },
  claimedSecondsPlayed: { vi: 'Số giây thiết bị báo', en: 'Seconds claimed' },
  rejection: { vi: 'Lý do không tính', en: 'Why not counted' },
  rejectionDetail: { vi: 'Chi tiết kỹ thuật', en: 'Technical detail' },
  receivedAt: { vi: 'Nhận lúc', en: 'Received' },
};
/** A word of one of the tables above in `lang`, or the code itself when the table lacks it. */
export const wordOf = (table: Words, code: string | null | undefined, lang: ReportLang): string =>
  code ? (table[code]?.[lang] ?? code) : '';

/**
 * The reader's language from an Accept-Language header: English when English comes before
 * Vietnamese in the reader's preferences, Vietnamese otherwise (and by default).
 */
export function preferredLang(header: string | undefined): ReportLang {
  const tags = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const first = tags.find((t) => /^(vi|en)(-|$)/.test(t.tag));
  return first?.tag.startsWith('en') ? 'en' : 'vi';
}
