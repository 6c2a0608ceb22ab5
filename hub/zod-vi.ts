// Request validation problems in Vietnamese, issue by issue, for the "errorVi" of a 400: the same
// issues describeZodError (protocol/schemas.ts) lists in English, translated by zod issue code.
// Messages set with zodMessage (hub/text/) bring their own Vietnamese; a custom message
// without one stays in English.
import type { z } from 'zod';
import { zodMessageVi } from './text/index.ts';

/** Field names as an official knows them; other keys are shown as they are. */
const FIELD_VI: Record<string, string> = {
  title: 'Tiêu đề',
  geometry: 'Đường ranh giới',
  mediaId: 'Tệp âm thanh',
  led: 'Thông điệp LED',
  pages: 'Trang',
  lines: 'Dòng',
  mode: 'Kiểu hiển thị',
  seconds: 'Số giây',
  priority: 'Mức độ',
  volume: 'Âm lượng',
  targets: 'Nơi phát',
  areas: 'Khu vực',
  devices: 'Thiết bị',
  startsAt: 'Thời điểm phát',
  rrule: 'Lịch lặp lại',
  displaySeconds: 'Thời gian hiển thị',
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  displayName: 'Tên hiển thị',
  role: 'Vai trò',
  areaPath: 'Khu vực',
  area: 'Khu vực',
  path: 'Khu vực',
  parentPath: 'Khu vực cấp trên',
  reason: 'Lý do',
  start: 'Giờ bắt đầu',
  end: 'Giờ kết thúc',
  note: 'Ghi chú',
  decision: 'Quyết định',
  conflictsWith: 'Bản tin trùng giờ',
  name: 'Tên',
  days: 'Số ngày',
  from: 'Từ',
  to: 'Đến',
  period: 'Kỳ báo cáo',
  format: 'Định dạng',
  limit: 'Số dòng',
  status: 'Trạng thái',
  kind: 'Loại thiết bị',
  level: 'Cấp',
  latitude: 'Vĩ độ',
  longitude: 'Kinh độ',
  address: 'Địa chỉ',
  text: 'Nội dung',
  regenerates: 'Bản đọc cần tạo lại',
};

/** Custom messages of schemas in protocol/ (which has no Vietnamese of its own). */
export const KNOWN_VI: Record<string, string> = {
  'must be a lowercase slug': 'chỉ được gồm chữ thường không dấu, chữ số và dấu gạch ngang',
  'must be a lowercase hex sha256': 'phải là mã sha256 gồm 64 ký tự thập lục phân viết thường',
  'an item needs media, an LED message or a relay': 'mỗi mục cần có tệp âm thanh, thông điệp LED hoặc nguồn tiếp âm',
};

const TYPE_VI: Record<string, string> = {
  string: 'chuỗi ký tự',
  number: 'số',
  int: 'số nguyên',
  bigint: 'số nguyên',
  boolean: 'giá trị đúng/sai (true/false)',
  array: 'danh sách',
  object: 'đối tượng',
  date: 'ngày',
  null: 'null',
  undefined: 'để trống',
  record: 'đối tượng',
  tuple: 'danh sách',
  map: 'đối tượng',
  set: 'danh sách',
  file: 'tệp',
};

const FORMAT_VI: Record<string, string> = {
  email: 'địa chỉ email',
  url: 'địa chỉ URL',
  uuid: 'mã UUID',
  guid: 'mã GUID',
  datetime: 'ngày giờ ISO 8601',
  date: 'ngày (YYYY-MM-DD)',
  time: 'giờ (HH:MM)',
  duration: 'khoảng thời gian ISO 8601',
  ipv4: 'địa chỉ IPv4',
  ipv6: 'địa chỉ IPv6',
  base64: 'chuỗi base64',
  base64url: 'chuỗi base64url',
  jwt: 'mã JWT',
};

const value = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));

