// The message catalogue: every entry speaks both languages, and the Vietnamese is Vietnamese.
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  LocalizedError,
  msg,
  placeEn,
  placeVi,
  textOf,
  zodMessage,
  type Message,
  type MessageCode,
  type MessageParams,
} from './index.ts';

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
  'broadcast.led-empty': {},
  'broadcast.led-does-not-fit': {
    boards: [
      {
        names: ['Bảng LED Hạ Đình'],
        size: '192×32',
        problems: [{ kind: 'width', page: 1, line: 2, width: 207, max: 192 }],
      },
    ],
  },
  'broadcast.reaches-no-device': { speakers: 1, boards: 0, audio: false, led: true },
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
  'broadcast.replaced-not-approved': { id: 'b1', status: 'cancelled' },
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
  'reason.failure': { code: 'device-unreachable', kind: 'led' },
  'media.in-use': { name: 'ban-tin.mp3', titles: ['Tin sáng'], verb: 'delete' },
  'media.manage-not-allowed': { name: 'ban-tin.mp3' },
  'media.still-processing': { name: 'ban-tin.mp3' },
  'media.archived': { id: 3 },
  'decision.same-level-needed': { titles: ['Tin A'], devices: 1, first: '2026-12-03T06:00:00+07:00' },
  'draft.media-not-ready': { id: 4 },
  'schedule.bad-window': {},
  'quiet-hours.bad-time': { text: '25:00' },
  'quiet-hours.same-start-end': {},
  'quiet-hours.not-found': { id: '7' },
  'quiet-hours': { at: '2026-11-25 23:15', start: '22:00', end: '05:30', areaName: 'Phường Hạ Đình', others: 2 },
  'report.bad-period': { period: '2026-13' },
  'report.from-after-to': {},
  'report.too-long': {},
  'report.bad-cursor': { cursor: 'eyJ4Ijox' },
  'report.bad-limit': { limit: '5000', max: 2000 },
  'report.bad-result': { result: 'ok', results: 'played, partial' },
  'periodic-report.kind-mismatch': { period: '2026-Q4', kind: 'month' },
  'periodic-report.not-started': { period: '2027-01' },
  'periodic-report.not-found': { id: '9' },
  'periodic-report.area-level': { path: 'ha-noi', level: 'province' },
  'periodic-report.already-signed': { id: 3, signedBy: 'Nguyễn Văn An', signedAt: '05/12/2026 09:30' },
  'periodic-report.signed-regenerate': { id: 3 },
  'periodic-report.stale-document': { id: 3 },
  'periodic-report.revise-not-signed': { id: 3, status: 'draft' },
  'periodic-report.revision-open': { id: 4 },
  'periodic-report.pdf-only-signed': { id: 3 },
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
  'tts.empty': {},
  'tts.too-long': { chars: 5200, max: 5000, minutes: 5 },
  'tts.engine-missing': { program: 'espeak-ng' },
  'tts.engine-failed': { program: 'espeak-ng' },
  'tts.engine-timeout': { program: 'piper', seconds: 60 },
  'tts.engine-no-audio': { program: 'piper' },
  'tts.not-from-text': { id: 3 },
  'cap.malformed': { detail: "Expected closing tag 'info' (line 9, column 3)" },
  'cap.doctype': {},
  'cap.too-large': { what: 'http://kttv.example/cap.xml', bytes: 1000000 },
  'cap.not-cap12': { found: '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1">' },
  'cap.invalid': { problems: '<identifier>: required', problemsVi: '<identifier>: bắt buộc phải có' },
  'cap.expired': { expires: '01/12/2026 10:00' },
  'cap.not-actual': { status: 'Exercise' },
  'cap.unknown-reference': { msgType: 'Cancel', references: 'kttv@nchmf.gov.vn,VN-1,2026-12-01T08:00:00+07:00' },
  'cap.no-references': { msgType: 'Update' },
  'cap.unsupported-msgtype': { msgType: 'Ack' },
  'cap.no-content': {},
  'cap.not-a-draft': { id: 'b-1' },
  'cap.needs-areas': {},
  'cap.audio-unavailable': {
    reason: 'no audio resource and no description',
    reasonVi: 'không có tệp âm thanh và mô tả',
  },
  'cap.resource-failed': { url: 'http://kttv.example/bao.mp3', detail: 'HTTP 404' },
  'cap.confirm-here': { id: 'b-1' },
  'cap.import-account': { username: 'quan-thanh-xuan' },
  'cap.feed-failed': { url: 'http://kttv.example/cap.xml', detail: 'timed out after 10 s' },
  'device.not-found': { id: 'loa-9' },
  'device.exists': { id: 'loa-1' },
  'device.decommissioned': { id: 'loa-1' },
  'device.broker-refused': { detail: 'Client not found' },
  'area.outside-your-area': { path: 'ha-noi/thanh-xuan/kim-giang' },
  'area.parent-not-found': { path: 'ha-noi/nowhere' },
  'area.exists': { path: 'ha-noi/thanh-xuan' },
  'area.code-invalid': { code: '3670' },
  'area.code-taken': { code: '00367', path: 'ha-noi/thanh-xuan/ha-dinh' },
  'enrol.token-unknown': {},
  'enrol.token-expired': {},
  'enrol.in-progress': {},
  'enrol.bad-proof': {},
  'enrol.bad-public-key': { detail: 'key type is rsa' },
  'geojson.wrong-content-type': {},
  'geojson.too-large': { mb: 32 },
  'slug.invalid': { what: 'device id', value: 'Loa_1' },
  'area.too-deep': { path: 'a/b/c/d/e/f/g/h/i', max: 8 },
  'boundary.position-needs-lon-lat': {},
  'boundary.position-too-many-numbers': {},
  'boundary.polygon-needs-ring': {},
  'boundary.multipolygon-needs-polygon': {},
  'boundary.too-many-positions': { count: 20_001, max: 20_000 },
  'boundary.longitude-out-of-range': { at: { ring: 0, position: 1 }, value: 200, swapped: false },
  'boundary.latitude-out-of-range': { at: { ring: 0, position: 0 }, value: 105.808, swapped: true },
  'boundary.ring-too-short': { at: { ring: 0 }, count: 3 },
  'boundary.ring-not-closed': { at: { ring: 0, polygon: 1 }, first: [105.818, 20.998], last: [105.8, 21] },
  'boundary.ring-no-area': { at: { ring: 0 } },
  'boundary.problem-at': {
    at: { ring: 0, position: 0, number: 0 },
    problem: { en: 'Invalid input: expected number, received string', vi: 'phải là số' },
  },
  'boundary.not-a-geometry': {},
  'boundary.wrong-geometry-type': { type: 'Point' },
  'boundary.invalid': {
    problems: [
      msg('boundary.ring-not-closed', { at: { ring: 0, polygon: 1 }, first: [105.818, 20.998], last: [105.8, 21] }),
    ],
  },
  'boundary.feature-invalid': {
    feature: 2,
    key: 'kim-giang',
    path: 'ha-noi/thanh-xuan/kim-giang',
    problems: [msg('boundary.ring-too-short', { at: { ring: 0 }, count: 3 })],
  },
  'boundary.no-source': { subject: { area: 'ha-noi/thanh-xuan/ha-dinh' } },
  'boundary.source-too-long': { subject: { feature: 0, key: 'ha-dinh', path: 'ha-noi/thanh-xuan/ha-dinh' }, max: 300 },
  'boundary.geometry-missing': {},
  'boundary.import-not-collection': { got: '"Polygon"', bareGeometry: true },
  'boundary.import-no-features-array': {},
  'boundary.import-empty': {},
  'boundary.import-too-many-features': { count: 5001, max: 5000 },
  'boundary.import-needs-parent': { matchBy: 'name' },
  'boundary.import-not-a-feature': { feature: 0 },
  'boundary.import-duplicate-match': { first: 0, second: 1, path: 'ha-noi/thanh-xuan/khuong-mai' },
  'boundary.import-outside-scope': { feature: 1, key: 'ha-noi/dong-da', path: 'ha-noi/dong-da' },
  'boundary.import-nothing-matched': { property: 'slug', matchBy: 'slug', parent: 'ha-noi/thanh-xuan' },
  'boundary.unmatched-no-property': { property: 'ten_phuong' },
  'boundary.unmatched-ambiguous-name': { paths: ['ha-noi/a/ha-dinh', 'ha-noi/b/ha-dinh'] },
  'boundary.unmatched-no-such-area': {},
  'boundary.unmatched-not-under-parent': { matchBy: 'slug', parent: 'ha-noi/thanh-xuan' },
  // relay (tiếp âm, issue 11.1)
  'relay.url-invalid': { url: 'vov1 tin tức' },
  'relay.url-scheme': { url: 'rtmp://vov.vn/live', scheme: 'rtmp' },
  'relay.url-no-host': { url: 'http:///live.mp3' },
  'relay.length-one-of': {},
  'relay.ends-at-invalid': { endsAt: '25:00' },
  'relay.ends-at-varies': {},
  'relay.too-long': { minutes: 420, max: 360 },
  'relay.with-media': {},
  'relay.ident-needs-media': {},
  'relay.not-found': { occurrence: 'b1@1767225600000' },
  'relay.not-live': { occurrence: 'b1@1767225600000', state: 'ended' },
  'live.role-forbidden': { role: 'operator' },
  'live.emergency-district-only': {},
  'live.area-busy': { path: 'ha-noi/thanh-xuan/kim-giang', title: 'Họp tổ dân phố' },
  'live.emergency-on-air': { path: 'ha-noi/thanh-xuan/kim-giang', title: 'Cảnh báo lũ' },
  'live.not-found': { id: 'a1b2' },
  'live.not-editable': {},
  'live.end-forbidden': {},
  'live.not-starter': {},
  'live.ended': { id: 'a1b2' },
  'live.no-ffmpeg': {},
  // live (phát trực tiếp, issue 11.2): what the page's microphone and audio connection refuse
  'live.mic-refused': {},
  'live.mic-missing': {},
  'live.mic-busy': {},
  'live.mic-insecure': {},
  'live.recorder-unsupported': { mime: 'audio/webm;codecs=opus' },
  'live.socket-failed': {},
  'live.socket-reconnecting': { seconds: 10 },
  'live.socket-lost': { seconds: 10 },
  'live.ended-by': { name: 'Lãnh đạo phường' },
  'calendar.bad-month': { month: 13 },
  'calendar.bad-solar-day': { day: 31, month: 4 },
  'calendar.bad-lunar-day': { day: 31 },
  'calendar.not-found': { id: '99' },
  'calendar.national': {},
  'calendar.bad-window': { days: '0' },
  'calendar.bad-range': { from: '2026-04-31', to: '2026-05-01' },
  'calendar.lunar-range': { year: 2101 },
  'lunar.both': {},
  'lunar.bad-time': { text: '25:00' },
  'lunar.bad-years': { from: 2026, until: 2060 },
  'lunar.dates-edited': {},
  'campaign.bad-date': { text: '2026-02-30' },
  'campaign.bad-period': { from: '2026-12-01', to: '2026-11-01' },
  'campaign.period-too-long': {},
  'campaign.needs-area': {},
  'campaign.not-found': { id: '7' },
  'campaign.not-yours': { id: 7 },
  'campaign.tag-unknown': { id: 7 },
  'campaign.tag-archived': { name: 'Nghị quyết 98' },
  'campaign.tag-no-overlap': { name: 'Nghị quyết 98', areas: 'ha-noi/thanh-xuan/kim-giang' },
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
    expect(m.vi).toContain(
      'lần phát lúc 2026-11-25 23:15 rơi vào giờ yên tĩnh 22:00–05:30 của Phường Hạ Đình (cùng 2 lần phát khác)',
    );
    expect(msg('media.too-long', { ms: 6_300, maxMs: 2_000, cutOff: true }).vi).toBe(
      'Bản ghi âm quá dài: hơn 6.3 giây, giới hạn là 2.0 giây.',
    );
    expect(msg('auth.role-forbidden', { role: 'operator', needs: ['approver', 'admin'] }).vi).toBe(
      'Vai trò của bạn (cán bộ phường) không được thực hiện thao tác này; chỉ lãnh đạo phường hoặc quản trị viên mới được thực hiện.',
    );
  });

  it('a wrapped reason keeps its Vietnamese; an English-only one gets a Vietnamese lead-in', () => {
    expect(msg('broadcast.rrule-invalid', { reason: msg('rrule.unbounded') }).vi).toBe(msg('rrule.unbounded').vi);
    expect(msg('broadcast.rrule-invalid', { reason: 'rrule exploded' })).toMatchObject({
      en: 'rrule: rrule exploded',
      vi: 'Lịch lặp lại không hợp lệ: rrule exploded',
    });
    expect(msg('broadcast.starts-at-invalid', { reason: msg('time.bad-format', { text: 'tomorrow' }) }).vi).toMatch(
      /^Thời điểm phát: "tomorrow" không đúng dạng ngày giờ/,
    );
  });
});

