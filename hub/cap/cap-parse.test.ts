// CAP 1.2 as the hub reads it: the hand-written files under test/fixtures/cap/, and what each
// refusal says (in English and Vietnamese) about the file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapError, chosenInfo, parseCap, referencesOf } from './cap-parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/cap/${name}`, import.meta.url), 'utf8');
const refusal = (xml: string) => {
  try {
    parseCap(xml);
  } catch (e) {
    expect(e).toBeInstanceOf(CapError);
    return (e as CapError).msg!;
  }
  throw new Error('parsed');
};

describe('parseCap', () => {
  it('reads an alert, choosing the Vietnamese info with its diacritics', () => {
    const a = parseCap(fixture('alert.xml'));
    expect(a).toMatchObject({
      identifier: 'VN-KTTV-2026-1201-01',
      sender: 'canhbao@kttv.gov.vn',
      sent: '2026-12-01T08:00:00+07:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
    });
    expect(a.info).toHaveLength(2);
    const info = chosenInfo(a)!;
    expect(info.language).toBe('vi-VN');
    expect(info.headline).toBe('Cảnh báo bão số 9: người dân ở trong nhà, không ra đường');
    expect(info.area).toEqual([
      { areaDesc: 'Phường Hạ Đình, Phường Kim Giang', geocode: [{ valueName: 'MA_XA', value: '00367' }] },
    ]);
  });

  it('takes the first info when none is Vietnamese', () => {
    const xml = fixture('alert.xml').replace('<language>vi-VN</language>', '<language>fr-FR</language>');
    expect(chosenInfo(parseCap(xml))!.event).toBe('Typhoon');
  });

  it('reads a namespace-prefixed update and its references', () => {
    const a = parseCap(fixture('update.xml'));
    expect(a.msgType).toBe('Update');
    expect(referencesOf(a)).toEqual([
      { sender: 'canhbao@kttv.gov.vn', identifier: 'VN-KTTV-2026-1201-01', sent: '2026-12-01T08:00:00+07:00' },
    ]);
  });

  it('reads a cancel without info', () => {
    expect(parseCap(fixture('cancel.xml'))).toMatchObject({ msgType: 'Cancel', info: [] });
  });

  it('keeps identifiers as text, never numbers', () => {
    const a = parseCap(fixture('alert.xml').replace('VN-KTTV-2026-1201-01', '00123'));
    expect(a.identifier).toBe('00123');
  });

  it('refuses a malformed file, saying where', () => {
    const m = refusal(fixture('malformed.xml'));
    expect(m.code).toBe('cap.malformed');
    expect(m.en).toMatch(/not well-formed XML.*line \d+/);
    expect(m.vi).toMatch(/^Tệp không phải XML hợp lệ/);
  });

  it('refuses another namespace, naming it', () => {
    const m = refusal(fixture('wrong-namespace.xml'));
    expect(m.code).toBe('cap.not-cap12');
    expect(m.en).toContain('urn:oasis:names:tc:emergency:cap:1.1');
    expect(refusal('<alert><identifier>x</identifier></alert>').en).toContain('(no namespace)');
    expect(refusal('<html xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>').code).toBe('cap.not-cap12');
  });

  it('refuses a DOCTYPE, so no entity is ever expanded', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>${fixture(
      'alert.xml',
    )
      .replace(/^<\?xml[^>]*>/, '')
      .replace('Typhoon</event>', '&b;</event>')}`;
    expect(refusal(laughs).code).toBe('cap.doctype');
  });

  it('refuses missing required elements, naming each', () => {
    const m = refusal(fixture('missing-info.xml'));
    expect(m.code).toBe('cap.invalid');
    expect(m.en).toContain('<sender>');
    expect(m.en).toContain('<info>');
    expect(m.en).toContain('<sender>: required');
    expect(m.vi).toMatch(/^Cảnh báo CAP thiếu hoặc sai thông tin: .*<sender>: bắt buộc phải có/);
  });

  it('refuses a sent time without its offset and an unknown status', () => {
    const m = refusal(
      fixture('alert.xml')
        .replace('2026-12-01T08:00:00+07:00', '2026-12-01 08:00')
        .replace('<status>Actual</status>', '<status>Real</status>'),
    );
    expect(m.en).toContain('<sent>');
    expect(m.en).toContain('<status>');
  });
});
