// The message catalogue: every entry speaks both languages, and the Vietnamese is Vietnamese.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, LocalizedError, msg, textOf, zodMessage, type Message, type MessageCode, type MessageParams } from './messages.ts';

/** Parameters to render each entry with; a new entry without a sample fails the type check. */
const SAMPLES: { [C in MessageCode]: MessageParams<C> } = {
  'request.invalid-body': { issues: 'title: title is required', issuesVi: 'Tiêu đề: bắt buộc phải nhập' },
  'request.invalid-query': { issues: 'period: Invalid input', issuesVi: 'Kỳ báo cáo: bắt buộc phải có' },
  'request.invalid-json': { detail: 'Unexpected token } in JSON at position 9' },
  'request.too-large': {},
  'http.no-route': { method: 'GET', path: '/v1/nothing' },
  internal: {},
  'auth.rate-limited': {},
  'auth.wrong-credentials': {},
  'auth.wrong-device-credentials': {},
  'auth.login-required': {},
  'auth.session-expired': {},
  'auth.role-forbidden': { role: 'operator', needs: ['approver', 'district', 'admin'] },
  'user.bad-username': {},
  'user.password-too-short': {},
  'user.bad-role': { roles: ['operator', 'approver', 'district', 'admin'] },
  'user.needs-area': { role: 'approver' },
  'user.exists': { username: 'canbo' },
  'area.not-found': { path: 'ha-noi/thanh-xuan/nowhere' },
  'area.outside-scope': { path: 'ha-noi/thanh-xuan/kim-giang', scope: 'ha-noi/thanh-xuan/ha-dinh' },
  'area.none': {},
  'time.bad-format': { text: 'tomorrow' },
  'time.invalid': { text: '2026-13-01T00:00' },
  'rrule.other-tzid': {},
  'rrule.needs-dtstart': {},
  'rrule.needs-rrule': {},
  'rrule.dtstart-utc': {},
  'rrule.invalid': { detail: 'Unknown RRULE property FOO' },
  'rrule.unbounded': {},
  'rrule.empty': {},
  'rrule.too-many': { max: 2000 },
  'broadcast.title-required': {},
  'broadcast.needs-target': {},
  'broadcast.needs-content': {},
  'broadcast.when-one-of': {},
  'broadcast.out-of-scope': { verb: 'create', path: 'ha-noi/thanh-xuan/kim-giang', scope: 'ha-noi/thanh-xuan/ha-dinh' },
  'broadcast.target-area-not-found': { path: 'ha-noi/x' },
  'broadcast.target-device-not-found': { id: 'loa-9' },
  'broadcast.media-not-ready': { id: 3, status: 'processing', error: null, errorVi: null },
  'broadcast.starts-at-invalid': { reason: msg('time.bad-format', { text: 'tomorrow' }) },
  'broadcast.starts-in-past': { startsAt: '2020-01-01T10:00' },
  'broadcast.rrule-invalid': { reason: msg('rrule.unbounded') },
  'broadcast.not-found': { id: 'b1' },
  'broadcast.edit-author-only': {},
  'broadcast.emergency-not-editable': {},
  'broadcast.cancelled-not-editable': {},
  'broadcast.edit-pending': { id: 'b2' },
  'broadcast.not-submitted': { status: 'approved' },
  'broadcast.approver-role-only': {},
  'broadcast.author-cannot-approve': {},
  'broadcast.reject-needs-reason': {},
  'broadcast.already-closed': { status: 'cancelled' },
  'broadcast.operator-cancel-own': {},
  'decision.not-open': { status: 'rejected' },
  'decision.emergency': {},
  'decision.no-clash': {},
  'decision.outside-area': {},
  'decision.not-allowed': {},
  'draft.media-not-ready': { id: 4 },
  'schedule.bad-window': {},
  'quiet-hours.bad-time': { text: '25:00' },
  'quiet-hours.same-start-end': {},
  'quiet-hours.not-found': { id: '7' },
  'quiet-hours': { at: '2026-11-25 23:15', start: '22:00', end: '05:30', areaName: 'Phường Hạ Đình', others: 2 },
  'report.bad-period': { period: '2026-13' },
  'report.from-after-to': {},
  'report.too-long': {},
  'media.not-found': { id: 3 },
  'media.file-not-found': { file: 'abc.opus' },
  'media.waveform-not-ready': { id: 3, status: 'failed' },
  'media.waveform-failed': { detail: 'ffmpeg could not decode the audio for its waveform (exit 1)' },
  'upload.not-multipart': {},
  'upload.bad-multipart': { detail: 'Unexpected end of form' },
  'upload.no-file': {},
  'upload.too-large': { mb: 200 },
  'upload.empty': {},
  'media.empty-file': {},
  'media.not-audio-looks-like': { looksLike: 'a PNG image' },
  'media.damaged-looks-like': { looksLike: 'an MP3 file' },
  'media.unknown-format': {},
  'media.not-regular-file': {},
  'media.cannot-open': { why: 'missing', detail: 'ENOENT' },
  'media.no-audio-stream': { video: 'h264' },
  'media.no-sound-decoded': {},
  'media.cut-short': { headerMs: 6200, decodedMs: 2100 },
  'media.too-long': { ms: 6_300, maxMs: 2_000, cutOff: false },
  'media.too-short': { ms: 200, minMs: 300 },
  'media.silent': {},
  'media.almost-silent': { lufs: -63.2 },
  'media.lra-too-wide': { lra: 23.4, max: 20 },
  'media.peaks-too-high': { tp: 5, i: -69 },
  'media.not-normalizable': { reason: msg('media.lra-too-wide', { lra: 23.4, max: 20 }) },
  'media.stays-dynamic': { attempts: 3 },
  'media.damaged': { what: 'measuring loudness', detail: 'Invalid data found when processing input' },
  'media.tool-failed': { what: 'normalising loudness', exit: 1, detail: 'Conversion failed!' },
  'media.tool-not-started': { what: 'reading the file', detail: 'spawn ffmpeg ENOENT' },
  'media.encode-failed': { format: 'OPUS', detail: 'Conversion failed!' },
  'media.timeout': { what: 'reading the file', seconds: 15 },
  'media.loudness-check-failed': { format: 'MP3', i: -18.2, tp: -0.4, targetI: -16, targetTp: -1.5 },
  'media.interrupted': {},
  'device.not-found': { id: 'loa-9' },
  'device.exists': { id: 'loa-1' },
  'area.outside-your-area': { path: 'ha-noi/thanh-xuan/kim-giang' },
  'area.parent-not-found': { path: 'ha-noi/nowhere' },
  'area.exists': { path: 'ha-noi/thanh-xuan' },
  'enrol.token-unknown': {},
  'enrol.token-expired': {},
  'enrol.bad-public-key': { detail: 'key type is rsa' },
  'geojson.wrong-content-type': {},
  'geojson.too-large': { mb: 32 },
};

