// Splits an Ogg byte stream into whole pages: the hub's fan-out starts a late listener on a page
// boundary (after the stream's header pages) rather than mid-page, and an agent starts a relay on
// the same page as the others (edge-agent/relay-player.ts). The relay stream's format is part of the
// contract between them, hence here. RFC 3533: a page is a 27-byte header ("OggS", version,
// flags, granule, serial, sequence, CRC, segment count), the segment table, then the segments.
export interface OggPage {
  bytes: Buffer;
  /** header page of a stream: beginning-of-stream flag, or granule position 0 (Opus tags) */
  header: boolean;
  /** the page's granule position: for Opus, 48 kHz samples from the stream's start to the page's end */
  granule: bigint;
}

/**
 * Milliseconds of Opus audio up to a granule position (Opus counts 48 kHz samples whatever the
 * input's rate): how the hub's stream epoch and an agent's start page meet in time.
 */
export function granuleMs(granule: bigint): number {
  return Number(granule) / 48;
}

const CAPTURE = Buffer.from('OggS');
const MAX_PAGE = 27 + 255 + 255 * 255;

export class OggPageSplitter {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the pages completed by them. Bytes before a capture pattern are skipped. */
  push(chunk: Buffer): OggPage[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const pages: OggPage[] = [];
    for (;;) {
      const at = this.buf.indexOf(CAPTURE);
      if (at < 0) {
        this.buf = this.buf.subarray(Math.max(0, this.buf.length - 3));
        return pages;
      }
      if (at > 0) this.buf = this.buf.subarray(at);
      if (this.buf.length < 27) return pages;
      const segments = this.buf[26]!;
      if (this.buf.length < 27 + segments) return pages;
      let body = 0;
      for (let i = 0; i < segments; i++) body += this.buf[27 + i]!;
      const size = 27 + segments + body;
      if (size > MAX_PAGE) {
        this.buf = this.buf.subarray(4); // not a page after all
        continue;
      }
      if (this.buf.length < size) return pages;
      const bytes = Buffer.from(this.buf.subarray(0, size));
      const bos = (bytes[5]! & 0x02) !== 0;
      const granule = bytes.readBigInt64LE(6);
      pages.push({ bytes, header: bos || granule === 0n, granule });
      this.buf = this.buf.subarray(size);
    }
  }
}
