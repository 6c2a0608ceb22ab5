// Failure reasons for officials: the device's code when it gave one, otherwise recognised from the
// technical English older agents send; always words from the catalogue, never that English.
import { describe, expect, it } from 'vitest';
import { explain, reasonCodeOf } from './failure-reasons.ts';

describe('failure reasons', () => {
  it('takes the code the device gave', () => {
    expect(explain('failed', 'text-too-wide', 'LED board did not take the message: …', 'led')).toEqual({
      reasonCode: 'text-too-wide',
      reasonText: {
        vi: 'Bảng LED từ chối thông điệp vì nội dung không vừa bảng (dòng quá dài hoặc quá nhiều dòng). Hãy rút gọn rồi gửi lại.',
        en: 'The LED board refused the message: it does not fit the board (a line too long or too many lines). Shorten it and send again.',
      },
    });
    // The same code on a loudspeaker speaks of the amplifier.
    expect(explain('failed', 'device-unreachable', null, 'speaker').reasonText?.vi).toBe(
      'Thiết bị không liên lạc được với âm ly (âm ly không trả lời — kiểm tra nguồn điện và dây nối).',
    );
    // A code from a newer agent this hub does not know: worded generally, not dropped.
    expect(explain('failed', 'laser-misaligned', 'x', 'led').reasonText?.vi).toBe('Bảng LED báo lỗi khi hiển thị.');
  });

  it('recognises older receipts by their English, and explains nothing that played', () => {
    const cases: Array<[string, string, string]> = [
      [
        'failed',
        'LED board did not take the message: bang-led: show failed (io): connect ECONNREFUSED tcp 127.0.0.1:40123',
        'device-unreachable',
      ],
      [
        'failed',
        'LED board did not take the message: bang-led: show failed (invalid): page 1 is 207 dots wide as a picture',
        'text-too-wide',
      ],
      [
        'failed',
        'LED board did not take the message: bang-led: show failed (invalid): the board\'s ascii character set cannot show "€"',
        'text-unsupported',
      ],
      ['failed', 'media abc missing from the cache', 'media-missing'],
      ['failed', 'amplifier drew no current while playing: dead amplifier or open output', 'amplifier-fault'],
      ['partial', 'ffmpeg decoded only 3.0 of 4.0 s; amplifier current not measured', 'cut-short'],
      ['partial', 'cancelled by hub', 'cancelled'],
      ['missed', 'no confirmation received from the device (offline, powered down or not reporting)', 'no-receipt'],
      ['missed', 'not started within 60 s of its start (75 s late)', 'late'],
      ['skipped', 'skipped: normal "Tin A" (broadcast b1) was playing', 'skipped'],
    ];
    for (const [result, reason, code] of cases) expect(reasonCodeOf(result, null, reason), reason).toBe(code);
    expect(explain('played', null, 'decoded in full; the amplifier has no current read-back', 'speaker')).toEqual({
      reasonCode: null,
      reasonText: null,
    });
  });
});
