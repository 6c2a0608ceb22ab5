// Modbus round trip: one read of holding registers (FC03, 1 register) and of input registers
// (FC04, 3 registers) through the wardcast master (queue, timeout, framing), against wardcast's
// amplifier simulator and against pymodbus (the peer), each in its own process, over TCP and over
// RTU on a socat pty pair at 9600 and 115200 baud. Median and p95 over N reads; the ratio is
// simulator / pymodbus for the same transport.
//   node bin/run-ts.mjs test/bench/modbus-bench.ts [reads=300]
//
// A pty carries bytes at memory speed whatever baud rate is set: the RTU figures measure the
// software path, not the wire. The wire time an RS-485 line adds is printed beside them
// (10 bits per character at 8N1, request + answer + two 3.5-character gaps).
import { ModbusBus } from '../../firmware-bridge/transport/modbus-master.ts';
import { havePymodbus, haveSocat, pymodbusServer, socatPair, wardcastSimServer, type Peer } from '../peers/peers.ts';
import { freePort } from '../helpers/ports.ts';

const N = Number(process.argv[2] ?? 300);

interface Figures {
  median: number;
  p95: number;
}

function stats(samples: number[]): Figures {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function measure(bus: ModbusBus): Promise<{ fc03: Figures; fc04: Figures }> {
  const u = bus.unit(1, 'bench');
  for (let i = 0; i < 20; i++) await u.readHoldingRegisters(0, 1); // warm-up, connection
  const fc03: number[] = [];
  const fc04: number[] = [];
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    await u.readHoldingRegisters(0, 1);
    fc03.push(performance.now() - t);
    t = performance.now();
    await u.readInputRegisters(0, 3);
    fc04.push(performance.now() - t);
  }
  return { fc03: stats(fc03), fc04: stats(fc04) };
}

type Server = 'wardcast-sim' | 'pymodbus';
type Transport = 'tcp' | 'rtu-9600' | 'rtu-115200';

async function run(server: Server, transport: Transport) {
  let peer: Peer | undefined;
  let pair: Awaited<ReturnType<typeof socatPair>> | undefined;
  let bus: ModbusBus | undefined;
  try {
    if (transport === 'tcp') {
      const port = await freePort();
      peer = server === 'pymodbus' ? await pymodbusServer(['tcp', port]) : await wardcastSimServer(['tcp', port]);
      bus = new ModbusBus({ type: 'tcp', host: '127.0.0.1', port }, { timeoutMs: 1000, retries: 0 });
    } else {
      const baud = Number(transport.split('-')[1]);
      pair = await socatPair();
      peer =
        server === 'pymodbus'
          ? await pymodbusServer(['rtu', pair.b, baud])
          : await wardcastSimServer(['rtu', pair.b, baud]);
      bus = new ModbusBus({ type: 'rtu', path: pair.a, baudRate: baud }, { timeoutMs: 1000, retries: 0 });
    }
    const r = await measure(bus);
    return { ...r, retries: bus.stats.retries, timeouts: bus.stats.timeouts };
  } finally {
    await bus?.close();
    await peer?.stop();
    await pair?.stop();
  }
}

/** Wire time of a request/answer pair on RS-485 at `baud`, 8N1: 10 bits a character, plus two 3.5-character gaps. */
const wireMs = (baud: number, reqBytes: number, ansBytes: number) => ((reqBytes + ansBytes + 7) * 10 * 1000) / baud;

if (!havePymodbus() || !haveSocat()) {
  console.error('needs Debian python3-pymodbus (/usr/bin/python3) and socat');
  process.exit(1);
}
const fmt = (x: number) => x.toFixed(2).padStart(7);
console.log(`Modbus read round trip, ${N} reads each, ms (median / p95)`);
console.log(
  `${'transport'.padEnd(12)}${'server'.padEnd(14)}${'FC03 1 reg'.padStart(18)}${'FC04 3 regs'.padStart(18)}   wire time at that baud (FC03 / FC04)`,
);
for (const transport of ['tcp', 'rtu-9600', 'rtu-115200'] as const) {
  const results: Partial<Record<Server, Awaited<ReturnType<typeof run>>>> = {};
  for (const server of ['wardcast-sim', 'pymodbus'] as const) {
    const r = await run(server, transport);
    results[server] = r;
    const baud = transport === 'tcp' ? 0 : Number(transport.split('-')[1]);
    const wire = baud ? `${wireMs(baud, 8, 7).toFixed(1)} / ${wireMs(baud, 8, 11).toFixed(1)} ms on a real line` : '';
    console.log(
      `${transport.padEnd(12)}${server.padEnd(14)}${fmt(r.fc03.median)} /${fmt(r.fc03.p95)}  ${fmt(r.fc04.median)} /${fmt(r.fc04.p95)}   ${wire}${r.timeouts ? `  (${r.timeouts} timeouts)` : ''}`,
    );
  }
  const s = results['wardcast-sim']!;
  const p = results.pymodbus!;
  console.log(
    `${''.padEnd(12)}${'ratio sim/py'.padEnd(14)}${(s.fc03.median / p.fc03.median).toFixed(2).padStart(7)} median  ${(s.fc04.median / p.fc04.median).toFixed(2).padStart(7)} median`,
  );
}