describe('outline messages', () => {
  it('name the place in an outline in both languages from the same data', () => {
    const at = { polygon: 1, ring: 0, position: 5, number: 0 };
    expect(placeEn(at)).toBe('number 0 of position 5 of ring 0 of polygon 1');
    expect(placeVi(at)).toBe('giá trị 0 của điểm 5 của vòng 0 của đa giác 1');
    expect(placeVi({ ring: 2 })).toBe('vòng 2');
    const open = msg('boundary.ring-not-closed', {
      at: { ring: 0, polygon: 1 },
      first: [105.818, 20.998],
      last: [105.8, 21],
    });
    expect(open.en).toBe(
      'ring 0 of polygon 1 is not closed: its last position [105.8, 21] differs from its first [105.818, 20.998]',
    );
    expect(open.vi).toBe('vòng 0 của đa giác 1 chưa khép kín: điểm cuối [105.8, 21] khác điểm đầu [105.818, 20.998]');
  });

  it('an outline refusal is a sentence in Vietnamese; the English stays the joined problems', () => {
    const problems = [
      msg('boundary.ring-too-short', { at: { ring: 0 }, count: 3 }),
      msg('boundary.ring-no-area', { at: { ring: 1 } }),
    ];
    expect(msg('boundary.invalid', { problems })).toMatchObject({
      en: 'ring 0 has 3 positions; a closed ring needs at least 4 (the last repeating the first); ring 1 has no area (its positions repeat or lie on a line)',
      vi: 'Vòng 0 chỉ có 3 điểm; một vòng khép kín cần ít nhất 4 điểm (điểm cuối trùng điểm đầu); vòng 1 không có diện tích (các điểm trùng nhau hoặc nằm trên một đường thẳng).',
    });
    expect(
      msg('boundary.feature-invalid', {
        feature: 2,
        key: 'kim-giang',
        path: 'x/kim-giang',
        problems: problems.slice(0, 1),
      }).vi,
    ).toBe(
      'Đối tượng 2 ("kim-giang" → x/kim-giang): vòng 0 chỉ có 3 điểm; một vòng khép kín cần ít nhất 4 điểm (điểm cuối trùng điểm đầu).',
    );
    expect(msg('boundary.wrong-geometry-type', { type: null }).en).toBe(
      'geometry type is missing; an outline must be a Polygon or MultiPolygon',
    );
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
