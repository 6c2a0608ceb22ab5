// The bad-actor suite's receipt cases, the same on every broker: an attacker holding led-hd's key and MQTT login claims what
// was never planned for it, what has not happened yet, what no agent could report, or contradicts
// the genuine receipt that already stands. Signed claims are kept as rejected (never counted);
// unsigned, forged or malformed ones are not even kept. Coverage must not move.
import { randomUUID, createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, signReceipt, type UnsignedReceipt } from '../../protocol/index.ts';
import { expectNothingChanged, coverage, sleep, tp, type BadActorWorld } from './world.ts';

export function receiptAttacks(label: string, world: () => BadActorWorld) {
  let x!: BadActorWorld;
  beforeAll(() => {
    x = world(); // started by the file's own beforeAll, which runs first
  });

  type Claim = Partial<UnsignedReceipt>;
  /** A receipt about the bulletin led-hd genuinely played, with the attacker's changes. */
  const aboutPlayed = (o: Claim): UnsignedReceipt => {
    const at = x.played.startsAt;
    return {
      id: randomUUID(),
      deviceId: 'led-hd',
      occurrenceId: `${x.played.id}@${at}`,
      broadcastId: x.played.id,
      result: 'played',
      scheduledStart: at,
      actualStart: at,
      actualEnd: at + 4000,
      secondsPlayed: 4,
      clockOffsetMs: 0,
      evidence: {},
      ...o,
    };
  };
  const publish = async (payload: string, from = x.devices['led-hd']) => {
    await from.client.publishAsync(tp.deviceEvent(from.id, 'receipt'), payload, { qos: 1 });
  };
  const rejectedCount = async () => (await coverage(x.t.admin)).rejectedCount as number;

  /** Signed with led-hd's own key: must be kept as a rejected claim for `reason`, and nothing counted. */
  function signedClaim(
    name: string,
    reason: string,
    claim: () => UnsignedReceipt,
    signer: 'led-hd' | 'loa-hd' = 'led-hd',
  ) {
    it(`keeps as rejected (${reason}): ${name}`, async () => {
      const before = await rejectedCount();
      await expectNothingChanged(x, async () => {
        await publish(JSON.stringify(signReceipt(x.devices[signer].key, claim())), x.devices[signer]);
        await x.t.admin.waitFor(async () => (await rejectedCount()) > before, 10_000, 'the claim stored as rejected');
      });
      const last = (await coverage(x.t.admin)).rejectedClaims.at(-1);
      expect(last.rejection).toBe(reason);
    });
  }

  describe(`${label}: signed claims the plan does not hold`, () => {
    signedClaim('a bulletin that does not exist', 'unplanned', () =>
      aboutPlayed({ occurrenceId: `khong-co@${x.played.startsAt}`, broadcastId: 'khong-co' }),
    );
    signedClaim('the right bulletin at a time it was never planned', 'unplanned', () =>
      aboutPlayed({
        occurrenceId: `${x.played.id}@${x.played.startsAt + 3600_000}`,
        scheduledStart: x.played.startsAt + 3600_000,
        actualStart: x.played.startsAt + 3600_000,
        actualEnd: x.played.startsAt + 3604_000,
      }),
    );
    signedClaim(
      "a speaker claiming the LED board's bulletin (nothing for its kind)",
      'not-targeted',
      () => ({ ...aboutPlayed({ deviceId: 'loa-hd' }) }),
      'loa-hd',
    );
    signedClaim('"played" for tomorrow\'s bulletin, today', 'premature', () =>
      aboutPlayed({
        occurrenceId: `${x.upcoming.id}@${x.upcoming.startsAt}`,
        broadcastId: x.upcoming.id,
        scheduledStart: x.upcoming.startsAt,
        actualStart: x.upcoming.startsAt,
        actualEnd: x.upcoming.startsAt + 4000,
      }),
    );
    signedClaim('an end before its start', 'implausible', () =>
      aboutPlayed({ actualStart: x.played.startsAt + 4000, actualEnd: x.played.startsAt }),
    );
    signedClaim('10⁹ seconds played', 'implausible', () => aboutPlayed({ secondsPlayed: 1e9 }));
    signedClaim('"missed" with seconds played', 'implausible', () =>
      aboutPlayed({ result: 'missed', actualStart: null, actualEnd: null, secondsPlayed: 3 }),
    );
    signedClaim('"played" with 1 % of the bulletin', 'implausible', () =>
      aboutPlayed({ actualEnd: x.played.startsAt + 40, secondsPlayed: 0.04 }),
    );
    signedClaim('a start an hour after the planned one', 'implausible', () =>
      aboutPlayed({ actualStart: x.played.startsAt + 3600_000, actualEnd: x.played.startsAt + 3604_000 }),
    );
    signedClaim("a scheduled start other than the occurrence's", 'implausible', () =>
      aboutPlayed({ scheduledStart: x.played.startsAt + 1000 }),
    );
  });

  describe(`${label}: claims that contradict the genuine receipt`, () => {
    for (const [name, claim] of [
      [
        'a later "missed" for the occurrence it played',
        () => aboutPlayed({ result: 'missed', actualStart: null, actualEnd: null, secondsPlayed: 0 }),
      ],
      [
        'a later "failed" for the occurrence it played',
        () =>
          aboutPlayed({
            result: 'failed',
            actualStart: null,
            actualEnd: null,
            secondsPlayed: 0,
            reason: 'amplifier fault',
          }),
      ],
      [
        'a second "played" with other times',
        () => aboutPlayed({ actualStart: x.played.startsAt + 100, actualEnd: x.played.startsAt + 4100 }),
      ],
    ] as Array<[string, () => UnsignedReceipt]>) {
      it(`the first genuine result stands against ${name}`, () =>
        expectNothingChanged(x, async () => {
          const r = signReceipt(x.devices['led-hd'].key, claim());
          await publish(JSON.stringify(r));
          await sleep(500);
        }));
    }
    it('a replay of a stored receipt is acknowledged and changes nothing', () =>
      expectNothingChanged(x, async () => {
        const r = signReceipt(x.devices['led-hd'].key, aboutPlayed({}));
        await publish(JSON.stringify(r));
        await sleep(300);
        await publish(JSON.stringify(r));
      }));
  });

  describe(`${label}: receipts that are not even claims`, () => {
    const unchangedAndNotKept = async (payload: () => string) => {
      const before = await rejectedCount();
      await expectNothingChanged(x, () => publish(payload()), 500);
      expect(await rejectedCount()).toBe(before);
    };
    it('signed by another key (a thief without the device key)', () =>
      unchangedAndNotKept(() =>
        JSON.stringify(
          signReceipt(
            createPrivateKey(generateSigningKeys().privateKeyPem),
            aboutPlayed({ occurrenceId: `khong-co@1`, broadcastId: 'khong-co', scheduledStart: 1 }),
          ),
        ),
      ));
    it('naming another device than the one that sent it', () =>
      unchangedAndNotKept(() =>
        JSON.stringify(signReceipt(x.devices['led-hd'].key, aboutPlayed({ deviceId: 'led-kg' }))),
      ));
    it('with its signature removed', () => unchangedAndNotKept(() => JSON.stringify({ ...aboutPlayed({}), sig: '' })));
    it('with a field changed after signing', () =>
      unchangedAndNotKept(() =>
        JSON.stringify({
          ...signReceipt(
            x.devices['led-hd'].key,
            aboutPlayed({ occurrenceId: 'khong-co@1', broadcastId: 'khong-co', scheduledStart: 1 }),
          ),
          secondsPlayed: 999,
        }),
      ));
    it('that is not JSON', () => unchangedAndNotKept(() => '{"id": "x", '));
    it('that fails the schema', () => unchangedAndNotKept(() => JSON.stringify({ id: 'not-a-uuid', result: 'won' })));
  });
}
