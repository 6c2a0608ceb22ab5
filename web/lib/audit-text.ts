// The activity log ("nhật ký hoạt động") in sentences: what each entry means, with the names the hub
// resolved (users, bulletins, areas, devices, files) instead of ids and JSON. The raw entry stays
// available to an admin on the page.
import type { Lang } from './i18n.ts';
import { LIVE_END_REASON, PRIORITY, ROLE } from './i18n.ts';
import { fmtNumber } from './format.ts';
import type { AuditEntry } from '../../hub/api-contract/reports.ts';

export type { AuditEntry };

/** The fields the hub's audit calls record in `detail`, as far as the sentences below read them. */
interface AuditDetail {
  name?: string;
  /** an anniversary's day/month, and its calendar */
  date?: string;
  calendar?: string;
  bytes?: number;
  chars?: number;
  excluded?: number;
  stored?: number;
  areas?: unknown;
  devices?: unknown;
  conflictsWith?: unknown;
  targets?: unknown;
  by?: unknown;
  replaces?: unknown;
  scope?: unknown;
  role?: unknown;
  priority?: unknown;
  decision?: string;
  sameLevel?: boolean;
  reason?: string;
  start?: string;
  end?: string;
  title?: string;
  seconds?: number;
  /** CAP imports (hub/cap): the alert's key and kind, and the alert that closed a broadcast */
  key?: string;
  msgType?: string;
  capAlert?: string;
}

/** Short labels of the actions, for a column or a filter. */
export const AUDIT_ACTIONS: Record<string, [string, string]> = {
  'auth.login': ['Đăng nhập', 'Logged in'],
  'auth.token': ['Tạo mã truy cập', 'Created an API token'],
  'user.create': ['Tạo người dùng', 'Created a user'],
  'area.create': ['Tạo khu vực', 'Created an area'],
  'device.create': ['Đăng ký thiết bị', 'Registered a device'],
  'device.enrol': ['Thiết bị kích hoạt', 'Device enrolled'],
  'device.reenrol': ['Cấp lại mã đăng ký', 'Re-issued enrolment'],
  'device.revoke': ['Thu hồi thiết bị', 'Revoked a device'],
  'device.decommission': ['Ngừng sử dụng thiết bị', 'Decommissioned a device'],
  'media.upload': ['Tải bản tin lên', 'Uploaded audio'],
  'media.archive': ['Lưu trữ tệp âm thanh', 'Archived audio'],
  'media.restore': ['Khôi phục tệp âm thanh', 'Restored audio'],
  'media.delete': ['Xóa tệp âm thanh', 'Deleted audio'],
  'media.tts': ['Đọc bản tin soạn bằng văn bản', 'Read a typed bulletin aloud'],
  'media.tts-regenerate': ['Đọc lại bản tin văn bản', 'Read a typed bulletin again'],
  'media.tts-failed': ['Máy đọc văn bản bị lỗi', 'Text-to-speech failed'],
  'broadcast.submit': ['Gửi duyệt', 'Submitted'],
  'broadcast.approve': ['Phê duyệt', 'Approved'],
  'broadcast.reject': ['Từ chối', 'Rejected'],
  'broadcast.cancel': ['Hủy lịch phát', 'Cancelled'],
  'broadcast.emergency': ['Phát khẩn cấp', 'Sent an emergency'],
  'broadcast.decision': ['Quyết định khi trùng giờ', 'Decided a clash'],
  'broadcast.edit': ['Sửa bản tin', 'Edited'],
  'broadcast.revise': ['Gửi bản sửa', 'Submitted an edit'],
  'broadcast.superseded': ['Thay bằng bản sửa', 'Replaced by its edit'],
  'area.boundary.set': ['Cập nhật ranh giới', 'Set an area outline'],
  'area.boundary.clear': ['Xóa ranh giới', 'Cleared an area outline'],
  'area.boundary.import': ['Nhập ranh giới', 'Imported area outlines'],
  'quiet-hours.add': ['Thêm giờ yên tĩnh', 'Added quiet hours'],
  'quiet-hours.remove': ['Bỏ giờ yên tĩnh', 'Removed quiet hours'],
  'live.start': ['Phát trực tiếp', 'Went live'],
  'live.end': ['Kết thúc phát trực tiếp', 'Ended a live broadcast'],
  'cap.import': ['Nhập cảnh báo CAP', 'Imported a CAP alert'],
  'cap.cancel': ['Kết thúc theo bản hủy CAP', 'Ended by a CAP Cancel'],
  'cap.update-replaces-draft': ['Thay bằng bản cập nhật CAP', 'Replaced by a CAP Update'],
  'anniversary.add': ['Thêm ngày lễ, kỷ niệm', 'Added an anniversary'],
  'anniversary.remove': ['Bỏ ngày lễ, kỷ niệm', 'Removed an anniversary'],
  'campaign.create': ['Tạo chuyên đề', 'Created a campaign'],
  'campaign.update': ['Sửa chuyên đề', 'Changed a campaign'],
  'campaign.delete': ['Xóa chuyên đề', 'Removed a campaign'],
  'campaign.archive': ['Lưu trữ chuyên đề', 'Archived a campaign'],
  'periodic-report.generate': ['Lập báo cáo định kỳ', 'Generated a periodic report'],
  'periodic-report.sign': ['Ký duyệt báo cáo định kỳ', 'Signed off a periodic report'],
  'periodic-report.revise': ['Lập bản điều chỉnh báo cáo', 'Opened a revision of a periodic report'],
};

