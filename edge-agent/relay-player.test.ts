// When a relay's stream counts as back: at its first audio page, not at the header pages the hub
// sends a listener at once (a new pull's audio comes seconds later). And a live stream from Icecast
// starts at the live edge: the burst of pages already due is left out before the jitter buffer.
import { describe, expect, it } from 'vitest';
import { holdsOggAudio, skipDuePages } from './relay-player.ts';

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

/** A whole Ogg page (one 4-byte segment) with this granule position. */
function wholePage(granule: bigint): Buffer {
  const h = Buffer.alloc(28);
  h.write('OggS', 0, 'latin1');
  h[5] = granule === 0n ? 2 : 0;
  h.writeBigInt64LE(granule, 6);
  h[26] = 1; // one segment
  h[27] = 4; // of 4 bytes
  return Buffer.concat([h, Buffer.from('opus')]);
}

describe("skipDuePages: Icecast's burst of older pages at a live stream's start", () => {
  // 100 ms pages (4,800 samples each); page n is due (has played out) at n × 100 ms; now is 1,050 ms.
  const due = (g: bigint) => Number(g) / 48;
  const now = () => 1050;

  it('leaves out the pages already due before the first one that is not, and keeps the header pages', () => {
    const skip = skipDuePages(due, now);
    const burst = [0n, 0n, ...[5, 6, 7, 8, 9, 10, 11, 12].map((n) => BigInt(n * 4800))].map(wholePage);
    // the burst comes in two reads, the second cutting a page in two
    const all = Buffer.concat(burst);
    const cut = all.length - 10;
    const out = Buffer.concat([skip(all.subarray(0, cut)), skip(all.subarray(cut))]);
    expect(out).toEqual(Buffer.concat([burst[0]!, burst[1]!, burst[8]!, burst[9]!])); // headers, then 1,100 and 1,200 ms
  });

  it('passes everything after the live edge, even a page late by then (the jitter buffer judges those)', () => {
    const skip = skipDuePages(due, now);
    const edge = wholePage(11n * 4800n);
    const late = wholePage(5n * 4800n);
    expect(skip(Buffer.concat([edge, late]))).toEqual(Buffer.concat([edge, late]));
  });
});
