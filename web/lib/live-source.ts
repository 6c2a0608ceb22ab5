// The browser side of a live broadcast: the microphone (getUserMedia), its level (an AnalyserNode),
// and the audio sent to the hub over a WebSocket as MediaRecorder chunks of WebM/Opus, 100 ms each
// (the contract: hub/api-contract/live.ts). The hub keeps a session whose socket drops for up to
// RECONNECT_WINDOW_S, so a lost socket is opened again and the same stream goes on (AudioSender).
import { LIVE_SOURCE_GRACE_MS } from '../../hub/api-contract/live-limits.ts';
import { LIVE_PAGE_TEXT } from '../../hub/text/live.ts';
import { withToken } from './api.ts';
import { say } from './i18n.ts';
import { levelDb } from './live-level.ts';

export const LIVE_MIME = 'audio/webm;codecs=opus';
/** MediaRecorder's timeslice: one binary message every 100 ms. */
export const CHUNK_MS = 100;
/** Speech needs no more; a phone on 4G sends about 14 MB an hour. */
const BITS_PER_SECOND = 32_000;
/** How long the hub waits for the audio socket to come back before it ends the session (the hub's own constant). */
export const RECONNECT_WINDOW_S = LIVE_SOURCE_GRACE_MS / 1000;

/** Why the microphone cannot be used, as the page says it. */
export class MicError extends Error {}

/** Asks the browser for the microphone; a refusal becomes a MicError with the reason in the UI's language. */
export async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MicError(say(LIVE_PAGE_TEXT['live.mic-insecure']));
  if (typeof MediaRecorder === 'undefined' || !MediaRecorder.isTypeSupported(LIVE_MIME))
    throw new MicError(say(LIVE_PAGE_TEXT['live.recorder-unsupported'], { mime: LIVE_MIME }));
  try {
    // The voice as spoken: echo cancellation and noise suppression help a PC's built-in microphone.
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
  } catch (e) {
    const name = (e as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError')
      throw new MicError(say(LIVE_PAGE_TEXT['live.mic-refused']));
    if (name === 'NotFoundError' || name === 'OverconstrainedError')
      throw new MicError(say(LIVE_PAGE_TEXT['live.mic-missing']));
    throw new MicError(say(LIVE_PAGE_TEXT['live.mic-busy']));
  }
}

/** Calls `onLevel` with the microphone's level in dBFS about ten times a second; returns the stop. */
export function watchLevel(stream: MediaStream, onLevel: (db: number) => void): () => void {
  const audio = new AudioContext();
  // Created after awaiting the microphone and the hub: a browser may start it suspended (no fresh click).
  void audio.resume().catch(() => {
    /* the meter stays at its floor; the audio still goes out through MediaRecorder */
  });
  const analyser = audio.createAnalyser();
  analyser.fftSize = 2048;
  // Not connected to the speakers: the leader would hear themselves (and the room would howl).
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    onLevel(levelDb(samples));
  }, 100);
  return () => {
    clearInterval(timer);
    void audio.close().catch(() => {
      /* already closed: nothing to release */
    });
  };
}

/**
 * The audio connection: connecting, open, reconnecting after a drop, lost (not back within the
 * hub's window: the hub ends the session), failed (the first connection was refused), closed (stopped).
 */
export type SenderState = 'connecting' | 'open' | 'reconnecting' | 'lost' | 'failed' | 'closed';

/**
 * Sends the microphone to the hub's audio socket until stopped, reconnecting within the hub's window.
 * One recorder for the whole broadcast: the hub feeds every socket's bytes to the session's one
 * ffmpeg, so after a drop the next socket carries on the same WebM stream (in the browser test, a
 * new recorder's stream on the new socket did not reach the speakers within the hub's window).
 * Chunks recorded while the socket is down are kept (at most the hub's window) and sent first on
 * the new socket: nothing said is lost, and it airs later by the length of the drop. (A chunk cut off in flight cannot be told apart here: Chrome's chunks do not
 * end on element boundaries, so the hub's demuxer resyncs at the next cluster.)
 */
export class AudioSender {
  private socket: WebSocket | null = null;
  private recorder: MediaRecorder | null = null;
  /** Chunks recorded while no socket was open, oldest first. */
  private waiting: Blob[] = [];
  private lostAt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private everOpen = false;

  constructor(
    private readonly stream: MediaStream,
    private readonly audioPath: string,
    private readonly onState: (s: SenderState) => void,
  ) {
    this.connect();
  }

  private connect() {
    const url = new URL(withToken(this.audioPath), location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.onState(this.everOpen ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    ws.onopen = () => {
      if (this.stopped) return ws.close(1000);
      this.everOpen = true;
      this.lostAt = 0;
      for (const chunk of this.waiting.splice(0)) ws.send(chunk);
      this.recorder ??= this.record();
      this.onState('open');
    };
    ws.onclose = () => {
      if (this.socket !== ws || this.stopped) return;
      // Refused at once (the session, the user or the origin): trying again would not change that.
      if (!this.everOpen) {
        this.stop();
        this.onState('failed');
        return;
      }
      this.lostAt ||= performance.now();
      if (performance.now() - this.lostAt > RECONNECT_WINDOW_S * 1000) {
        this.stop();
        this.onState('lost');
        return;
      }
      this.onState('reconnecting');
      this.retry = setTimeout(() => this.connect(), 1000);
    };
  }

  private record(): MediaRecorder {
    const rec = new MediaRecorder(this.stream, { mimeType: LIVE_MIME, audioBitsPerSecond: BITS_PER_SECOND });
    rec.ondataavailable = (e) => {
      if (e.data.size === 0 || this.stopped) return;
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(e.data);
      else this.waiting.push(e.data);
    };
    rec.start(CHUNK_MS);
    return rec;
  }

  /** Stops recording and closes the socket (the session itself is ended by POST …/end). */
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retry);
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.recorder = null;
    this.waiting = [];
    this.socket?.close(1000);
    this.onState('closed');
  }
}
