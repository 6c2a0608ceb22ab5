// The live jitter buffer: it holds the stream for its buffer, then passes it on, and counts an
// underrun when the audio received ends before the time played (read from the Ogg granules).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveBuffer } from './live-buffer.ts';

/** An Ogg page header with this granule position (48 kHz samples), and a little payload. */
function page(granule: number): Buffer {
  const b = Buffer.alloc(27 + 1 + 10);
  b.write('OggS', 0, 'latin1');
  b.writeBigInt64LE(BigInt(granule), 6);
  b[26] = 1;
  b[27] = 10;
  return b;
}
const PAGE = 4800; // 100 ms

/** A LiveBuffer of bufferMs on a clock the test sets (clock.t), keeping what its timer releases. */
function onClock(bufferMs: number, t0 = 0, epoch?: number) {
  const clock = { t: t0 };
  const released: Buffer[][] = [];
  const lb = new LiveBuffer(
    bufferMs,
    (c) => released.push(c),
    () => clock.t,
    epoch,
  );
  return { clock, released, lb };
}

// A test that fakes the timers has them back when it ends, passed or failed.
afterEach(() => vi.useRealTimers());

describe('LiveBuffer', () => {
  it('holds the stream for bufferMs after the first audio page, then passes it through', () => {
    vi.useFakeTimers();
    const { clock, released, lb } = onClock(300);
    expect(lb.push(page(0))).toEqual([]); // the headers wait with the audio
    expect(lb.push(page(PAGE))).toEqual([]);
    clock.t = 100;
    expect(lb.push(page(2 * PAGE))).toEqual([]);
    clock.t = 300;
    vi.advanceTimersByTime(300);
    expect(released).toHaveLength(1);
    expect(Buffer.concat(released[0]!)).toEqual(Buffer.concat([page(0), page(PAGE), page(2 * PAGE)]));
    clock.t = 310;
    const p = page(3 * PAGE);
    expect(lb.push(p)).toEqual([p]);
    expect(lb.stats).toEqual({ dropouts: 0, dropoutMs: 0 });
  });

  it('releases as soon as it holds bufferMs of audio: a burst at the start adds nothing to the delay', () => {
    const { clock, lb } = onClock(300);
    expect(lb.push(page(0))).toEqual([]);
    expect(lb.push(page(PAGE))).toEqual([]);
    expect(lb.push(page(2 * PAGE))).toEqual([]);
    // The third audio page brings the audio held to 300 ms, all at t = 0.
    expect(Buffer.concat(lb.push(page(3 * PAGE)))).toEqual(
      Buffer.concat([page(0), page(PAGE), page(2 * PAGE), page(3 * PAGE)]),
    );
    clock.t = 50;
    expect(lb.push(page(4 * PAGE))).toHaveLength(1);
    lb.close();
  });

  it('counts an underrun when a page comes after the audio held ran out, and none while the buffer covers a delay', () => {
    const { clock, lb } = onClock(200);
    lb.push(page(PAGE));
    clock.t = 100;
    // 200 ms of audio held: playing from here
    expect(Buffer.concat(lb.push(page(2 * PAGE)))).toEqual(Buffer.concat([page(PAGE), page(2 * PAGE)]));
    // Pages keep coming every 100 ms, 200 ms ahead of the player.
    for (let i = 3; i <= 10; i++) {
      clock.t += 100;
      lb.push(page(i * PAGE));
    }
    expect(lb.stats.dropouts).toBe(0);
    // A page 80 ms late: the buffer (less the page it waits for) covers it.
    clock.t += 180;
    lb.push(page(11 * PAGE));
    expect(lb.stats.dropouts).toBe(0);
    // A stall of a second: the audio ran out and the speaker was silent for the rest of it.
    const held = 11 * 100 - (clock.t - 100); // ms of audio ahead of the player
    clock.t += 1000;
    lb.push(page(12 * PAGE));
    expect(lb.stats.dropouts).toBe(1);
    expect(lb.stats.dropoutMs).toBeCloseTo(1000 - held, 0);
  });

  it('reads every granule whatever the chunk size, a header split or not', () => {
    // 500 ms held: the hold ends at the chunk that completes the fifth audio page's granule.
    const pages = [page(0), ...[1, 2, 3, 4, 5, 6].map((n) => page(n * PAGE))];
    const stream = Buffer.concat(pages);
    const granuleEnd = 5 * pages[0]!.length + 14; // the fifth audio page's granule ends here
    for (const size of [1, 2, 3, 5, 12, 13, 14, 20, 38, 50]) {
      const lb = new LiveBuffer(
        500,
        () => undefined,
        () => 0,
      );
      let releasedAt = -1;
      for (let at = 0; at < stream.length && releasedAt < 0; at += size)
        if (lb.push(stream.subarray(at, at + size)).length) releasedAt = at;
      lb.close();
      expect(releasedAt, `chunks of ${size} bytes`).toBe(Math.floor((granuleEnd - 1) / size) * size);
    }
  });

  it('finds a page header split across two chunks', () => {
    const { clock, lb } = onClock(0);
    lb.push(page(PAGE));
    lb.flush();
    const p = page(2 * PAGE);
    lb.push(p.subarray(0, 9));
    lb.push(p.subarray(9));
    // 200 ms of audio received: at 250 ms the player has run out.
    clock.t = 250;
    lb.push(page(3 * PAGE));
    expect(lb.stats.dropouts).toBe(1);
    expect(lb.stats.dropoutMs).toBeCloseTo(50, 0);
  });
});

