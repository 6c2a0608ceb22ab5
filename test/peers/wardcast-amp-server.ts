// wardcast's Modbus amplifier simulator in its own process, the counterpart of
// pymodbus_amp_server.py, so a benchmark compares two servers each in a process of its own.
//   node bin/run-ts.mjs test/peers/wardcast-amp-server.ts tcp PORT
//   node bin/run-ts.mjs test/peers/wardcast-amp-server.ts rtu DEVICE BAUD
// Prints "READY" when it serves; stops on SIGTERM.
import { ModbusAmplifierSimulator } from '../../firmware-bridge/amplifier/modbus-amplifier-simulator.ts';

const [mode, a, b] = process.argv.slice(2);
const sim = new ModbusAmplifierSimulator();
if (mode === 'tcp') await sim.listenTcp(Number(a));
else if (mode === 'rtu') await sim.openRtu({ path: a!, baudRate: Number(b) });
else {
  console.error('usage: wardcast-amp-server.ts tcp PORT | rtu DEVICE BAUD');
  process.exit(2);
}
console.log('READY');
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
