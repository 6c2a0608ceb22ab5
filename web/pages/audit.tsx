import { useResource } from '../lib/hooks.ts';
import { lang, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import type { AppCtx } from '../app.tsx';

const ACTIONS: Record<string, [string, string]> = {
  'auth.login': ['Đăng nhập', 'Logged in'],
  'auth.token': ['Tạo mã truy cập', 'Created an API token'],
  'user.create': ['Tạo người dùng', 'Created a user'],
  'area.create': ['Tạo khu vực', 'Created an area'],
  'device.create': ['Đăng ký thiết bị', 'Registered a device'],
  'device.enrol': ['Thiết bị kích hoạt', 'Device enrolled'],
  'device.reenrol': ['Cấp lại mã kích hoạt', 'Re-issued enrolment'],
  'media.upload': ['Tải bản tin lên', 'Uploaded audio'],
  'media.archive': ['Lưu trữ tệp âm thanh', 'Archived audio'],
  'media.restore': ['Khôi phục tệp âm thanh', 'Restored audio'],
  'media.delete': ['Xóa tệp âm thanh', 'Deleted audio'],
  'broadcast.submit': ['Gửi duyệt', 'Submitted'],
  'broadcast.approve': ['Phê duyệt', 'Approved'],
  'broadcast.reject': ['Từ chối', 'Rejected'],
  'broadcast.cancel': ['Hủy', 'Cancelled'],
  'broadcast.emergency': ['Phát khẩn cấp', 'Sent an emergency'],
  'broadcast.decision': ['Quyết định khi trùng giờ với cấp trên', 'Decided a clash with a higher level'],
  'broadcast.decision.same-level': ['Chọn bản tin phát khi trùng giờ cùng cấp', 'Chose which same-level bulletin plays'],
  'broadcast.edit': ['Sửa bản tin', 'Edited'],
  'broadcast.revise': ['Gửi bản sửa của lịch đã duyệt', 'Submitted an edit of an approved broadcast'],
  'broadcast.superseded': ['Thay bằng bản sửa đã duyệt', 'Replaced by its approved edit'],
  'area.boundary.set': ['Cập nhật ranh giới khu vực', 'Set an area outline'],
  'area.boundary.clear': ['Xóa ranh giới khu vực', 'Cleared an area outline'],
  'area.boundary.import': ['Nhập ranh giới các khu vực', 'Imported area outlines'],
  'quiet-hours.add': ['Thêm giờ yên tĩnh', 'Added quiet hours'],
  'quiet-hours.remove': ['Bỏ giờ yên tĩnh', 'Removed quiet hours'],
};

/** The action in words; a leader's same-level clash choice is named apart from an official's decision. */
function actionLabel(a: { action: string; detail: any }): string {
  const words = ACTIONS[a.detail?.sameLevel ? `${a.action}.same-level` : a.action] ?? ACTIONS[a.action];
  return words ? tx(...words) : a.action;
}

export function AuditPage(_: { ctx: AppCtx }) {
  const log = useResource<any[]>('/api/v1/audit?limit=500', [], ['broadcast', 'media']);
  return (
    <section class="card">
      <h2>{tx('Nhật ký hệ thống (kiểm toán)', 'Audit log')}</h2>
      {log.error && <p class="error">{log.error}</p>}
      <div class="table-wrap">
        <table data-testid="audit">
          <thead>
            <tr>
              <th>{tx('Thời gian', 'When')}</th>
              <th>{tx('Người dùng', 'User')}</th>
              <th>{tx('Hành động', 'Action')}</th>
              <th>{tx('Đối tượng', 'Object')}</th>
              <th>{tx('Chi tiết', 'Detail')}</th>
            </tr>
          </thead>
          <tbody>
            {log.data?.map((a) => (
              <tr data-testid="audit-row" data-action={a.action}>
                <td>{fmtDateTime(a.at, lang(), true)}</td>
                <td>{a.username ?? tx('hệ thống', 'system')}</td>
                <td>{actionLabel(a)}</td>
                <td class="mono small">{a.target}</td>
                <td class="small">{a.detail ? summarise(a.detail) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const summarise = (d: any) =>
  Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' · ')
    .slice(0, 200);
