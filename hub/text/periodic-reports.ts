// Periodic reports (báo cáo tháng / quý / năm): generating, signing off and revising them.
import { def } from './message.ts';

export const PERIODIC_REPORT_TEXT = {
  'periodic-report.kind-mismatch': def(
    (p: { period: string; kind: string }) =>
      `period "${p.period}" is not a ${p.kind}: write 2026-11 for a month, 2026-Q4 for a quarter, 2026 for a year`,
    (p) =>
      `Kỳ "${p.period}" không phải kỳ ${p.kind === 'month' ? 'tháng' : p.kind === 'quarter' ? 'quý' : 'năm'}: viết 2026-11 cho tháng, 2026-Q4 cho quý, 2026 cho năm.`,
  ),
  'periodic-report.not-started': def(
    (p: { period: string }) => `period ${p.period} has not started yet: there is nothing to report`,
    (p) => `Kỳ ${p.period} chưa bắt đầu: chưa có gì để báo cáo.`,
  ),
  'periodic-report.not-found': def(
    (p: { id: string }) => `periodic report ${p.id} not found`,
    (p) => `Không tìm thấy báo cáo định kỳ số ${p.id}.`,
  ),
  'periodic-report.area-level': def(
    (p: { path: string; level: string }) =>
      `area ${p.path} is a ${p.level}: periodic reports are made for a ward or a district`,
    (p) => `Địa bàn ${p.path} (cấp ${p.level}) không lập báo cáo định kỳ: chỉ phường/xã hoặc quận/huyện lập báo cáo.`,
  ),
  'periodic-report.already-signed': def(
    (p: { id: number; signedBy: string; signedAt: string }) =>
      `report ${p.id} was already signed by ${p.signedBy} at ${p.signedAt}: it is kept as signed; to correct it, make a revision`,
    (p) =>
      `Báo cáo số ${p.id} đã được ${p.signedBy} ký duyệt lúc ${p.signedAt}: báo cáo được giữ nguyên; muốn sửa, hãy lập bản điều chỉnh.`,
  ),
  'periodic-report.signed-regenerate': def(
    (p: { id: number }) =>
      `the report for this area and period is signed (report ${p.id}): it is never regenerated; make a revision to correct it`,
    (p) => `Báo cáo của địa bàn và kỳ này đã ký duyệt (số ${p.id}): không tạo lại; muốn sửa, hãy lập bản điều chỉnh.`,
  ),
  'periodic-report.stale-document': def(
    (p: { id: number }) =>
      `report ${p.id} changed since you read it (it was regenerated): read it again before signing`,
    (p) => `Báo cáo số ${p.id} đã thay đổi sau khi bạn đọc (đã được tạo lại): vui lòng đọc lại trước khi ký.`,
  ),
  'periodic-report.revise-not-signed': def(
    (p: { id: number; status: string }) =>
      `report ${p.id} is ${p.status}: only the signed, current version of a report is revised`,
    (p) =>
      `Báo cáo số ${p.id} đang ở trạng thái "${p.status === 'draft' ? 'bản nháp' : 'đã được thay thế'}": chỉ lập bản điều chỉnh cho bản đã ký đang có hiệu lực.`,
  ),
  'periodic-report.revision-open': def(
    (p: { id: number }) => `a revision of this report is already open (report ${p.id}): sign or regenerate that one`,
    (p) => `Đã có bản điều chỉnh đang soạn cho báo cáo này (số ${p.id}): hãy ký hoặc tạo lại bản đó.`,
  ),
  'periodic-report.pdf-only-signed': def(
    (p: { id: number }) => `report ${p.id} is signed but has no stored PDF`,
    (p) => `Báo cáo số ${p.id} đã ký nhưng không có tệp PDF lưu trữ.`,
  ),
} as const;
