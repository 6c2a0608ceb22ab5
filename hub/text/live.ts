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