// Letters only Vietnamese uses (with their diacritics), upper or lower case.
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;
const render = (code: MessageCode): Message => (msg as (c: MessageCode, p: unknown) => Message)(code, SAMPLES[code]);

describe('the message catalogue', () => {
  const codes = Object.keys(CATALOGUE) as MessageCode[];

  it('has a sample for every entry (and no sample without an entry)', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...codes].sort());
    expect(codes.length).toBeGreaterThan(90);
  });

  it.each(codes)('%s: English and Vietnamese, different, the Vietnamese in Vietnamese (NFC)', (code) => {
    const m = render(code);
    expect(m.code).toBe(code);
    expect(m.en.trim().length).toBeGreaterThan(0);
    expect(m.vi.trim().length).toBeGreaterThan(0);
    expect(m.vi).not.toBe(m.en);
    expect(m.vi).toMatch(VIETNAMESE);
    expect(m.vi).toBe(m.vi.normalize('NFC'));
    expect(m.en).not.toMatch(/undefined|\[object Object\]/);
    expect(m.vi).not.toMatch(/undefined|\[object Object\]|NaN/);
  });

  it('renders the parameters into both languages', () => {
    const m = msg('quiet-hours', SAMPLES['quiet-hours']);
    expect(m.en).toBe(
      'normal-priority broadcasts may not play in quiet hours: the occurrence at 2026-11-25 23:15 falls in the quiet hours 22:00–05:30 of Phường Hạ Đình (and 2 more occurrences); choose another time, or use priority or emergency',
    );
    expect(m.vi).toContain('lần phát lúc 2026-11-25 23:15 rơi vào giờ yên tĩnh 22:00–05:30 của Phường Hạ Đình (cùng 2 lần phát khác)');
    expect(msg('media.too-long', { ms: 6_300, maxMs: 2_000, cutOff: true }).vi).toBe('Bản ghi âm quá dài: hơn 6.3 giây, giới hạn là 2.0 giây.');
    expect(msg('auth.role-forbidden', { role: 'operator', needs: ['approver', 'admin'] }).vi).toBe(
      'Vai trò của bạn (cán bộ phường) không được thực hiện thao tác này; chỉ lãnh đạo phường hoặc quản trị viên mới được thực hiện.',
    );
  });

  it('a wrapped reason keeps its Vietnamese; an English-only one gets a Vietnamese lead-in', () => {
    expect(msg('broadcast.rrule-invalid', { reason: msg('rrule.unbounded') }).vi).toBe(msg('rrule.unbounded').vi);
    expect(msg('broadcast.rrule-invalid', { reason: 'rrule exploded' })).toMatchObject({ en: 'rrule: rrule exploded', vi: 'Lịch lặp lại không hợp lệ: rrule exploded' });
    expect(msg('broadcast.starts-at-invalid', { reason: msg('time.bad-format', { text: 'tomorrow' }) }).vi).toMatch(/^Thời điểm phát: "tomorrow" không đúng dạng ngày giờ/);
  });
});

describe('errors carry a message', () => {
  it('err.message is the English; the catalogue message travels with it', () => {
    const e = new LocalizedError(msg('broadcast.author-cannot-approve'));
    expect(e.message).toBe('the author of a broadcast cannot approve or reject it; another person must');
    expect(textOf(e)).toEqual(msg('broadcast.author-cannot-approve'));
    expect(textOf(new Error('plain'))).toBe('plain');
    expect(textOf(new LocalizedError('internal only'))).toBe('internal only');
  });

  it('zodMessage gives zod the English and the Vietnamese in params', () => {
    expect(zodMessage('broadcast.needs-target')).toEqual({
      message: 'choose at least one area or device',
      params: { code: 'broadcast.needs-target', vi: msg('broadcast.needs-target').vi },
    });
  });
});
