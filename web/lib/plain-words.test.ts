import { describe, expect, it } from 'vitest';
import { clockText, loudnessText } from './plain-words.ts';

describe('technical figures in plain words (Vietnamese, the default language)', () => {
  it('says whether a device keeps step with the hub, not its offset in ms', () => {
    expect(clockText(0, 4)).toBe('Giờ trên thiết bị: khớp với máy chủ (sai khác dưới 0,01 giây)');
    expect(clockText(-300, 60)).toBe('Giờ trên thiết bị: khớp với máy chủ (sai khác dưới 0,1 giây)');
    expect(clockText(1520.4, 4)).toBe(
      'Giờ trên thiết bị: khớp với máy chủ (sai khác dưới 0,01 giây); đồng hồ của thiết bị lệch 1,5 giây, đã được tự bù',
    );
    expect(clockText(0, 900)).toBe('Giờ trên thiết bị: sai khác tới 0,5 giây — các loa gần nhau có thể phát lệch nhau');
    expect(clockText(0, null)).toBe('Giờ trên thiết bị: đã đồng bộ với máy chủ');
  });
  it('says how the loudness was changed', () => {
    expect(loudnessText({ inputI: -24.2, outputI: -16 })).toBe('Độ to: bản gốc nhỏ, đã tăng lên mức chuẩn');
    expect(loudnessText({ inputI: -9, outputI: -16 })).toBe('Độ to: bản gốc to, đã giảm xuống mức chuẩn');
    expect(loudnessText({ inputI: -16.4, outputI: -16 })).toBe('Độ to: đã ở mức chuẩn');
    expect(loudnessText(null)).toBe('Độ to: đã chỉnh về mức chuẩn');
  });
});
