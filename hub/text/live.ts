// Live broadcasts (phát trực tiếp) from the web UI: what the browser's microphone and the audio
// connection to the hub can refuse. The page renders these itself (web/pages/live.tsx), so they
// take only what the browser knows.
import { def } from './message.ts';

export const LIVE_TEXT = {
  'live.mic-refused': def(
    () =>
      'the browser was not allowed to use the microphone: allow it for this site (the microphone icon in the address bar), then press "Start" again',
    () =>
      'Trình duyệt chưa được phép dùng micro. Hãy cho phép micro cho trang này (biểu tượng micro trên thanh địa chỉ), rồi bấm "Bắt đầu phát" lại.',
  ),
  'live.mic-missing': def(
    () => 'no microphone was found: plug one in (or use a phone), then press "Start" again',
    () => 'Không tìm thấy micro. Hãy cắm micro (hoặc dùng điện thoại), rồi bấm "Bắt đầu phát" lại.',
  ),
  'live.mic-busy': def(
    () => 'the microphone cannot be read: another program may be using it; close it and try again',
    () => 'Không đọc được micro: có thể một chương trình khác đang dùng micro. Hãy tắt chương trình đó rồi thử lại.',
  ),
  'live.mic-insecure': def(
    () =>
      'the browser allows the microphone only on a secure page: open the hub by https (or on this computer at localhost)',
    () =>
      'Trình duyệt chỉ cho dùng micro trên trang bảo mật: hãy mở hệ thống bằng địa chỉ https (hoặc localhost trên chính máy chủ).',
  ),
  'live.recorder-unsupported': def(
    (p: { mime: string }) => `this browser cannot record ${p.mime}: use a recent Chrome, Edge or Firefox to go live`,
    (p) =>
      `Trình duyệt này không ghi được âm thanh dạng ${p.mime}. Hãy dùng Chrome, Edge hoặc Firefox bản mới để phát trực tiếp.`,
  ),
  'live.socket-failed': def(
    () => 'the audio connection to the hub could not be opened; the live broadcast was ended',
    () => 'Không mở được kết nối gửi âm thanh tới máy chủ; buổi phát trực tiếp đã được kết thúc.',
  ),
  'live.socket-reconnecting': def(
    (p: { seconds: number }) =>
      `the audio connection to the hub was lost: reconnecting (the hub ends the broadcast after ${p.seconds} s without audio)`,
    (p) =>
      `Mất kết nối gửi âm thanh tới máy chủ, đang nối lại (máy chủ sẽ kết thúc buổi phát nếu quá ${p.seconds} giây không có âm thanh).`,
  ),
  'live.socket-lost': def(
    (p: { seconds: number }) =>
      `the audio connection to the hub could not be restored within ${p.seconds} s: the microphone was switched off`,
    (p) => `Không nối lại được với máy chủ trong ${p.seconds} giây: đã tắt micro.`,
  ),
} as const;
