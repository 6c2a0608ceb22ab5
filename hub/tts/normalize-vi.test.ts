// What a listener in the street should hear for what an official typed.
import { describe, expect, it } from 'vitest';
import { normalizeVietnamese as say } from './normalize-vi.ts';
import { readDigits, readNumber } from './numbers-vi.ts';

const cases = (rows: Array<[typed: string, heard: string]>) =>
  it.each(rows)('%s', (typed, heard) => expect(say(typed)).toBe(heard));

describe('numbers', () => {
  it('reads whole numbers the northern broadcast way', () => {
    expect(readNumber('0')).toBe('không');
    expect(readNumber('5')).toBe('năm');
    expect(readNumber('15')).toBe('mười lăm');
    expect(readNumber('21')).toBe('hai mươi mốt');
    expect(readNumber('24')).toBe('hai mươi tư');
    expect(readNumber('105')).toBe('một trăm linh năm');
    expect(readNumber('110')).toBe('một trăm mười');
    expect(readNumber('2005')).toBe('hai nghìn không trăm linh năm');
    expect(readNumber('1000000')).toBe('một triệu');
    expect(readNumber('1500000000')).toBe('một tỷ năm trăm triệu');
    expect(readNumber('3,5')).toBe('ba phẩy năm');
    expect(() => readNumber('12a')).toThrow(/not a number/);
  });
  it('reads digits one by one', () => expect(readDigits('0912')).toBe('không chín một hai'));
  cases([
    ['Có 25 hộ gia đình', 'Có hai mươi lăm hộ gia đình'],
    ['Hỗ trợ 1.500.000 đồng mỗi hộ', 'Hỗ trợ một triệu năm trăm nghìn đồng mỗi hộ'],
    ['Phí 50.000đ/tháng', 'Phí năm mươi nghìn đồng một tháng'],
    ['Giá 25.000 đồng/kg', 'Giá hai mươi lăm nghìn đồng một ki lô gam'],
    ['20 suất/người', 'hai mươi suất một người'],
    ['Tăng 3,5% so với năm trước', 'Tăng ba phẩy năm phần trăm so với năm trước'],
    ['Gạo 2.5 kg một suất', 'Gạo hai phẩy năm ki lô gam một suất'],
    ['Diện tích 120 m2', 'Diện tích một trăm hai mươi mét vuông'],
    ['Lượng mưa 150 mm', 'Lượng mưa một trăm năm mươi mi li mét'],
    ['Nhiệt độ xuống -2°C', 'Nhiệt độ xuống âm hai độ C'],
    ['Tốc độ tối đa 40 km/h', 'Tốc độ tối đa bốn mươi ki lô mét một giờ'],
    ['Năm 2026.', 'Năm hai nghìn không trăm hai mươi sáu.'],
    ['Tổ 05', 'Tổ năm'],
    ['Nghỉ 5-7 ngày', 'Nghỉ năm đến bảy ngày'],
    ['Nhà số 14A', 'Nhà số mười bốn A'],
    ['1 tỷ đồng', 'một tỷ đồng'],
  ]);
});

