// Date-times and recurrence rules.
import { def } from './message.ts';

export const TIME_TEXT = {
  // ---- date-times and recurrence ----
  'time.bad-format': def(
    (p: { text: string }) =>
      `"${p.text}" is not a date-time like 2026-11-24T06:00 (Asia/Ho_Chi_Minh) or 2026-11-23T23:00:00Z`,
    (p) => `"${p.text}" không đúng dạng ngày giờ, ví dụ 2026-11-24T06:00 (giờ Việt Nam) hoặc 2026-11-23T23:00:00Z.`,
  ),
  'time.invalid': def(
    (p: { text: string }) => `"${p.text}" is not a valid date-time`,
    (p) => `Ngày giờ "${p.text}" không hợp lệ (tháng, ngày, giờ hoặc phút vượt quá giới hạn).`,
  ),
  'rrule.other-tzid': def(
    () => 'recurrence times are Asia/Ho_Chi_Minh; remove other TZID values',
    () => 'Lịch lặp lại tính theo giờ Việt Nam (Asia/Ho_Chi_Minh); vui lòng bỏ các giá trị TZID khác.',
  ),
  'rrule.needs-dtstart': def(
    () => 'recurrence needs a DTSTART line, e.g. DTSTART:20261124T000000',
    () => 'Lịch lặp lại cần một dòng DTSTART, ví dụ DTSTART:20261124T000000.',
  ),
  'rrule.needs-rrule': def(
    () => 'recurrence needs at least one RRULE line, e.g. RRULE:FREQ=DAILY;COUNT=7;BYHOUR=6;BYMINUTE=0',
    () => 'Lịch lặp lại cần ít nhất một dòng RRULE, ví dụ RRULE:FREQ=DAILY;COUNT=7;BYHOUR=6;BYMINUTE=0.',
  ),
  'rrule.dtstart-utc': def(
    () => 'write DTSTART in Vietnam wall time without Z',
    () => 'Vui lòng ghi DTSTART theo giờ Việt Nam, không có chữ Z ở cuối.',
  ),
  'rrule.invalid': def(
    (p: { detail: string }) => `recurrence rule is not valid iCalendar: ${p.detail}`,
    (p) => `Lịch lặp lại không đúng định dạng iCalendar: ${p.detail}`,
  ),
  'rrule.unbounded': def(
    () => 'every RRULE needs COUNT or UNTIL so the broadcast ends',
    () => 'Mỗi dòng RRULE cần có COUNT hoặc UNTIL để lịch phát có điểm kết thúc.',
  ),
  'rrule.empty': def(
    () => 'recurrence produces no occurrences',
    () => 'Lịch lặp lại không tạo ra lần phát nào.',
  ),
  'rrule.too-many': def(
    (p: { max: number }) => `recurrence produces more than ${p.max} occurrences`,
    (p) => `Lịch lặp lại tạo ra hơn ${p.max} lần phát; vui lòng rút ngắn khoảng thời gian.`,
  ),
} as const;
