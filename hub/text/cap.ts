// Emergency alerts in CAP 1.2 (hub/cap): what an import refuses, and why.
import { def } from './message.ts';

export const CAP_TEXT = {
  'cap.malformed': def(
    (p: { detail: string }) => `the file is not well-formed XML, so it is not a CAP alert: ${p.detail}`,
    (p) => `Tệp không phải XML hợp lệ nên không phải cảnh báo CAP: ${p.detail}`,
  ),
  'cap.doctype': def(
    () =>
      'the file declares a DOCTYPE, which CAP alerts never do; it is refused so that no entity it defines is expanded',
    () =>
      'Tệp có khai báo DOCTYPE, điều mà cảnh báo CAP không bao giờ dùng; tệp bị từ chối để không mở rộng thực thể nào trong đó.',
  ),
  'cap.too-large': def(
    (p: { what: string; bytes: number }) => `${p.what} is larger than ${p.bytes} bytes: not a CAP alert the hub reads`,
    (p) => `${p.what} lớn hơn ${p.bytes} byte: không phải cảnh báo CAP mà hệ thống đọc.`,
  ),
  'cap.not-cap12': def(
    (p: { found: string }) =>
      `this is not a CAP 1.2 alert: the root must be <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">, found ${p.found}`,
    (p) =>
      `Đây không phải cảnh báo CAP 1.2: phần tử gốc phải là <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">, nhưng tệp có ${p.found}`,
  ),
  'cap.invalid': def(
    (p: { problems: string; problemsVi: string }) => `the CAP alert is incomplete or wrong: ${p.problems}`,
    (p) => `Cảnh báo CAP thiếu hoặc sai thông tin: ${p.problemsVi}`,
  ),
  'cap.expired': def(
    (p: { expires: string }) => `the alert expired at ${p.expires}: nothing to broadcast`,
    (p) => `Cảnh báo đã hết hiệu lực lúc ${p.expires}: không còn gì để phát.`,
  ),
  'cap.not-actual': def(
    (p: { status: string }) =>
      `the alert's status is ${p.status}, not Actual: exercises, tests, system messages and drafts are never imported as emergencies`,
    (p) =>
      `Cảnh báo có trạng thái ${p.status}, không phải Actual (thật): bản diễn tập, thử nghiệm, tin hệ thống và bản nháp không bao giờ được nhập làm tin khẩn cấp.`,
  ),
  'cap.unknown-reference': def(
    (p: { msgType: string; references: string }) =>
      `this ${p.msgType} refers to an alert the hub has not imported (${p.references}); import the original first`,
    (p) =>
      `Bản ${p.msgType === 'Cancel' ? 'hủy' : 'cập nhật'} này tham chiếu cảnh báo chưa được nhập (${p.references}). Hãy nhập cảnh báo gốc trước.`,
  ),
  'cap.no-references': def(
    (p: { msgType: string }) => `a CAP ${p.msgType} must name the alert it refers to in <references>`,
    (p) => `Bản CAP ${p.msgType} phải ghi cảnh báo gốc trong <references>.`,
  ),
  'cap.unsupported-msgtype': def(
    (p: { msgType: string }) => `a CAP ${p.msgType} message is not imported: only Alert, Update and Cancel are`,
    (p) => `Không nhập bản CAP loại ${p.msgType}: chỉ nhập Alert, Update và Cancel.`,
  ),
  'cap.no-content': def(
    () => 'the alert has neither a headline, a description nor an audio resource: nothing to broadcast',
    () => 'Cảnh báo không có tiêu đề, mô tả hay tệp âm thanh: không có gì để phát.',
  ),
  'cap.not-a-draft': def(
    (p: { id: string }) => `broadcast ${p.id} is not an imported CAP alert`,
    (p) => `Bản tin ${p.id} không phải cảnh báo CAP đã nhập.`,
  ),
  'cap.needs-areas': def(
    () => "none of the alert's areas matched an area of the hub: choose the areas to broadcast to before confirming",
    () => 'Không khu vực nào trong cảnh báo khớp với khu vực của hệ thống: hãy chọn khu vực phát trước khi phê duyệt.',
  ),
  'cap.audio-unavailable': def(
    (p: { reason: string; reasonVi: string }) => `no audio: ${p.reason}; only the LED text will be shown`,
    (p) => `Không có âm thanh: ${p.reasonVi}. Chỉ hiển thị chữ trên bảng LED.`,
  ),
  'cap.resource-failed': def(
    (p: { url: string; detail: string }) => `the alert's audio could not be downloaded from ${p.url}: ${p.detail}`,
    (p) => `Không tải được âm thanh của cảnh báo từ ${p.url}: ${p.detail}`,
  ),
  'cap.feed-failed': def(
    (p: { url: string; detail: string }) => `the CAP feed ${p.url} could not be read: ${p.detail}`,
    (p) => `Không đọc được nguồn cảnh báo CAP ${p.url}: ${p.detail}`,
  ),
  'cap.confirm-here': def(
    (p: { id: string }) =>
      `broadcast ${p.id} is an imported CAP alert: confirm it with POST /api/v1/cap/drafts/${p.id}/confirm (district office or admin), which checks its areas and audio`,
    (p) =>
      `Bản tin ${p.id} là cảnh báo CAP đã nhập: cấp quận hoặc quản trị phê duyệt ở mục "Nhập cảnh báo CAP" trên trang Khẩn cấp (kiểm tra khu vực và âm thanh trước khi phát).`,
  ),
  'cap.import-account': def(
    (p: { username: string }) =>
      `cap.importAs "${p.username}" must name an existing district or admin account: polled alerts are filed under it`,
    (p) =>
      `Cấu hình cap.importAs "${p.username}" phải là tài khoản cấp quận hoặc quản trị đang tồn tại: cảnh báo đọc từ nguồn được ghi dưới tên tài khoản này.`,
  ),
} as const;
