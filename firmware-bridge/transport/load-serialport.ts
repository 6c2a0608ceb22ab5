// serialport, loaded on first use: with its native binding and parsers it costs an agent about
// 6 MB resident, and only a device with a serial line (RS-232/RS-485) needs it.
import { createRequire } from 'node:module';
import type { SerialPort as SerialPortClass } from 'serialport';

const require = createRequire(import.meta.url);
let loaded: typeof SerialPortClass | undefined;

export function serialPortClass(): typeof SerialPortClass {
  return (loaded ??= (require('serialport') as typeof import('serialport')).SerialPort);
}
