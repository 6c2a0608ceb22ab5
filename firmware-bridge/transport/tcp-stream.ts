// A StreamLink over TCP: a serial device server (Moxa NPort "TCP server" mode, Lantronix, USR-TCP232
// and the like) passes the board's serial bytes through a socket unchanged. Same framing, timeouts
// and retries as a local port; the socket is reopened when the server drops it.
import net from 'node:net';
import { StreamLink, type LinkOptions } from './serial-link.ts';

export interface TcpStreamSettings {
  host: string;
  port: number;
  /** How long to wait for the TCP connection. Default 3000 ms. */
  connectTimeoutMs?: number;
}

export class TcpStreamLink extends StreamLink {
  readonly port: string;
  private socket: net.Socket | null = null;

  constructor(
    private readonly settings: TcpStreamSettings,
    options: LinkOptions,
  ) {
    super(options);
    this.port = `tcp ${settings.host}:${settings.port}`;
  }

  protected openLink(): Promise<void> {
    const { host, port } = this.settings;
    const connectTimeoutMs = this.settings.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`no TCP connection within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.setNoDelay(true);
        s.setKeepAlive(true, 10_000);
        this.socket = s;
        s.on('data', (chunk: Buffer) => this.received(chunk));
        s.on('error', (e) => this.dropped(`socket error: ${e.message}`));
        s.on('close', () => {
          if (this.socket === s) this.socket = null;
          this.dropped('the device server closed the connection');
        });
        resolve();
      });
    });
  }

  protected writeLink(bytes: Uint8Array): Promise<void> {
    const s = this.socket;
    if (!s || s.destroyed) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => s.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  protected closeLink(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s || s.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 200).unref();
    });
  }
}
