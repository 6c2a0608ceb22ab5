// Relays (tiếp âm): the upstream address, the length, the fallback, the stream (hub/streaming).
import { def } from './message.ts';

export const RELAY_TEXT = {
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
} as const;