/** "Thông điệp LED › Trang 1 › Dòng 2" for ["led", "pages", 0, "lines", 1]. */
export function fieldVi(path: readonly PropertyKey[]): string {
  const out: string[] = [];
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (out.length) out[out.length - 1] += ` ${seg + 1}`;
      else out.push(`Mục ${seg + 1}`);
    } else out.push(FIELD_VI[String(seg)] ?? String(seg));
  }
  return out.join(' › ');
}

/** One issue's problem in Vietnamese (without the field name). */
export function issueVi(issue: z.core.$ZodIssue): string {
  const own = zodMessageVi(issue.message)?.vi ?? KNOWN_VI[issue.message];
  if (own) return own;
  switch (issue.code) {
    case 'invalid_type': {
      const missing = ('input' in issue && issue.input === undefined) || /received undefined$/.test(issue.message);
      if (missing) return 'bắt buộc phải có';
      return `phải là ${TYPE_VI[issue.expected] ?? issue.expected}`;
    }
    case 'too_small': {
      const n = issue.minimum;
      const exact = issue.exact;
      switch (issue.origin) {
        case 'string':
          if (exact) return `phải có đúng ${n} ký tự`;
          return Number(n) <= 1 && issue.inclusive !== false ? 'không được để trống' : `phải có ít nhất ${n} ký tự`;
        case 'array':
        case 'set':
          if (exact) return `phải có đúng ${n} mục`;
          return Number(n) <= 1 && issue.inclusive !== false ? 'phải có ít nhất một mục' : `phải có ít nhất ${n} mục`;
        case 'file':
          return `phải có dung lượng ít nhất ${n} byte`;
        case 'date':
          return `không được sớm hơn ${new Date(Number(n)).toISOString()}`;
        default:
          return issue.inclusive === false ? `phải lớn hơn ${n}` : `phải lớn hơn hoặc bằng ${n}`;
      }
    }
    case 'too_big': {
      const n = issue.maximum;
      const exact = issue.exact;
      switch (issue.origin) {
        case 'string':
          return exact ? `phải có đúng ${n} ký tự` : `không được dài quá ${n} ký tự`;
        case 'array':
        case 'set':
          return exact ? `phải có đúng ${n} mục` : `chỉ được có tối đa ${n} mục`;
        case 'file':
          return `không được lớn hơn ${n} byte`;
        case 'date':
          return `không được muộn hơn ${new Date(Number(n)).toISOString()}`;
        default:
          return issue.inclusive === false ? `phải nhỏ hơn ${n}` : `không được lớn hơn ${n}`;
      }
    }
    case 'invalid_format': {
      const f = issue as z.core.$ZodStringFormatIssues;
      switch (f.format) {
        case 'regex':
          return 'không đúng định dạng yêu cầu';
        case 'starts_with':
          return `phải bắt đầu bằng "${f.prefix}"`;
        case 'ends_with':
          return `phải kết thúc bằng "${f.suffix}"`;
        case 'includes':
          return `phải chứa "${f.includes}"`;
        default:
          return `không phải ${FORMAT_VI[f.format] ?? `định dạng ${f.format}`} hợp lệ`;
      }
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `phải là ${value(issue.values[0])}`
        : `phải là một trong các giá trị: ${issue.values.map(value).join(', ')}`;
    case 'unrecognized_keys':
      return `có trường không được phép: ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'not_multiple_of':
      return `phải là bội số của ${issue.divisor}`;
    case 'invalid_union':
      return 'không khớp với dạng dữ liệu nào được chấp nhận';
    case 'invalid_key':
      return 'có khóa không hợp lệ';
    case 'invalid_element':
      return 'có phần tử không hợp lệ';
    case 'custom': {
      const vi = issue.params?.vi;
      return typeof vi === 'string' && vi ? vi : issue.message;
    }
    default:
      return (issue as { message: string }).message;
  }
}

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);

/** Like describeZodError: the first five issues, each with its field, in Vietnamese. */
export function describeZodErrorVi(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const text = issueVi(i).replace(/\.$/, '');
      return i.path.length ? `${fieldVi(i.path)}: ${text}` : capitalise(text);
    })
    .join('; ');
}