export const auditActionLabel = (action: string, lang: Lang) => {
  const l = AUDIT_ACTIONS[action];
  return l ? (lang === 'en' ? l[1] : l[0]) : action;
};

/** Who did it: the user's name, or the system / the device itself. */
export const auditWho = (e: AuditEntry, lang: Lang) =>
  e.userName ??
  e.username ??
  (e.action === 'device.enrol' ? (lang === 'en' ? 'the device' : 'thiết bị') : lang === 'en' ? 'system' : 'hệ thống');

/** One sentence, in `lang`, saying what the entry records (its subject is the "who" column). */
export function auditSentence(e: AuditEntry, lang: Lang): string {
  const t = (vi: string, en: string) => (lang === 'en' ? en : vi);
  // What each action recorded (the hub's audit calls); each field is checked or only shown below.
  const d = (e.detail ?? {}) as AuditDetail;
  const q = (s: string) => `«${s}»`;
  const named = (id: unknown) => (id === undefined || id === null ? '' : (e.names?.[String(id)] ?? String(id)));
  const list = (ids: unknown) => (Array.isArray(ids) ? ids.map(named).join(', ') : '');
  const it = q(e.targetName ?? e.target);
  const pick = (m: Record<string, [string, string]>, k: unknown) =>
    typeof k === 'string' ? (m[k] ? t(...m[k]) : k) : '';
  /** " (Thông thường)" — or nothing when the entry did not record it. */
  const paren = (s: string) => (s ? ` (${s})` : '');
  const places = (targets: unknown) => {
    const tg = (targets ?? {}) as { areas?: unknown; devices?: unknown };
    return [list(tg.areas), list(tg.devices)].filter(Boolean).join(', ');
  };
  const at = (targets: unknown, vi: string, en: string) => (places(targets) ? ` ${t(vi, en)} ${places(targets)}` : '');
  switch (e.action) {
    case 'auth.login':
      return t('Đăng nhập', 'Logged in');
    case 'auth.token':
      return t(
        `Tạo mã truy cập ${q(e.target)} cho phần mềm kết nối`,
        `Created the API token ${q(e.target)} for a script`,
      );
    case 'user.create':
      return (
        t(`Tạo tài khoản ${it}`, `Created the account ${it}`) +
        paren([pick(ROLE, d.role), d.scope ? named(d.scope) : ''].filter(Boolean).join(', '))
      );
    case 'area.create':
      return t(`Tạo khu vực ${it}`, `Created the area ${it}`);
    case 'device.create':
      return t(`Đăng ký thiết bị ${it}`, `Registered the device ${it}`);
    case 'device.enrol':
      return t(`Thiết bị ${it} kích hoạt và kết nối với hệ thống`, `The device ${it} enrolled with the hub`);
    case 'device.reenrol':
      return t(
        `Cấp mã đăng ký mới cho ${it}; thông tin đăng nhập cũ bị thu hồi`,
        `Issued a new enrolment token for ${it}; the old credentials are revoked`,
      );
    case 'device.revoke':
      return t(`Thu hồi quyền kết nối của ${it}`, `Revoked ${it}`);
    case 'device.decommission':
      return t(
        `Ngừng sử dụng ${it} vĩnh viễn (báo cáo vẫn giữ lịch sử)`,
        `Decommissioned ${it} for good (reports keep its history)`,
      );
    case 'media.upload':
      return t(
        `Tải lên tệp âm thanh ${q(d.name ?? e.targetName ?? e.target)}${typeof d.bytes === 'number' ? ` (${fmtNumber(d.bytes / 1024, 0, lang)} KB)` : ''}`,
        `Uploaded the audio file ${q(d.name ?? e.targetName ?? e.target)}${typeof d.bytes === 'number' ? ` (${fmtNumber(d.bytes / 1024, 0, lang)} KB)` : ''}`,
      );
    case 'media.archive':
      return t(
        `Lưu trữ tệp âm thanh ${q(d.name ?? e.targetName ?? e.target)} (ẩn khỏi thư viện, có thể khôi phục)`,
        `Archived audio ${q(d.name ?? e.targetName ?? e.target)} (hidden from the library, restorable)`,
      );
    case 'media.restore':
      return t(
        `Khôi phục tệp âm thanh ${q(d.name ?? e.targetName ?? e.target)} vào thư viện`,
        `Restored audio ${q(d.name ?? e.targetName ?? e.target)} to the library`,
      );
    case 'media.delete':
      return t(
        `Xóa tệp âm thanh ${q(d.name ?? e.targetName ?? e.target)}`,
        `Deleted audio ${q(d.name ?? e.targetName ?? e.target)}`,
      );
    case 'media.tts':
    case 'media.tts-regenerate': {
      const chars = typeof d.chars === 'number' ? fmtNumber(d.chars, 0, lang) : '?';
      return e.action === 'media.tts'
        ? t(
            `Cho máy đọc bản tin soạn bằng văn bản (${chars} ký tự) thành tệp âm thanh ${it}`,
            `Had a typed bulletin (${chars} characters) read aloud into the audio ${it}`,
          )
        : t(
            `Cho máy đọc lại bản tin văn bản đã sửa (${chars} ký tự) thành tệp âm thanh ${it}`,
            `Had an edited typed bulletin (${chars} characters) read again into the audio ${it}`,
          );
    }
    case 'media.tts-failed':
      return t(
        `Máy đọc văn bản không đọc được bản tin (${typeof d.chars === 'number' ? fmtNumber(d.chars, 0, lang) : '?'} ký tự)`,
        `The text-to-speech engine could not read a bulletin (${typeof d.chars === 'number' ? fmtNumber(d.chars, 0, lang) : '?'} characters)`,
      );
    case 'broadcast.submit':
      return (
        t(`Gửi duyệt lịch phát ${it}`, `Submitted ${it}`) +
        paren(pick(PRIORITY, d.priority)) +
        at(d.targets, 'tại', 'for')
      );
    case 'broadcast.emergency':
      return (
        t(`Phát khẩn cấp ${it}`, `Sent the emergency ${it}`) +
        at(d.targets, 'tới', 'to') +
        t(' (không cần phê duyệt)', ' (no approval needed)')
      );
    case 'broadcast.approve':
      return t(`Phê duyệt lịch phát ${it}`, `Approved ${it}`);
    case 'broadcast.reject':
      return t(
        `Từ chối lịch phát ${it}${d.reason ? `, lý do: ${d.reason}` : ''}`,
        `Rejected ${it}${d.reason ? `, because: ${d.reason}` : ''}`,
      );
    case 'broadcast.cancel':
      return t(`Hủy lịch phát ${it}`, `Cancelled ${it}`);
    case 'broadcast.edit':
      return t(`Sửa lịch phát ${it}; bản tin chờ duyệt lại`, `Edited ${it}; it waits for approval again`);
    case 'broadcast.revise':
      return d.replaces
        ? t(
            `Gửi bản sửa ${it} của lịch đã duyệt ${q(named(d.replaces))}`,
            `Submitted ${it}, an edit of the approved ${q(named(d.replaces))}`,
          )
        : t(`Gửi bản sửa ${it}`, `Submitted the edit ${it}`);
    case 'broadcast.superseded':
      return (
        t(`Lịch phát ${it} được thay bằng bản sửa đã duyệt`, `${it} was replaced by its approved edit`) +
        (d.by ? ` ${q(named(d.by))}` : '')
      );
    case 'broadcast.decision': {
      const others = Array.isArray(d.conflictsWith) ? d.conflictsWith.map((x: string) => q(named(x))).join(', ') : '…';
      const n = fmtNumber(d.excluded ?? 0, 0, lang);
      if (d.sameLevel) {
        // A leader's choice at approval between two bulletins of the same level.
        return d.decision === 'yield'
          ? t(
              `Trùng giờ với bản tin cùng cấp ${others}: chọn để ${it} nhường; ${n} lần phát của ${it} không phát trên ${list(d.devices) || 'thiết bị trùng giờ'}`,
              `Same-level clash with ${others}: chose that ${it} steps aside; ${n} occurrence(s) left off ${list(d.devices) || 'the clashing devices'}`,
            )
          : t(
              `Trùng giờ với bản tin cùng cấp ${others}: chọn phát ${it}; ${n} lần phát của bản tin kia không phát trên ${list(d.devices)}`,
              `Same-level clash with ${others}: chose that ${it} plays; ${n} occurrence(s) of the other left off ${list(d.devices)}`,
            );
      }
      return d.decision === 'yield'
        ? t(
            `Trùng giờ với ${others}: nhường cho bản tin cấp trên; ${n} lần phát của ${it} không phát trên ${list(d.devices) || t('thiết bị trùng giờ', 'the clashing devices')}`,
            `Clash with ${others}: yielded to the higher level; ${n} occurrence(s) of ${it} left off ${list(d.devices) || 'the clashing devices'}`,
          )
        : t(
            `Trùng giờ với ${others}: phát bản tin của phường ${it}; ${n} lần phát của bản tin cấp trên không phát trên ${list(d.devices)}`,
            `Clash with ${others}: aired the ward's ${it}; ${n} occurrence(s) of the higher level's left off ${list(d.devices)}`,
          );
    }
    case 'area.boundary.set':
      return t(`Cập nhật ranh giới của ${it}`, `Set the outline of ${it}`);
    case 'area.boundary.clear':
      return t(`Xóa ranh giới của ${it}`, `Cleared the outline of ${it}`);
    case 'area.boundary.import':
      return t(
        `Nhập ranh giới cho ${fmtNumber(d.stored ?? (Array.isArray(d.areas) ? d.areas.length : 0), 0, lang)} khu vực trong ${it}`,
        `Imported the outlines of ${fmtNumber(d.stored ?? (Array.isArray(d.areas) ? d.areas.length : 0), 0, lang)} area(s) in ${it}`,
      );
    case 'quiet-hours.add':
      return t(`Đặt giờ yên tĩnh ${d.start}–${d.end} cho ${it}`, `Set quiet hours ${d.start}–${d.end} for ${it}`);
    case 'quiet-hours.remove':
      return t(`Bỏ giờ yên tĩnh ${d.start}–${d.end} của ${it}`, `Removed quiet hours ${d.start}–${d.end} of ${it}`);
    case 'live.start':
      return (
        t(`Phát trực tiếp ${it}`, `Went live with ${it}`) +
        (Array.isArray(d.areas) && d.areas.length ? ` ${t('tới', 'to')} ${list(d.areas)}` : '') +
        paren(pick(PRIORITY, d.priority)) +
        t('; phát trực tiếp là phê duyệt', '; going live is the approval')
      );
    case 'live.end': {
      const after =
        typeof d.seconds === 'number'
          ? t(` sau ${fmtNumber(d.seconds, 0, lang)} giây`, ` after ${fmtNumber(d.seconds, 0, lang)} s`)
          : '';
      return (
        t(`Kết thúc phát trực tiếp ${it}`, `Ended the live broadcast ${it}`) +
        after +
        paren(pick(LIVE_END_REASON, d.reason))
      );
    }
    case 'cap.import':
      return `${t('Nhập cảnh báo CAP', 'Imported the CAP alert')} ${q(String(d.key ?? e.target))} (${d.msgType ?? '…'})`;
    case 'cap.cancel':
    case 'cap.update-replaces-draft':
      return `${auditActionLabel(e.action, lang)}: ${it} ← ${q(String(d.capAlert ?? ''))}`;
    case 'anniversary.add':
    case 'anniversary.remove': {
      const lunar = d.calendar === 'lunar' ? t(' âm lịch', ' lunar') : '';
      const when = d.date ? ` (${d.date}${lunar})` : '';
      const where = e.target ? ` ${t('cho', 'for')} ${it}` : ` ${t('toàn quốc', 'nationwide')}`;
      return `${auditActionLabel(e.action, lang)} ${q(String(d.name ?? ''))}${when}${where}`;
    }
    default:
      // An action this page does not know yet still reads as its label and the object's name.
      return `${auditActionLabel(e.action, lang)} ${it}`;
  }
}
