// A client that announces an oversized MQTT CONNECT and then streams its body, as an attacker
// would, over TCP or WebSocket. Resolves with how many bytes it got out before the broker closed
// the connection (or all of them when the broker kept reading).
import net from 'node:net';
import WebSocket from 'ws';

/** The fixed header of a CONNECT announcing `length` bytes (MQTT variable-length encoding). */
export function connectHeader(length: number): Buffer {
  const bytes = [0x10];
  let x = length;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    bytes.push(b);
  } while (x > 0);
  return Buffer.from(bytes);
}

export interface FloodResult {
  sent: number;
  closedByBroker: boolean;
}

/** Sends header + body in 1 MiB chunks, waiting for drain; stops when the broker closes. */
export function oversizedConnect(
  target: { host: string; port: number } | { wsUrl: string },
  announced: number,
  chunk = 1024 * 1024,
): Promise<FloodResult> {
  const body = Buffer.alloc(chunk, 0x61);
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = (closedByBroker: boolean) => {
      if (done) return;
      done = true;
      resolve({ sent, closedByBroker });
    };
    if ('wsUrl' in target) {
      const ws = new WebSocket(target.wsUrl, 'mqtt');
      ws.on('error', () => finish(true));
      ws.on('close', () => finish(sent < announced));
      ws.on('open', () => {
        ws.send(Buffer.concat([connectHeader(announced), body]), () => {});
        sent += body.length;
        const pump = () => {
          if (done || ws.readyState !== WebSocket.OPEN) return;
          if (sent >= announced) return ws.close();
          ws.send(body, (err) => {
            if (!err) {
              sent += body.length;
              setImmediate(pump);
            }
          });
        };
        pump();
      });
      return;
    }
    const s = net.connect(target.port, target.host);
    s.on('error', () => finish(true));
    s.on('close', () => finish(sent < announced));
    s.on('connect', () => {
      s.write(connectHeader(announced));
      const pump = () => {
        while (!done && sent < announced) {
          sent += body.length;
          if (!s.write(body)) return void s.once('drain', pump);
        }
        if (sent >= announced) s.end();
      };
      pump();
    });
  });
}
