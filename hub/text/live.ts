// Live sessions (phát trực tiếp): who may go live, where, and the session's audio socket (hub/live/).
import { def } from './message.ts';

export const LIVE_TEXT = {
  'live.role-forbidden': def(
    (p: { role: string }) =>
      `a ${p.role} may not go live: a ward leader (or the district office) goes live, and going live is the approval`,
    () =>
      'Cán bộ phường không được phát trực tiếp: chỉ Lãnh đạo phường (hoặc Phòng Văn hóa và Thông tin quận) được phát, và việc phát trực tiếp chính là phê duyệt.',
  ),
  'live.emergency-district-only': def(
    () => 'only the district office may go live as an emergency',
    () => 'Chỉ Phòng Văn hóa và Thông tin quận được phát trực tiếp tin khẩn cấp.',
  ),
  'live.area-busy': def(
    (p: { path: string; title: string }) =>
      `another live session ("${p.title}") is on air in "${p.path}": end it first, or choose other areas`,
    (p) =>
      `Đang có một buổi phát trực tiếp khác ("${p.title}") tại "${p.path}": hãy kết thúc buổi đó trước hoặc chọn khu vực khác.`,
  ),
  'live.emergency-on-air': def(
    (p: { path: string; title: string }) =>
      `an emergency ("${p.title}") is on air in "${p.path}": a normal live session would not be heard until it ends`,
    (p) =>
      `Tin khẩn cấp "${p.title}" đang phát tại "${p.path}": buổi phát trực tiếp thường sẽ không được nghe cho đến khi tin đó kết thúc.`,
  ),
  'live.not-found': def(
    (p: { id: string }) => `no live session ${p.id}`,
    (p) => `Không có buổi phát trực tiếp ${p.id}.`,
  ),
  'live.not-editable': def(
    () => 'a live session cannot be edited: end it and go live again',
    () => 'Không sửa được buổi phát trực tiếp: hãy kết thúc rồi phát lại.',
  ),
  'live.end-forbidden': def(
    () => 'only whoever went live, or the district office, may end this live session',
    () => 'Chỉ người đang phát, hoặc Phòng Văn hóa và Thông tin quận, được kết thúc buổi phát trực tiếp này.',
  ),
  'live.not-starter': def(
    () => 'only whoever went live may send this session its audio',
    () => 'Chỉ người bắt đầu buổi phát trực tiếp được gửi âm thanh cho buổi này.',
  ),
  'live.ended': def(
    (p: { id: string }) => `live session ${p.id} has ended`,
    (p) => `Buổi phát trực tiếp ${p.id} đã kết thúc.`,
  ),
  'live.no-ffmpeg': def(
    () => 'the hub has no ffmpeg: it cannot carry a live session',
    () => 'Máy chủ không có ffmpeg nên không thể phát trực tiếp.',
  ),
} as const;

/**
 * The live page (web/pages/live.tsx): what the browser's microphone and the audio connection to the
 * hub can refuse. The page renders these itself, so they take only what the browser knows.
 */
export const LIVE_PAGE_TEXT = {
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
  'live.ended-by': def(
    (p: { name: string }) => `Ended by ${p.name}`,
    (p) => `Kết thúc bởi ${p.name}`,
  ),
} as const;
