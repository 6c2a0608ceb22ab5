// When a relay's stream counts as back: at its first audio page, not at the header pages the hub
// sends a listener at once (a new pull's audio comes seconds later).
import { describe, expect, it } from 'vitest';
import { holdsOggAudio } from './relay-player.ts';

/** An Ogg page header (27 bytes, no segments) with this granule position, then some payload. */
function page(granule: bigint, payload = 'x'): Buffer {
  const h = Buffer.alloc(27);
  h.write('OggS', 0, 'latin1');
  h[5] = granule === 0n ? 2 : 0; // beginning of stream for the first header page
  h.writeBigInt64LE(granule, 6);
  return Buffer.concat([h, Buffer.from(payload)]);
}

describe('holdsOggAudio', () => {
  it('is false for the header pages alone, true once an audio page comes', () => {
    const headers = Buffer.concat([page(0n, 'OpusHead'), page(0n, 'OpusTags')]);
    expect(holdsOggAudio(headers)).toBe(false);
    expect(holdsOggAudio(Buffer.concat([headers, page(9600n)]))).toBe(true);
  });

  it('needs the whole granule: a page header cut short is not audio yet', () => {
    const audio = page(9600n);
    expect(holdsOggAudio(audio.subarray(0, 10))).toBe(false);
    expect(holdsOggAudio(Buffer.from('no ogg here'))).toBe(false);
  });
});
