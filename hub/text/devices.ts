// Devices and enrolment, areas created through the API.
import { def } from './message.ts';

/** What a slug names, in Vietnamese. */
const SLUG_WHAT_VI = { 'area slug': 'Mã khu vực (slug)', 'device id': 'Mã thiết bị' } as const;

export const DEVICE_TEXT = {
  // ---- devices and enrolment, areas created through the API ----
  'device.not-found': def(
    (p: { id: string }) => `device "${p.id}" does not exist`,
    (p) => `Thiết bị "${p.id}" không tồn tại.`,
  ),
  'device.exists': def(
    (p: { id: string }) => `device "${p.id}" already exists`,
    (p) => `Mã thiết bị "${p.id}" đã tồn tại.`,
  ),
  'device.decommissioned': def(
    (p: { id: string }) => `device "${p.id}" is decommissioned; register a new device instead`,
    (p) => `Thiết bị "${p.id}" đã ngừng sử dụng; hãy đăng ký thiết bị mới.`,
  ),
  'device.broker-refused': def(
    (p: { detail: string }) => `the MQTT broker could not be updated, nothing was changed there: ${p.detail}`,
    (p) => `Không cập nhật được máy chủ MQTT: ${p.detail}`,
  ),
  'area.outside-your-area': def(
    (p: { path: string }) => `area "${p.path}" is outside your area`,
    (p) => `Khu vực "${p.path}" nằm ngoài phạm vi phụ trách của bạn.`,
  ),
  'area.parent-not-found': def(
    (p: { path: string }) => `parent area "${p.path}" does not exist`,
    (p) => `Khu vực cấp trên "${p.path}" không tồn tại.`,
  ),
  'area.exists': def(
    (p: { path: string }) => `area "${p.path}" already exists`,
    (p) => `Khu vực "${p.path}" đã tồn tại.`,
  ),
  'area.code-invalid': def(
    (p: { code: string }) =>
      `administrative code "${p.code}" is not one: 2 digits for a province, 3 for a district, 5 for a ward or commune`,
    (p) => `Mã đơn vị hành chính "${p.code}" không hợp lệ: tỉnh 2 chữ số, quận/huyện 3 chữ số, phường/xã 5 chữ số.`,
  ),
  'area.code-taken': def(
    (p: { code: string; path: string }) => `administrative code ${p.code} is already the code of area "${p.path}"`,
    (p) => `Mã đơn vị hành chính ${p.code} đã được gán cho khu vực "${p.path}".`,
  ),
  'enrol.token-unknown': def(
    () => 'enrolment token is unknown or already used',
    () => 'Mã đăng ký thiết bị không đúng hoặc đã được sử dụng.',
  ),
  'enrol.token-expired': def(
    () => 'enrolment token has expired; ask the district office for a new one',
    () => 'Mã đăng ký thiết bị đã hết hạn; vui lòng đề nghị Phòng Văn hóa và Thông tin quận cấp mã mới.',
  ),
  'enrol.in-progress': def(
    () => 'an enrolment with this token is still being completed; try again in a few seconds',
    () => 'Thiết bị đang được đăng ký bằng mã này; vui lòng thử lại sau vài giây.',
  ),
  'enrol.bad-proof': def(
    () => 'proof is not a signature of the token with the private key of publicKey',
    () => 'Chữ ký (proof) không phải chữ ký của mã đăng ký bằng khóa bí mật tương ứng với publicKey.',
  ),
  'enrol.bad-public-key': def(
    (p: { detail: string }) => `publicKey is not an Ed25519 public key: ${p.detail}`,
    (p) => `Khóa công khai (publicKey) không phải khóa Ed25519 hợp lệ: ${p.detail}`,
  ),
  'geojson.wrong-content-type': def(
    () => 'send the GeoJSON with content-type application/geo+json (up to 32 MB) or application/json (up to 1 MB)',
    () =>
      'Vui lòng gửi GeoJSON với content-type application/geo+json (tối đa 32 MB) hoặc application/json (tối đa 1 MB).',
  ),
  'geojson.too-large': def(
    (p: { mb: number }) => `request body is larger than ${p.mb} MB; simplify the outlines or import them in parts`,
    (p) => `Dữ liệu gửi lên vượt quá ${p.mb} MB; vui lòng đơn giản hóa đường ranh giới hoặc nhập thành nhiều phần.`,
  ),
  'slug.invalid': def(
    (p: { what: keyof typeof SLUG_WHAT_VI; value: string }) =>
      `${p.what} "${p.value}" is not a valid slug (lowercase letters, digits and inner hyphens, 1-64 characters)`,
    (p) =>
      `${SLUG_WHAT_VI[p.what]} "${p.value}" không hợp lệ (chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang ở giữa, dài 1–64 ký tự).`,
  ),
  'area.too-deep': def(
    (p: { path: string; max: number }) => `area path "${p.path}" must have 1-${p.max} levels`,
    (p) => `Đường dẫn khu vực "${p.path}" chỉ được có từ 1 đến ${p.max} cấp.`,
  ),
} as const;
