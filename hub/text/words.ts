// Vietnamese words shared by the templates of several domains.
import type { Text } from './message.ts';

/** "Bản tin …": what a broadcast in this status is. */
const STATUS_VI: Record<string, string> = {
  submitted: 'đang chờ phê duyệt',
  approved: 'đã được phê duyệt',
  rejected: 'đã bị từ chối',
  cancelled: 'đã bị hủy',
};
export const statusVi = (s: string) => STATUS_VI[s] ?? `ở trạng thái "${s}"`;

/** "Tệp âm thanh số 3 …": what a media item in this status is. */
const MEDIA_STATUS_VI: Record<string, string> = {
  processing: 'đang được xử lý',
  failed: 'bị lỗi khi xử lý',
  ready: 'đã sẵn sàng',
};
export const mediaStatusVi = (s: string) => MEDIA_STATUS_VI[s] ?? `ở trạng thái "${s}"`;
/** The Vietnamese of a wrapped reason; an untranslated (English) one keeps a Vietnamese lead-in. */
export const inner = (t: Text, leadIn: string) => (typeof t === 'string' ? `${leadIn}: ${t}` : t.vi);
