// The message that stops the peer and e2e tiers names each missing peer, its packages and the
// command that installs them.
import { describe, expect, it } from 'vitest';
import { missingPeersMessage } from './peers-present.ts';

describe('a missing Debian peer', () => {
  it('is named with its packages and the command that installs them', () => {
    const message = missingPeersMessage(
      [{ peer: { name: 'mosquitto', packages: ['mosquitto', 'mosquitto-clients'] }, problem: 'missing' }],
      11,
    );
    expect(message).toContain('✗ mosquitto (mosquitto, mosquitto-clients): missing');
    expect(message).toContain('node test/peers/setup-peers.mjs');
    expect(message).toContain('apt-get install -y --no-install-recommends mosquitto mosquitto-clients');
    expect(message).toMatch(/lacks 1:/);
  });
});
