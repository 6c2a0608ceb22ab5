// A relay's input: the upstream address (http or https only, named when refused, Vietnamese
// first), and the length of its occurrences (seconds, or an end time in Vietnam wall time).
import { describe, expect, it } from 'vitest';
import { LocalizedError } from '../text/index.ts';
import { parseTimeOfDay, relayDurationMs, validateRelayUrl } from './relay-source.ts';

/** The error a call throws, as its catalogue message. */
function refusal(f: () => unknown) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LocalizedError);
    return (e as LocalizedError).msg!;
  }
  throw new Error('expected a refusal');
}

describe('the upstream address', () => {
  it('takes Icecast, SHOUTcast and HLS over http or https', () => {
    expect(validateRelayUrl(' http://radio.vov.vn:8000/vov1.mp3 ')).toBe('http://radio.vov.vn:8000/vov1.mp3');
    expect(validateRelayUrl('https://str.vov.gov.vn/vovlive/vov1vov5/playlist.m3u8')).toBe(
      'https://str.vov.gov.vn/vovlive/vov1vov5/playlist.m3u8',
    );
    expect(validateRelayUrl('http://10.0.0.5:8000/;')).toBe('http://10.0.0.5:8000/;'); // SHOUTcast v1
  });

  it('refuses another scheme, naming it', () => {
    for (const [url, scheme] of [
      ['rtmp://vov.vn/live/vov1', 'rtmp'],
      ['file:///etc/passwd', 'file'],
      ['ftp://radio/vov1.mp3', 'ftp'],
    ]) {
      const m = refusal(() => validateRelayUrl(url!));
      expect(m.code).toBe('relay.url-scheme');
      expect(m.vi).toBe(
        `Địa chỉ nguồn tiếp âm "${url}" dùng giao thức "${scheme}": chỉ tiếp âm được luồng http hoặc https (Icecast, SHOUTcast, HLS).`,
      );
      expect(m.en).toMatch(new RegExp(`uses "${scheme}": only http and https`));
    }
  });

  it('refuses what is not an address', () => {
    expect(refusal(() => validateRelayUrl('vov1 thời sự')).code).toBe('relay.url-invalid');
    expect(refusal(() => validateRelayUrl('radio.vov.vn/vov1.mp3')).vi).toMatch(/^Địa chỉ nguồn tiếp âm .* không phải/);
  });
});

describe('the length of each occurrence', () => {
  const at = (hhmm: string) => Date.UTC(2031, 0, 1, 0, 0) + (parseTimeOfDay(hhmm)! - 7 * 60) * 60_000;

  it('is its seconds, or runs to its end time', () => {
    expect(relayDurationMs({ seconds: 900 }, [])).toBe(900_000);
    expect(relayDurationMs({ endsAt: '05:30' }, [at('05:00')])).toBe(30 * 60_000);
    expect(relayDurationMs({ endsAt: '18:45' }, [at('18:00'), at('18:00') + 86_400_000])).toBe(45 * 60_000);
  });

  it('wraps past midnight when the end is earlier than the start', () => {
    expect(relayDurationMs({ endsAt: '00:30' }, [at('23:00')])).toBe(90 * 60_000);
  });

  it('refuses both or neither, an end that is not a time, starts at different hours, or more than 6 hours', () => {
    expect(refusal(() => relayDurationMs({ seconds: 60, endsAt: '05:30' }, [])).code).toBe('relay.length-one-of');
    expect(refusal(() => relayDurationMs({}, [])).code).toBe('relay.length-one-of');
    expect(refusal(() => relayDurationMs({ endsAt: '25:00' }, [at('05:00')])).code).toBe('relay.ends-at-invalid');
    expect(refusal(() => relayDurationMs({ endsAt: '5h30' }, [at('05:00')])).vi).toBe(
      'Giờ kết thúc tiếp âm "5h30" không đúng dạng giờ (HH:MM, 24 giờ).',
    );
    expect(refusal(() => relayDurationMs({ endsAt: '19:00' }, [at('05:00'), at('18:00')])).code).toBe(
      'relay.ends-at-varies',
    );
    expect(refusal(() => relayDurationMs({ endsAt: '12:00' }, [at('05:00')])).code).toBe('relay.too-long');
  });
});
