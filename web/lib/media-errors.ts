// Why an upload failed, in the UI's language. The hub sends the reason in both languages
// (error, errorVi); a record from before it did has only the English and its errorCode, so the
// Vietnamese then goes by the code.
import type { Lang } from './i18n.ts';

const BY_CODE_VI: Record<string, string> = {
  'not-audio': 'Tệp không phải âm thanh, hoặc không thuộc định dạng âm thanh mà hệ thống đọc được.',
  corrupt: 'Tệp âm thanh bị hỏng hoặc không đầy đủ.',
  'too-long': 'Bản ghi âm quá dài.',
  'too-short': 'Bản ghi âm quá ngắn.',
  silent: 'Bản ghi âm không có tiếng hoặc gần như không có tiếng.',
  'not-normalizable': 'Không thể chuẩn hóa độ lớn âm thanh của bản ghi; vui lòng gửi bản ghi âm đều hơn.',
  'ffmpeg-failed': 'Công cụ xử lý âm thanh bị lỗi; vui lòng báo quản trị viên.',
  timeout: 'Xử lý quá lâu; tệp có thể bị hỏng hoặc quá dài.',
  interrupted: 'Việc xử lý bị gián đoạn do hệ thống khởi động lại; vui lòng tải tệp lên lại.',
};

export function mediaErrorText(
  m: { error?: string | null; errorVi?: string | null; errorCode?: string | null },
  lang: Lang,
): string {
  const en = m.error ?? '';
  if (lang === 'en') return en;
  if (m.errorVi) return m.errorVi;
  const byCode = m.errorCode ? BY_CODE_VI[m.errorCode] : undefined;
  return byCode ?? (en ? `Xử lý tệp âm thanh bị lỗi: ${en}` : 'Xử lý tệp âm thanh bị lỗi.');
}
