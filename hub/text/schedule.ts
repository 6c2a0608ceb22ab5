// Clash decisions, drafts, the schedule and quiet hours.
import { def } from './message.ts';
import { statusVi } from './words.ts';

export const SCHEDULE_TEXT = {
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
} as const;
