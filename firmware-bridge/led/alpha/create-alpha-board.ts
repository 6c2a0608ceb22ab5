// Builds an AlphaLedBoard and its link from a profile's board section.
import { SerialPortLink } from '../../transport/serial-port-link.ts';
import { TcpStreamLink } from '../../transport/tcp-stream.ts';
import type { StreamLink } from '../../transport/serial-link.ts';
import { AlphaLedBoard } from './alpha-led-board.ts';
import type { AlphaBoardConfig } from './profile.ts';

export function createAlphaLedBoard(b: AlphaBoardConfig, name = 'led'): AlphaLedBoard {
  const device = `Alpha LED board "${name}"`;
  const linkOptions = { device, timeoutMs: b.timeoutMs, retries: b.retries, writeGapMs: b.writeGapMs };
  const link: StreamLink =
    b.driver === 'alpha-serial'
      ? new SerialPortLink(
          { path: b.path, baudRate: b.baudRate, dataBits: b.dataBits, parity: b.parity, stopBits: b.stopBits },
          linkOptions,
        )
      : new TcpStreamLink({ host: b.host, port: b.port, connectTimeoutMs: b.connectTimeoutMs }, linkOptions);
  return new AlphaLedBoard({
    name,
    link,
    typeCode: b.typeCode,
    address: b.address,
    charset: b.charset,
    vietnamese: b.vietnamese,
    stripMarker: b.stripMarker,
    rows: b.rows,
    columns: b.columns,
    maxLineChars: b.maxLineChars,
    dotColour: b.dotColour,
    timeZone: b.timeZone,
  });
}
