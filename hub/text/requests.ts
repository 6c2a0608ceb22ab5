// Requests, HTTP, authorisation, users and areas.
import { def } from './message.ts';

export const ROLE_VI: Record<string, string> = {
  operator: 'cán bộ phường',
  approver: 'lãnh đạo phường',
  district: 'Phòng Văn hóa và Thông tin quận',
  admin: 'quản trị viên',
};
const roleVi = (r: string) => ROLE_VI[r] ?? r;
/** "a, b hoặc c" */
const orVi = (xs: string[]) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} hoặc ${xs[xs.length - 1]}`;

export const REQUEST_TEXT = {
  // ---- requests, HTTP, authorisation ----
  'request.invalid-body': def(
    (p: { issues: string; issuesVi: string }) => `invalid request body: ${p.issues}`,
    (p) => `Thông tin gửi lên chưa hợp lệ — ${p.issuesVi}.`,
  ),
  'request.invalid-query': def(
    (p: { issues: string; issuesVi: string }) => `invalid query: ${p.issues}`,
    (p) => `Tham số truy vấn chưa hợp lệ — ${p.issuesVi}.`,
  ),
  'request.invalid-json': def(
    (p: { detail: string }) => `request body is not valid JSON: ${p.detail}`,
    (p) => `Dữ liệu gửi lên không phải JSON hợp lệ: ${p.detail}`,
  ),
  'request.too-large': def(
    () => 'request body is larger than 1 MB',
    () => 'Dữ liệu gửi lên vượt quá 1 MB.',
  ),
  'http.no-route': def(
    (p: { method: string; path: string }) => `no route ${p.method} ${p.path}`,
    (p) => `Không có địa chỉ API ${p.method} ${p.path}.`,
  ),
  internal: def(
    () => 'internal error; see the hub log',
    () => 'Hệ thống gặp lỗi nội bộ; vui lòng báo quản trị viên (chi tiết trong nhật ký của máy chủ).',
  ),
  'auth.rate-limited': def(
    () => 'too many failed attempts; wait 5 minutes and try again',
    () => 'Đăng nhập sai quá nhiều lần; vui lòng chờ 5 phút rồi thử lại.',
  ),
  'auth.wrong-credentials': def(
    () => 'wrong username or password',
    () => 'Sai tên đăng nhập hoặc mật khẩu.',
  ),
  'auth.wrong-device-credentials': def(
    () => 'wrong device credentials',
    () => 'Sai thông tin xác thực của thiết bị.',
  ),
  'auth.login-required': def(
    () => 'log in first: send "Authorization: Bearer <token>" from POST /api/v1/auth/login',
    () => 'Vui lòng đăng nhập trước (gửi "Authorization: Bearer <token>" nhận từ POST /api/v1/auth/login).',
  ),
  'auth.session-expired': def(
    () => 'token is unknown or expired; log in again',
    () => 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.',
  ),
  'auth.role-forbidden': def(
    (p: { role: string; needs: string[] }) => `your role "${p.role}" may not do this (needs ${p.needs.join(' or ')})`,
    (p) =>
      `Vai trò của bạn (${roleVi(p.role)}) không được thực hiện thao tác này; chỉ ${orVi(p.needs.map(roleVi))} mới được thực hiện.`,
  ),

  // ---- users ----
  'user.bad-username': def(
    () => 'username must be 3-40 lowercase letters, digits, ".", "_" or "-"',
    () => 'Tên đăng nhập phải dài 3–40 ký tự, chỉ gồm chữ thường không dấu, chữ số, ".", "_" hoặc "-".',
  ),
  'user.password-too-short': def(
    () => 'password must be at least 8 characters',
    () => 'Mật khẩu phải có ít nhất 8 ký tự.',
  ),
  'user.bad-role': def(
    (p: { roles: string[] }) => `role must be one of ${p.roles.join(', ')}`,
    (p) => `Vai trò phải là một trong các vai trò: ${p.roles.map((r) => `${r} (${roleVi(r)})`).join(', ')}.`,
  ),
  'user.needs-area': def(
    (p: { role: string }) => `a ${p.role} needs an area`,
    (p) => `Tài khoản ${roleVi(p.role)} phải được gắn với một khu vực.`,
  ),
  'user.exists': def(
    (p: { username: string }) => `user "${p.username}" already exists`,
    (p) => `Tên đăng nhập "${p.username}" đã tồn tại.`,
  ),

  // ---- areas ----
  'area.not-found': def(
    (p: { path: string }) => `area "${p.path}" does not exist`,
    (p) => `Khu vực "${p.path}" không tồn tại.`,
  ),
  'area.outside-scope': def(
    (p: { path: string; scope: string | null }) => `area "${p.path}" is outside your area "${p.scope}"`,
    (p) => `Khu vực "${p.path}" nằm ngoài phạm vi phụ trách của bạn ("${p.scope}").`,
  ),
  'area.none': def(
    () => 'no areas exist yet',
    () => 'Chưa có khu vực nào.',
  ),
} as const;
