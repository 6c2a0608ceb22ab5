// One live broadcast from this browser, from "Bắt đầu phát" to its end: the microphone, the audio
// sender, the level, and the session as the hub reports it (polled every second). It lives outside
// the page, so moving to another tab of the UI keeps the broadcast on air and coming back shows it.
import type { LiveSession, LiveStartBody, LiveStarted } from '../../hub/api-contract/live.ts';
import { LIVE_PAGE_TEXT } from '../../hub/text/live.ts';
import { ApiError, get, post } from './api.ts';
import { say } from './i18n.ts';
import { METER_FLOOR_DB } from './live-level.ts';
import { AudioSender, openMicrophone, RECONNECT_WINDOW_S, type SenderState, watchLevel } from './live-source.ts';

const POLL_MS = 1000;

let current: LiveRun | null = null;
const watchers = new Set<() => void>();
const changed = () => {
  for (const f of watchers) f();
};
/** The broadcast this browser is making (or made last, until dismissed). */
export const currentRun = () => current;
export const onRunChange = (f: () => void) => {
  watchers.add(f);
  return () => watchers.delete(f);
};

export class LiveRun {
  /** The session as the hub last reported it (GET /api/v1/live/<id>). */
  session: LiveSession | null = null;
  /** The microphone's level (dBFS). */
  level = METER_FLOOR_DB;
  link: SenderState = 'connecting';
  /** What went wrong on this side (microphone, connection, ending), in the UI's language. */
  problem = '';
  /** When the session last came (performance.now()): the time on air runs on from the hub's figure. */
  polledAt = 0;
  private stopLevel: () => void;
  private sender: AudioSender;
  private poller: ReturnType<typeof setTimeout> | undefined;
  private released = false;

  private constructor(
    readonly started: LiveStarted,
    private readonly stream: MediaStream,
  ) {
    this.stopLevel = watchLevel(stream, (db) => {
      this.level = db;
      changed();
    });
    this.sender = new AudioSender(stream, started.audioUrl, (s) => this.onLink(s));
    void this.poll();
  }

  /**
   * Goes live: the microphone first (a refusal creates nothing on the hub), then the session, then
   * the audio. Throws a MicError or the hub's ApiError (quiet hours, a clash, the role).
   */
  static async start(body: LiveStartBody): Promise<LiveRun> {
    const stream = await openMicrophone();
    let started: LiveStarted;
    try {
      started = await post<LiveStarted>('/api/v1/live', body);
    } catch (e) {
      for (const t of stream.getTracks()) t.stop();
      throw e;
    }
    current = new LiveRun(started, stream);
    window.addEventListener('beforeunload', holdPage);
    changed();
    return current;
  }

  get ended() {
    return this.session?.state === 'ended';
  }

  /**
   * Seconds on air: the hub's count from the speakers' start (it has no other clock to agree with),
   * run on by this browser between polls so the figure moves smoothly.
   */
  get secondsOnAir() {
    const s = this.session;
    if (!s || s.state === 'starting') return 0;
    return s.state === 'ended' ? s.secondsLive : s.secondsLive + (performance.now() - this.polledAt) / 1000;
  }

  /** Ends the session on the hub, then switches the microphone off and closes the socket. */
  async end() {
    try {
      this.session = await post<LiveSession>(`/api/v1/live/${this.started.id}/end`);
      this.polledAt = performance.now();
    } catch (e) {
      // Ended already (by the hub or the district), or the hub unreachable: the microphone goes off
      // anyway, and without audio the hub ends the session itself.
      this.problem = e instanceof ApiError ? e.message : String(e);
    }
    this.release();
    changed();
  }

  /** Forgets an ended broadcast (the page shows the form again). */
  dismiss() {
    this.release();
    if (current === this) current = null;
    changed();
  }

  private onLink(s: SenderState) {
    this.link = s;
    if (s === 'reconnecting')
      this.problem = say(LIVE_PAGE_TEXT['live.socket-reconnecting'], { seconds: RECONNECT_WINDOW_S });
    else if (s === 'open') this.problem = '';
    else if (s === 'lost') {
      this.problem = say(LIVE_PAGE_TEXT['live.socket-lost'], { seconds: RECONNECT_WINDOW_S });
      this.release(true);
    } else if (s === 'failed') {
      this.problem = say(LIVE_PAGE_TEXT['live.socket-failed']);
      // Nothing will reach the speakers: end the session now rather than after the hub's wait.
      void post<LiveSession>(`/api/v1/live/${this.started.id}/end`)
        .then((x) => (this.session = x))
        .catch(() => {
          /* the hub ends it as source-lost */
        })
        .finally(() => {
          this.release();
          changed();
        });
    }
    changed();
  }

  /** Polls the session every second until it has ended (and once more for the final figures). */
  private async poll() {
    try {
      this.session = await get<LiveSession>(`/api/v1/live/${this.started.id}`);
      this.polledAt = performance.now();
    } catch {
      /* a missed poll: the next one tells */
    }
    if (this.ended) this.release();
    changed();
    if (!this.ended) this.poller = setTimeout(() => void this.poll(), POLL_MS);
  }

  /** Microphone off, socket closed, level stopped; `keepPolling` while the hub has yet to end it. */
  private release(keepPolling = false) {
    if (!keepPolling) clearTimeout(this.poller);
    if (this.released) return;
    this.released = true;
    this.stopLevel();
    this.sender.stop();
    for (const t of this.stream.getTracks()) t.stop();
    this.level = METER_FLOOR_DB;
    window.removeEventListener('beforeunload', holdPage);
  }
}

/** Leaving the page while on air asks first (the browser's own question). */
function holdPage(e: BeforeUnloadEvent) {
  e.preventDefault();
}
