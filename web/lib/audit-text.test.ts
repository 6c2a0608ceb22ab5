import { describe, expect, it } from 'vitest';
import { auditSentence, auditWho, type AuditEntry } from './audit-text.ts';

const entry = (o: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: '2026-11-30T00:00:00Z',
  username: 'lanhdao.hd',
  userName: 'Lãnh đạo phường Hạ Đình',
  action: 'broadcast.approve',
  target: '3f1c-uuid',
  targetName: 'Bản tin sáng',
  detail: null,
  names: {},
  ...o,
});

describe('the activity log in sentences with names', () => {
  it('names the user and the bulletin instead of ids, in Vietnamese and in English', () => {
    const e = entry({});
    expect(auditWho(e, 'vi')).toBe('Lãnh đạo phường Hạ Đình');
    expect(auditSentence(e, 'vi')).toBe('Phê duyệt lịch phát «Bản tin sáng»');
    expect(auditSentence(e, 'en')).toBe('Approved «Bản tin sáng»');
    expect(auditSentence(entry({ action: 'broadcast.reject', detail: { reason: 'Sai giờ' } }), 'vi')).toBe(
      'Từ chối lịch phát «Bản tin sáng», lý do: Sai giờ',
    );
  });
  it('says which anniversary was added, on which calendar, for which area (or nationwide)', () => {
    const detail = { name: 'Giỗ Tổ Hùng Vương', date: '10/3', calendar: 'lunar' };
    const e = entry({ action: 'anniversary.add', target: 'hn/tx', targetName: 'Quận Thanh Xuân', detail });
    expect(auditSentence(e, 'vi')).toBe(
      'Thêm ngày lễ, kỷ niệm «Giỗ Tổ Hùng Vương» (10/3 âm lịch) cho «Quận Thanh Xuân»',
    );
    const national = entry({
      action: 'anniversary.remove',
      target: '',
      targetName: null,
      detail: { ...detail, calendar: 'solar' },
    });
    expect(auditSentence(national, 'en')).toBe('Removed an anniversary «Giỗ Tổ Hùng Vương» (10/3) nationwide');
  });
  it('reads the detail through the names the hub resolved: areas, devices, other bulletins', () => {
    const names = { 'hn/tx/hd': 'Phường Hạ Đình', 'loa-1': 'Cụm loa Hạ Đình 01', 'b-quan': 'Tin của quận' };
    expect(
      auditSentence(
        entry({
          action: 'broadcast.submit',
          names,
          detail: { title: 'Bản tin sáng', priority: 'normal', targets: { areas: ['hn/tx/hd'], devices: ['loa-1'] } },
        }),
        'vi',
      ),
    ).toBe('Gửi duyệt lịch phát «Bản tin sáng» (Thông thường) tại Phường Hạ Đình, Cụm loa Hạ Đình 01');
    expect(
      auditSentence(
        entry({
          action: 'broadcast.decision',
          names,
          detail: { decision: 'yield', conflictsWith: ['b-quan'], excluded: 2, devices: ['loa-1'] },
        }),
        'vi',
      ),
    ).toBe(
      'Trùng giờ với «Tin của quận»: nhường cho bản tin cấp trên; 2 lần phát của «Bản tin sáng» không phát trên Cụm loa Hạ Đình 01',
    );
    expect(
      auditSentence(
        entry({
          action: 'quiet-hours.add',
          target: 'hn/tx/hd',
          targetName: 'Phường Hạ Đình',
          detail: { start: '22:00', end: '05:00' },
        }),
        'vi',
      ),
    ).toBe('Đặt giờ yên tĩnh 22:00–05:00 cho «Phường Hạ Đình»');
    expect(
      auditSentence(
        entry({
          action: 'media.upload',
          target: '7',
          targetName: 'thong-bao.wav',
          detail: { name: 'thong-bao.wav', bytes: 1_536_000 },
        }),
        'vi',
      ),
    ).toBe('Tải lên tệp âm thanh «thong-bao.wav» (1.500 KB)');
  });
  it('never shows raw JSON: a device acting, an unknown action, an id with no name left', () => {
    expect(auditWho(entry({ userName: null, username: null, action: 'device.enrol' }), 'vi')).toBe('thiết bị');
    expect(auditSentence(entry({ action: 'media.frobnicate', targetName: 'cu.wav' }), 'vi')).toBe(
      'media.frobnicate «cu.wav»',
    );
    expect(auditSentence(entry({ action: 'broadcast.cancel', targetName: null, target: 'gone-id' }), 'vi')).toBe(
      'Hủy lịch phát «gone-id»',
    );
    for (const action of [
      'broadcast.submit',
      'broadcast.emergency',
      'user.create',
      'area.boundary.import',
      'broadcast.revise',
    ])
      expect(auditSentence(entry({ action, detail: {} }), 'vi')).not.toMatch(/[{}[\]"]|undefined|null/);
  });
});

describe('live broadcasts in the activity log', () => {
  it('says who went live where, that it was the approval, and how and why it ended', () => {
    const names = { 'ha-noi/thanh-xuan/ha-dinh': 'Phường Hạ Đình' };
    const start = entry({
      action: 'live.start',
      targetName: 'Mời họp tổ dân phố',
      detail: { session: 's1', title: 'Mời họp tổ dân phố', priority: 'normal', areas: ['ha-noi/thanh-xuan/ha-dinh'] },
      names,
    });
    expect(auditSentence(start, 'vi')).toBe(
      'Phát trực tiếp «Mời họp tổ dân phố» tới Phường Hạ Đình (Thông thường); phát trực tiếp là phê duyệt',
    );
    expect(auditSentence(start, 'en')).toBe(
      'Went live with «Mời họp tổ dân phố» to Phường Hạ Đình (Normal); going live is the approval',
    );
    const end = entry({
      action: 'live.end',
      targetName: 'Mời họp tổ dân phố',
      detail: { session: 's1', reason: 'source-lost', by: 'hub', seconds: 1234.5 },
    });
    expect(auditSentence(end, 'vi')).toBe(
      'Kết thúc phát trực tiếp «Mời họp tổ dân phố» sau 1.235 giây (Mất tiếng từ micro quá 10 giây)',
    );
    expect(auditSentence(end, 'en')).toBe(
      'Ended the live broadcast «Mời họp tổ dân phố» after 1,235 s (No audio from the microphone for 10 s)',
    );
  });
});

describe('every action the hub audits has words', () => {
  it('no raw action code reaches the page: each audit(…, "action", …) in hub/ is labelled and worded', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const path = await import('node:path');
    const { AUDIT_ACTIONS } = await import('./audit-text.ts');
    const root = path.resolve(import.meta.dirname, '..', '..', 'hub');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    const actions = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(path.join(root, f), 'utf8').matchAll(
        /audit\([^,]+,[^,]+,\s*(?:[^'"`,]*\?\s*)?'([a-z-]+\.[a-z.-]+)'(?:\s*:\s*'([a-z-]+\.[a-z.-]+)')?/g,
      )) {
        actions.add(m[1]);
        if (m[2]) actions.add(m[2]);
      }
    expect(actions.size).toBeGreaterThan(15);
    for (const a of actions) {
      expect(AUDIT_ACTIONS[a], a).toBeDefined();
      expect(auditSentence(entry({ action: a, detail: {} }), 'vi').startsWith(a), a).toBe(false);
    }
  });
});