describe('dates', () => {
  cases([
    ['30/4/2026', 'ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu'],
    ['Ngày 30/4/2026', 'Ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu'],
    ['ngày 01/05/2026', 'ngày một tháng năm năm hai nghìn không trăm hai mươi sáu'],
    ['hạn chót 15-12-2026', 'hạn chót ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
    ['ký ngày 2.9.2025', 'ký ngày hai tháng chín năm hai nghìn không trăm hai mươi lăm'],
    ['dịp 2/9', 'dịp ngày hai tháng chín'],
    ['mùng 2/9', 'mùng hai tháng chín'],
    ['tháng 4/2026', 'tháng tư năm hai nghìn không trăm hai mươi sáu'],
    ['trong 12/2026', 'trong tháng mười hai năm hai nghìn không trăm hai mươi sáu'],
    ['tháng 4 này', 'tháng tư này'],
    ['tháng 11', 'tháng mười một'],
    ['thứ 4 hằng tuần', 'thứ tư hằng tuần'],
    ['Thứ 7 và CN', 'Thứ bảy và chủ nhật'],
    ['lần thứ 1', 'lần thứ nhất'],
    ['T2 đến T6', 'thứ hai đến thứ sáu'],
    ['T2-T6', 'thứ hai đến thứ sáu'],
    // Not a date: no such day or month.
    ['tỷ lệ 45/50', 'tỷ lệ bốn mươi lăm năm mươi'],
  ]);
});

describe('times', () => {
  cases([
    ['17:30', 'mười bảy giờ ba mươi phút'],
    ['17h30', 'mười bảy giờ ba mươi phút'],
    ["17h30'", 'mười bảy giờ ba mươi phút'],
    ['lúc 7h sáng', 'lúc bảy giờ sáng'],
    ['07:05', 'bảy giờ năm phút'],
    ['17h00', 'mười bảy giờ'],
    ['17:00', 'mười bảy giờ'],
    ['06:00:30', 'sáu giờ ba mươi giây'],
    ['20 giờ 15', 'hai mươi giờ mười lăm'],
    ['từ 7h-11h30', 'từ bảy giờ đến mười một giờ ba mươi phút'],
    ['7:30 - 11:00', 'bảy giờ ba mươi phút đến mười một giờ'],
    [
      'vào lúc 17:30 ngày 30/4/2026',
      'vào lúc mười bảy giờ ba mươi phút ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu',
    ],
  ]);
});

describe('phone numbers, digit by digit in groups', () => {
  cases([
    ['Liên hệ 0912 345 678', 'Liên hệ không chín một hai, ba bốn năm, sáu bảy tám'],
    ['Liên hệ 0912345678', 'Liên hệ không chín một hai, ba bốn năm, sáu bảy tám'],
    ['SĐT: 0912.345.678', 'số điện thoại: không chín một hai, ba bốn năm, sáu bảy tám'],
    ['máy bàn 024 3858 1234', 'máy bàn không hai bốn, ba tám năm tám, một hai ba bốn'],
    ['máy bàn 02438581234', 'máy bàn không hai bốn, ba tám năm tám, một hai ba bốn'],
    ['gọi +84 912 345 678', 'gọi cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám'],
    ['Báo cháy gọi 114', 'Báo cháy gọi một một bốn'],
    ['đường dây nóng 1900 1234', 'đường dây nóng một chín không không, một hai ba bốn'],
    ['ĐT 0243.858.1234', 'điện thoại không hai bốn ba, tám năm tám, một hai ba bốn'],
  ]);
});

describe('abbreviations', () => {
  cases([
    ['UBND phường Hạ Đình thông báo', 'ủy ban nhân dân phường Hạ Đình thông báo'],
    ['HĐND và UBND', 'hội đồng nhân dân và ủy ban nhân dân'],
    ['UBMTTQ phường', 'ủy ban mặt trận tổ quốc phường'],
    ['Ban công tác MTTQ', 'Ban công tác mặt trận tổ quốc'],
    ['TDP số 5', 'tổ dân phố số năm'],
    ['KP 3', 'khu phố ba'],
    ['tp. Hà Nội', 'thành phố Hà Nội'],
    ['TP. Hồ Chí Minh', 'thành phố Hồ Chí Minh'],
    ['TP.HCM', 'thành phố Hồ Chí Minh'],
    ['P. Hạ Đình', 'phường Hạ Đình'],
    ['P.5, Q.3', 'phường năm, quận ba'],
    ['Q. Thanh Xuân', 'quận Thanh Xuân'],
    ['CA phường Hạ Đình', 'công an phường Hạ Đình'],
    ['CSGT và PCCC', 'cảnh sát giao thông và phòng cháy chữa cháy'],
    ['đội PCCC&CNCH', 'đội phòng cháy chữa cháy và cứu nạn cứu hộ'],
    ['mang theo CCCD và thẻ BHYT', 'mang theo căn cước công dân và thẻ bảo hiểm y tế'],
    ['Đ/c Nguyễn Văn An', 'đồng chí Nguyễn Văn An'],
    ['trường THCS Hạ Đình', 'trường trung học cơ sở Hạ Đình'],
    // Words that look like abbreviations in lower case stay words.
    ['ca trực đêm, ca sĩ', 'ca trực đêm, ca sĩ'],
    ['tp hay không', 'tp hay không'],
    // "P." only before a name or number.
    ['Hết p. cuối', 'Hết p. cuối'],
  ]);
});

describe('document numbers', () => {
  cases([
    [
      'Kế hoạch số 125/KH-UBND ngày 15/3/2026',
      'Kế hoạch số một trăm hai mươi lăm, kế hoạch ủy ban nhân dân ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu',
    ],
    ['Quyết định số 12/QĐ-UBND', 'Quyết định số mười hai, quyết định ủy ban nhân dân'],
    [
      'Thông tư 39/2020/TT-BTTTT',
      'Thông tư ba mươi chín năm hai nghìn không trăm hai mươi, thông tư Bộ Thông tin và Truyền thông',
    ],
  ]);
});

describe('a whole bulletin', () => {
  it('reads as the ward radio would say it', () => {
    const typed =
      'UBND P. Hạ Đình thông báo: từ 7h30 ngày 30/4/2026, TDP số 5 tổ chức tổng vệ sinh. Mỗi hộ đóng góp 20.000đ. Mọi thắc mắc xin gọi đ/c Tổ trưởng, SĐT 0912 345 678.';
    expect(say(typed)).toBe(
      'ủy ban nhân dân phường Hạ Đình thông báo: từ bảy giờ ba mươi phút ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu, ' +
        'tổ dân phố số năm tổ chức tổng vệ sinh. Mỗi hộ đóng góp hai mươi nghìn đồng. Mọi thắc mắc xin gọi đồng chí Tổ trưởng, ' +
        'số điện thoại không chín một hai, ba bốn năm, sáu bảy tám.',
    );
  });
  it('keeps line breaks (the engine pauses there) and leaves plain text alone', () => {
    expect(say('Thông báo\nBà con chú ý')).toBe('Thông báo\nBà con chú ý');
  });
});
