// Typed bulletins: text to speech (hub/tts).
import { def } from './message.ts';

export const TTS_TEXT = {
  // ---- typed bulletins: text to speech (hub/tts) ----
  'tts.empty': def(
    () => 'the bulletin text is empty: type what the speakers should say',
    () => 'Nội dung bản tin đang trống: hãy nhập nội dung cần đọc trên loa.',
  ),
  'tts.too-long': def(
    (p: { chars: number; max: number; minutes: number }) =>
      `the text is too long: ${p.chars} characters, at most ${p.max} (about ${p.minutes} minutes of speech); split it into several bulletins`,
    (p) =>
      `Nội dung quá dài: ${p.chars} ký tự, tối đa ${p.max} ký tự (khoảng ${p.minutes} phút đọc). Hãy chia thành nhiều bản tin.`,
  ),
  'tts.engine-missing': def(
    (p: { program: string }) =>
      `the text-to-speech engine (${p.program}) is not installed on the hub; an administrator must install it (see the README)`,
    (p) =>
      `Máy chủ chưa cài bộ chuyển văn bản thành giọng nói (${p.program}). Người quản trị cần cài đặt (xem hướng dẫn README), sau đó thử lại.`,
  ),
  'tts.engine-failed': def(
    (p: { program: string }) =>
      `the text-to-speech engine (${p.program}) failed to read the text; try again, and if it keeps failing tell an administrator (the details are in the audit log)`,
    (p) =>
      `Bộ chuyển văn bản thành giọng nói (${p.program}) bị lỗi khi đọc nội dung. Hãy thử lại; nếu vẫn lỗi, báo người quản trị (chi tiết kỹ thuật có trong nhật ký hệ thống).`,
  ),
  'tts.engine-timeout': def(
    (p: { program: string; seconds: number }) =>
      `the text-to-speech engine (${p.program}) took longer than ${p.seconds} s and was stopped; try a shorter text or tell an administrator`,
    (p) =>
      `Bộ chuyển văn bản thành giọng nói (${p.program}) chạy quá ${p.seconds} giây nên đã bị dừng. Hãy thử nội dung ngắn hơn hoặc báo người quản trị.`,
  ),
  'tts.engine-no-audio': def(
    (p: { program: string }) =>
      `the text-to-speech engine (${p.program}) finished without producing any audio; tell an administrator`,
    (p) =>
      `Bộ chuyển văn bản thành giọng nói (${p.program}) chạy xong nhưng không tạo ra âm thanh. Hãy báo người quản trị.`,
  ),
  'tts.not-from-text': def(
    (p: { id: number }) => `media ${p.id} was not made from text, so it cannot be regenerated`,
    (p) => `Tệp âm thanh số ${p.id} không được tạo từ văn bản nên không thể tạo lại.`,
  ),
} as const;