describe('LiveBuffer after a burst', () => {
  it('leaves out the oldest audio pages beyond bufferMs, keeping the headers, and counts from there', () => {
    const { clock, lb } = onClock(200);
    const head = page(0);
    const audio = [1, 2, 3, 4, 5].map((i) => page(i * PAGE));
    // 500 ms arrived at once: 300 ms of it is older than the buffer's reach.
    const out = lb.push(Buffer.concat([head, ...audio]));
    expect(Buffer.concat(out)).toEqual(Buffer.concat([head, audio[3]!, audio[4]!]));
    // Pages then keep coming in real time: no underrun.
    for (let i = 6; i <= 12; i++) {
      clock.t += 100;
      lb.push(page(i * PAGE));
    }
    expect(lb.stats.dropouts).toBe(0);
    clock.t += 400;
    lb.push(page(13 * PAGE));
    expect(lb.stats.dropouts).toBe(1);
  });
});

describe('LiveBuffer with the stream epoch', () => {
  it('starts at epoch + granule + bufferMs on its clock, on the page after those already due', () => {
    vi.useFakeTimers();
    // Granule g went out at epoch + g/48 in hub time; this device's clock reads 1000 at epoch.
    // The first audio page (ends at 100 ms) came 30 ms after it went out.
    const { clock, released, lb } = onClock(300, 1000 + 130, 1000);
    const head = page(0);
    expect(lb.push(head)).toEqual([]);
    expect(lb.push(page(PAGE))).toEqual([]);
    clock.t = 1230;
    expect(lb.push(page(2 * PAGE))).toEqual([]);
    clock.t = 1330;
    expect(lb.push(page(3 * PAGE))).toEqual([]);
    // The first page's end is due at 1000 + 100 + 300 = 1400: 270 ms after it came.
    clock.t = 1399;
    vi.advanceTimersByTime(269);
    expect(released).toHaveLength(0);
    clock.t = 1400;
    vi.advanceTimersByTime(1);
    expect(released).toHaveLength(1);
    expect(Buffer.concat(released[0]!)).toEqual(Buffer.concat([head, page(2 * PAGE), page(3 * PAGE)]));
    // Pages then come in real time: no underrun; one 250 ms late is.
    clock.t = 1430;
    lb.push(page(4 * PAGE));
    expect(lb.stats.dropouts).toBe(0);
    clock.t = 1800;
    lb.push(page(5 * PAGE));
    expect(lb.stats.dropouts).toBe(1);
    expect(lb.stats.dropoutMs).toBeCloseTo(100, 0);
  });

  it('leaves out the pages due by the planned instant even when its timer fires a millisecond early', () => {
    vi.useFakeTimers();
    const { clock, released, lb } = onClock(300, 1130, 1000);
    lb.push(Buffer.concat([page(PAGE), page(2 * PAGE)]));
    clock.t = 1399; // the device's clock a millisecond behind the timer
    vi.advanceTimersByTime(270);
    expect(Buffer.concat(released[0]!)).toEqual(page(2 * PAGE));
  });

  it('a device that joins late starts at once, on the first page not yet due', () => {
    const { lb } = onClock(300, 1000 + 900, 1000);
    // Pages ending at 100..500 ms: those ending by 900 - 300 = 600 ms are due; 700 is not.
    const audio = [1, 2, 3, 4, 5, 6, 7].map((i) => page(i * PAGE));
    expect(Buffer.concat(lb.push(Buffer.concat(audio)))).toEqual(audio[6]!);
  });
});

