// The calendar of anniversaries and bulletins on lunar dates.
import { def } from './message.ts';

export const CALENDAR_TEXT = {
  'calendar.bad-month': def(
    (p: { month: number }) => `month ${p.month} is not 1–12`,
    (p) => `Tháng ${p.month} không hợp lệ (phải từ 1 đến 12).`,
  ),
  'calendar.bad-solar-day': def(
    (p: { day: number; month: number }) => `there is no day ${p.day} in month ${p.month}`,
    (p) => `Tháng ${p.month} dương lịch không có ngày ${p.day}.`,
  ),
  'calendar.bad-lunar-day': def(
    (p: { day: number }) => `lunar day ${p.day} is not 1–30 (a lunar month has 29 or 30 days)`,
    (p) => `Ngày ${p.day} âm lịch không hợp lệ (tháng âm lịch có 29 hoặc 30 ngày).`,
  ),
  'calendar.not-found': def(
    (p: { id: string }) => `anniversary ${p.id} not found`,
    (p) => `Không tìm thấy ngày kỷ niệm số ${p.id}.`,
  ),
  'calendar.national': def(
    () => 'national days are kept by an administrator; a district adds and removes its own',
    () => 'Các ngày lễ toàn quốc do quản trị viên quản lý; quận/huyện chỉ thêm, xóa ngày kỷ niệm của địa phương mình.',
  ),
  'calendar.bad-window': def(
    (p: { days: string }) => `days=${p.days}: give a whole number of days from 1 to 400`,
    (p) => `days=${p.days}: số ngày phải là số nguyên từ 1 đến 400.`,
  ),
  'calendar.bad-range': def(
    (p: { from: string; to: string }) =>
      `from=${p.from}&to=${p.to}: give two dates as yyyy-mm-dd, the second not before the first and at most 400 days on`,
    (p) =>
      `from=${p.from}&to=${p.to}: cần hai ngày dạng yyyy-mm-dd, ngày sau không trước ngày đầu và cách nhau tối đa 400 ngày.`,
  ),
  'calendar.lunar-range': def(
    (p: { year: number }) => `the lunar calendar is reckoned for 1968–2100; ${p.year} is outside`,
    (p) => `Lịch âm chỉ tính cho các năm 1968–2100; năm ${p.year} nằm ngoài khoảng này.`,
  ),
  'lunar.both': def(
    () => 'give either rrule or lunar (a recurrence on a lunar date), not both',
    () => 'Chỉ chọn một kiểu lặp lại: theo quy tắc RRULE hoặc theo ngày âm lịch, không dùng cả hai.',
  ),
  'lunar.bad-time': def(
    (p: { text: string }) => `lunar.time "${p.text}" is not a time like 06:30 (Vietnam time, 24-hour)`,
    (p) => `Giờ phát "${p.text}" không đúng dạng, ví dụ 06:30 (giờ Việt Nam, 24 giờ).`,
  ),
  'lunar.bad-years': def(
    (p: { from: number; until: number }) =>
      `lunar years ${p.from}–${p.until}: give a first and last lunar year within 1968–2100, at most 20 years`,
    (p) => `Năm âm lịch ${p.from}–${p.until}: chọn năm đầu và năm cuối trong khoảng 1968–2100, tối đa 20 năm.`,
  ),
  'lunar.dates-edited': def(
    () =>
      `the dates of a lunar recurrence do not match its ${'X-WARDCAST-LUNAR'} line; send the lunar rule ({ "lunar": { … } }) instead of editing them`,
    () =>
      'Các ngày phát của lịch lặp theo âm lịch không khớp với quy tắc âm lịch của nó; vui lòng gửi lại quy tắc âm lịch thay vì sửa ngày.',
  ),
} as const;
