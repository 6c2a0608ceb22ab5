// The list of Debian peers lives in one file; the README's table and the set-up step read it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types: it must run before npm's dependencies matter
import { PEERS, installCommand, probePeer, readmeTable } from './setup-peers.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('Debian peers', () => {
  it('the README table is the one rendered from test/peers/debian-peers.json', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(readmeTable());
  });

  it('asks for pymodbus together with the serial modules --no-install-recommends leaves out', () => {
    const pymodbus = PEERS.find((p: { name: string }) => p.name === 'pymodbus');
    expect(pymodbus.packages).toEqual(
      expect.arrayContaining(['python3-pymodbus', 'python3-serial', 'python3-serial-asyncio']),
    );
    expect(installCommand(pymodbus.packages)).toBe(
      'apt-get update && apt-get install -y --no-install-recommends python3-pymodbus python3-serial python3-serial-asyncio',
    );
  });

  it('a probe names what is missing or broken', () => {
    expect(probePeer({ probes: [{ file: '/nonexistent/wardcast-peer' }] })).toBe(
      '/nonexistent/wardcast-peer is missing',
    );
    expect(probePeer({ probes: [{ run: ['wardcast-no-such-program'] }] })).toMatch(
      /wardcast-no-such-program is not installed/,
    );
    expect(
      probePeer({
        probes: [{ run: [process.execPath, '-e', 'console.error("cannot import serial"); process.exit(3)'] }],
      }),
    ).toMatch(/exited with 3: cannot import serial/);
    expect(probePeer({ probes: [{ run: [process.execPath, '-e', ''] }] })).toBeNull();
  });
});