describe('LiveBuffer catching up after an underrun (with the stream epoch)', () => {
  /** Starts a 300 ms buffer on epoch 1000 and plays pages 2-4 (100 ms each) on schedule; t is then 1430. */
  function playing() {
    const { clock, released, lb } = onClock(300, 1130, 1000);
    lb.push(Buffer.concat([page(0), page(PAGE)]));
    clock.t = 1230;
    lb.push(page(2 * PAGE));
    clock.t = 1330;
    lb.push(page(3 * PAGE));
    clock.t = 1400;
    vi.advanceTimersByTime(270);
    expect(Buffer.concat(released.shift()!)).toEqual(Buffer.concat([page(0), page(2 * PAGE), page(3 * PAGE)]));
    clock.t = 1430;
    expect(lb.push(page(4 * PAGE))).toEqual([page(4 * PAGE)]); // its audio runs out at 1700, when due
    return { clock, released, lb };
  }

  it('leaves out the pages already due and resumes on the schedule, counting the stretch left out', () => {
    vi.useFakeTimers();
    const { clock, released, lb } = playing();
    // The link stalls; pages 5-8 (due to end at 1800..2100) come together at 2050.
    clock.t = 2050;
    expect(lb.push(Buffer.concat([5, 6, 7, 8].map((i) => page(i * PAGE))))).toEqual([]);
    expect(lb.underrun).toBe(true);
    expect(lb.stats.dropouts).toBe(1);
    // Page 9 starts at 2100 on the schedule (when page 8 is due): the buffer waits for that instant.
    clock.t = 2080;
    expect(lb.push(page(9 * PAGE))).toEqual([]);
    clock.t = 2099;
    vi.advanceTimersByTime(19);
    expect(released).toHaveLength(0);
    clock.t = 2100;
    vi.advanceTimersByTime(1);
    expect(released.map((c) => Buffer.concat(c))).toEqual([page(9 * PAGE)]);
    // Silent from 1700 to 2100, and pages 5-8 (400 ms) never played: one dropout of 400 ms.
    expect(lb.stats).toEqual({ dropouts: 1, dropoutMs: 400 });
    // Back on the timeline: pages arriving in time pass through and no further underrun is counted
    // (had it played pages 5-8 late, page 10's audio would have run out at 2600, not 2300).
    clock.t = 2150;
    expect(lb.push(page(10 * PAGE))).toEqual([page(10 * PAGE)]);
    clock.t = 2290;
    expect(lb.push(page(11 * PAGE))).toEqual([page(11 * PAGE)]);
    expect(lb.underrun).toBe(false);
    // ... and the next gap is measured from that timeline: page 12 at 2450 finds 50 ms of silence.
    clock.t = 2450;
    expect(lb.push(page(12 * PAGE))).toEqual([]);
    expect(lb.stats.dropouts).toBe(2);
    expect(lb.stats.dropoutMs).toBeCloseTo(450, 6);
    lb.close();
  });

  it('plays on without a catch-up when the player ran dry by no more than timing noise', () => {
    vi.useFakeTimers();
    const { clock, lb } = playing();
    clock.t = 1710; // 10 ms after page 4's audio ran out
    expect(lb.push(page(5 * PAGE))).toEqual([page(5 * PAGE)]);
    expect(lb.stats).toEqual({ dropouts: 0, dropoutMs: 0 });
  });

  it('passes on the rest of a page already begun and holds from the next page', () => {
    vi.useFakeTimers();
    const { clock, lb } = playing();
    const p5 = page(5 * PAGE);
    clock.t = 1690;
    expect(lb.push(p5.subarray(0, 20))).toEqual([p5.subarray(0, 20)]); // page 5's header: due to end at 1800
    clock.t = 2050;
    const out = lb.push(Buffer.concat([p5.subarray(20), page(6 * PAGE), page(7 * PAGE)]));
    expect(Buffer.concat(out)).toEqual(p5.subarray(20));
    expect(lb.stats).toEqual({ dropouts: 1, dropoutMs: 250 });
  });

  it('at the end of the stream, counts the silence of a catch-up still waiting', () => {
    vi.useFakeTimers();
    const { clock, lb } = playing();
    clock.t = 1900;
    expect(lb.push(page(5 * PAGE))).toEqual([]); // due to end at 1800: left out
    clock.t = 1950;
    expect(lb.flush()).toEqual([]);
    expect(lb.stats).toEqual({ dropouts: 1, dropoutMs: 250 });
  });
});
