// Limits before trust: aedes (through mqtt-packet) buffers a whole packet before it looks at it,
// so one CONNECT announcing 120 MiB holds 120 MiB before anybody is authenticated. The guard sits
// between the connection and aedes and reads only the fixed headers as the bytes stream past: a
// packet whose announced length exceeds the limit closes the connection at once, before its body
// is buffered anywhere. The first packet (CONNECT) has a small limit of its own.
import { Duplex } from 'node:stream';

export interface PacketLimits {
  /** the largest CONNECT (remaining length, bytes) */
  connectMaxBytes: number;
  /** the largest later packet, until raised for a trusted client */
  maxPacketBytes: number;
}

/** Reads MQTT fixed headers out of a byte stream and skips the bodies. */
export class PacketMeter {
  private skip = 0;
  private lengthBytes = -1; // -1: expecting a packet type byte; then the count of length bytes read
  private length = 0;
  private multiplier = 1;
  packets = 0;

  /** Returns why the stream must close, or null while every packet is within `limit(index)`. */
  feed(chunk: Buffer, limit: (packetIndex: number) => number): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++];
      if (this.lengthBytes < 0) {
        this.lengthBytes = 0;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return 'malformed remaining length';
        continue;
      }
      const max = limit(this.packets);
      if (this.length > max) return `packet ${this.packets + 1} announces ${this.length} bytes (limit ${max})`;
      this.packets += 1;
      this.skip = this.length;
      this.lengthBytes = -1;
    }
    return null;
  }
}

/**
 * Wraps a connection (a TCP socket or a WebSocket stream) for aedes. `raise(n)` lifts the limit for
 * later packets (the hub's own client). `onViolation` hears why a connection was closed.
 */
export class GuardedConnection extends Duplex {
  private readonly meter = new PacketMeter();
  private maxPacketBytes: number;

  constructor(
    private readonly inner: Duplex,
    private readonly limits: PacketLimits,
    private readonly onViolation: (why: string) => void,
  ) {
    super({ allowHalfOpen: false });
    this.maxPacketBytes = limits.maxPacketBytes;
    inner.on('data', (chunk: Buffer) => {
      const why = this.meter.feed(chunk, (n) => (n === 0 ? this.limits.connectMaxBytes : this.maxPacketBytes));
      if (why) {
        this.onViolation(why);
        this.destroy();
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
  }

  raise(maxPacketBytes: number): void {
    this.maxPacketBytes = maxPacketBytes;
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.inner.write(chunk, cb);
  }

  // mqtt-packet corks the stream and writes a packet as several small chunks (header, topic, id,
  // payload): one write of them all is one syscall per packet, which an emergency's fan-out to
  // thousands of devices notices.
  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.inner.write(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.inner.destroy();
    cb(err);
  }
}
