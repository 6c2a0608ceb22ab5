// Vietnamese first, English second. Strings sit where they are used as (vi, en) pairs, so a
// missing translation cannot happen; the glossary in docs/glossary.md fixes the words.
import { LIVE_SOURCE_GRACE_MS } from '../../hub/api-contract/live-limits.ts';
import type { Entry } from '../../hub/text/message.ts';
import { PLAYBACK_RESULTS, RESULT_WORDS } from '../../hub/text/results.ts';

export type Lang = 'vi' | 'en';

const KEY = 'wardcast-lang';
let current: Lang = ((typeof localStorage !== 'undefined' && localStorage.getItem(KEY)) as Lang) || 'vi';
const listeners = new Set<() => void>();

export const lang = () => current;
export function setLang(l: Lang) {
  current = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
  for (const f of listeners) f();
}
export const onLang = (f: () => void) => {
  listeners.add(f);
  return () => listeners.delete(f);
};

/** The string in the current language. */
export const tx = (vi: string, en: string) => (current === 'en' ? en : vi);
/** A catalogue entry (one domain file of hub/text, imported on its own) in the current language. */
export const say = <P extends object>(e: Entry<P>, params = {} as P) => tx(e.vi(params), e.en(params));

export const PRIORITY: Record<string, [string, string]> = {
  normal: ['Thông thường', 'Normal'],
  priority: ['Ưu tiên', 'Priority'],
  emergency: ['Khẩn cấp', 'Emergency'],
};
export const STATUS: Record<string, [string, string]> = {
  draft: ['Soạn thảo', 'Draft'],
  submitted: ['Chờ phê duyệt', 'Awaiting approval'],
  approved: ['Đã phê duyệt', 'Approved'],
  rejected: ['Từ chối', 'Rejected'],
  cancelled: ['Đã hủy', 'Cancelled'],
};
/** What an occurrence came to: the playback results are the hub's words (hub/text/results.ts). */
export const RESULT: Record<string, [string, string]> = {
  ...Object.fromEntries(PLAYBACK_RESULTS.map((k) => [k, [RESULT_WORDS[k].vi, RESULT_WORDS[k].en]])),
  scheduled: ['Đã lên lịch', 'Scheduled'],
  'awaiting-confirmation': ['Chờ xác nhận phát', 'Awaiting confirmation'],
  // Sent nothing: the device's software does not announce what this needs (a relay, before its upgrade).
  'not-capable': ['Thiết bị chưa hỗ trợ', 'Device not capable'],
  // An occurrence of a broadcast that is not approved takes the broadcast's status.
  submitted: ['Chờ phê duyệt', 'Awaiting approval'],
  rejected: ['Từ chối', 'Rejected'],
  cancelled: ['Đã hủy', 'Cancelled'],
};
export const ROLE: Record<string, [string, string]> = {
  operator: ['Cán bộ phường', 'Ward official'],
  approver: ['Lãnh đạo phường', 'Ward leader'],
  district: ['Phòng Văn hóa và Thông tin', 'District office'],
  admin: ['Quản trị', 'Administrator'],
};
export const MODE: Record<string, [string, string]> = {
  hold: ['Đứng yên', 'Hold'],
  scroll: ['Chạy chữ', 'Scroll'],
  flash: ['Nhấp nháy', 'Flash'],
  rollUp: ['Cuộn lên', 'Roll up'],
  rollLeft: ['Cuộn sang trái', 'Roll left'],
};
/** What a relay's loudspeakers air while its upstream is lost (docs/relay.md). */
export const RELAY_FALLBACK: Record<string, [string, string]> = {
  silence: ['Im lặng', 'Silence'],
  ident: ['Nhạc hiệu', 'Station ident'],
  'last-bulletin': ['Bản tin gần nhất', 'The last bulletin'],
};
/** The hub's pull of a relay's upstream (hub/api-contract/broadcasts.ts, RelayStreamState.state). */
export const RELAY_PULL: Record<string, [string, string]> = {
  waiting: ['chờ giờ phát', 'waiting for its time'],
  live: ['đang nhận nguồn', 'receiving the upstream'],
  lost: ['mất nguồn, đang thử lại', 'upstream lost, retrying'],
  ended: ['đã kết thúc', 'ended'],
  cancelled: ['đã hủy', 'cancelled'],
};
/** The hub's source on the Icecast engine's origin (RelayEngineState.status). */
export const RELAY_ENGINE: Record<string, [string, string]> = {
  idle: ['chưa phát', 'not sending yet'],
  connecting: ['đang kết nối tới Icecast', 'connecting to Icecast'],
  sending: ['đang phát tới Icecast', 'sending to Icecast'],
  reconnecting: ['đang kết nối lại', 'reconnecting'],
  failed: ['lỗi', 'failed'],
  stopped: ['đã dừng', 'stopped'],
};
/** Why a live broadcast ended (hub/api-contract/live.ts, endReason). */
export const LIVE_END_REASON: Record<string, [string, string]> = {
  'ended-by-user': ['Người dùng bấm Kết thúc', 'Ended by a user'],
  'source-lost': [
    `Mất tiếng từ micro quá ${LIVE_SOURCE_GRACE_MS / 1000} giây`,
    `No audio from the microphone for ${LIVE_SOURCE_GRACE_MS / 1000} s`,
  ],
  'max-length': ['Hết thời lượng tối đa', 'Reached the maximum length'],
  'pre-empted': ['Bị ngắt bởi tin khẩn cấp', 'Pre-empted by an emergency'],
};
/** Why the hub decided a broadcast without a person's note (hub/broadcasts: DECISION_CODES). */
export const DECISION_REASON: Record<string, [string, string]> = {
  'emergency-self-approved': [
    'Tin khẩn cấp do Phòng Văn hóa và Thông tin gửi: không cần phê duyệt',
    'Emergency sent by the district office: no approval needed',
  ],
  'went-live': ['Phát trực tiếp: người phát là người phê duyệt', 'Live: approved by going live'],
};
/** What to show as a decision's reason: the decider's own words, or the hub's code in the reader's language. */
export const decisionReason = (b: { decisionNote?: string | null; decisionCode?: string | null }) =>
  b.decisionNote ?? (b.decisionCode ? pick(DECISION_REASON, b.decisionCode) : '');
/** A campaign's target (hub/api-contract/campaigns.ts, CampaignTarget.per). */
export const TARGET_PER: Record<string, [string, string]> = {
  week: ['mỗi tuần', 'a week'],
  month: ['mỗi tháng', 'a month'],
  period: ['cả đợt', 'over the period'],
};
export const pick = (m: Record<string, [string, string]>, k: string) => (m[k] ? tx(m[k][0], m[k][1]) : k);
