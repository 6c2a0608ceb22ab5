// Campaigns (chuyên đề): their period, target, areas and the bulletins tagged with them.
import { def } from './message.ts';

export const CAMPAIGN_TEXT = {
  'campaign.bad-date': def(
    (p: { text: string }) => `"${p.text}" is not a date: write yyyy-mm-dd (a day in Vietnam)`,
    (p) => `"${p.text}" không phải ngày hợp lệ: viết theo dạng yyyy-mm-dd (ngày theo giờ Việt Nam).`,
  ),
  'campaign.bad-period': def(
    (p: { from: string; to: string }) => `the period ends (${p.to}) before it starts (${p.from})`,
    (p) => `Thời gian chuyên đề kết thúc (${p.to}) trước khi bắt đầu (${p.from}).`,
  ),
  'campaign.period-too-long': def(
    () => 'a campaign lasts at most 2 years',
    () => 'Một chuyên đề kéo dài tối đa 2 năm.',
  ),
  'campaign.needs-area': def(
    () => 'a campaign covers at least one area',
    () => 'Chuyên đề phải áp dụng cho ít nhất một địa bàn.',
  ),
  'campaign.not-found': def(
    (p: { id: string }) => `campaign ${p.id} not found`,
    (p) => `Không tìm thấy chuyên đề số ${p.id}.`,
  ),
  'campaign.not-yours': def(
    (p: { id: number }) => `campaign ${p.id} covers areas outside your scope: only who covers them all may change it`,
    (p) => `Chuyên đề số ${p.id} có địa bàn ngoài phạm vi của bạn: chỉ cấp quản lý toàn bộ địa bàn đó được sửa.`,
  ),
  'campaign.tag-unknown': def(
    (p: { id: number }) => `campaign ${p.id} does not exist or is not visible to you`,
    (p) => `Chuyên đề số ${p.id} không tồn tại hoặc bạn không có quyền xem.`,
  ),
  'campaign.tag-archived': def(
    (p: { name: string }) => `campaign "${p.name}" is archived: a bulletin can no longer be tagged with it`,
    (p) => `Chuyên đề "${p.name}" đã lưu trữ: không thể gắn thêm bản tin.`,
  ),
  'campaign.tag-no-overlap': def(
    (p: { name: string; areas: string }) =>
      `campaign "${p.name}" covers ${p.areas}, none of which this bulletin reaches: choose targets in its areas or another campaign`,
    (p) =>
      `Chuyên đề "${p.name}" áp dụng cho ${p.areas}, bản tin này không phát tới địa bàn nào trong đó: chọn nơi phát thuộc chuyên đề hoặc chuyên đề khác.`,
  ),
} as const;
