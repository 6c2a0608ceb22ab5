// The district's built-in emergency messages (the Emergency page's templates).
import type { LedPageInput } from './led-layout.ts';

// Each line fits a 192×32 board (the demo's, and a common size) in the 5×7 Vietnamese font: at most
// 184 dots wide (send-check.test.ts checks them against it); the page also checks them
// against every display the fleet reported.
export const TEMPLATES: Array<{ id: string; vi: string; en: string; title: string; pages: LedPageInput[] }> = [
  {
    id: 'storm',
    vi: 'Bão',
    en: 'Storm',
    title: 'Khẩn cấp: bão đổ bộ',
    pages: [{ lines: ['KHẨN CẤP: BÃO ĐỔ BỘ', 'Chằng chống nhà, hạn chế ra đường'], mode: 'flash', seconds: 8 }],
  },
  {
    id: 'flood',
    vi: 'Ngập lụt',
    en: 'Flood',
    title: 'Khẩn cấp: ngập lụt',
    pages: [{ lines: ['KHẨN CẤP: NGẬP LỤT', 'Tránh vùng trũng, kê đồ lên cao'], mode: 'flash', seconds: 8 }],
  },
  {
    id: 'fire',
    vi: 'Cháy',
    en: 'Fire',
    title: 'Khẩn cấp: cháy',
    pages: [{ lines: ['KHẨN CẤP: CÓ CHÁY', 'Sơ tán theo hướng dẫn, gọi 114'], mode: 'flash', seconds: 8 }],
  },
  {
    id: 'epidemic',
    vi: 'Dịch bệnh',
    en: 'Epidemic',
    title: 'Khẩn cấp: dịch bệnh',
    pages: [{ lines: ['KHẨN CẤP: DỊCH BỆNH', 'Khai báo y tế, đeo khẩu trang'], mode: 'hold', seconds: 8 }],
  },
];
