// Waveform of a bulletin from the peaks the hub computed, with the playhead of the <audio> beside it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, withToken } from '../lib/api.ts';
import { tx } from '../lib/i18n.ts';
import type { MediaItem, Waveform } from '../../hub/api-contract/media.ts';

export function AudioWithWave({ media }: { media: MediaItem }) {
  const [peaks, setPeaks] = useState<number[] | null>(null);
  const [err, setErr] = useState('');
  const [pos, setPos] = useState(0);
  const [at, setAt] = useState(0);
  const audio = useRef<HTMLAudioElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  // Fetch the peaks only once the waveform scrolls into view (a library can be long).
  useEffect(() => {
    if (!box.current || typeof IntersectionObserver === 'undefined') return setVisible(true);
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setVisible(true);
          io.disconnect();
        }
      },
      { rootMargin: '200px' },
    );
    io.observe(box.current);
    return () => io.disconnect();
  }, []);
  useEffect(() => {
    if (media.status !== 'ready' || !visible) return;
    get<Waveform>(`/api/v1/media/${media.id}/waveform`).then(
      (w) => setPeaks(w.peaks),
      (e: Error) => setErr(e.message),
    );
  }, [media.id, media.status, visible]);
  const opus = media.outputs?.find((o) => o.format === 'opus');
  const mp3 = media.outputs?.find((o) => o.format === 'mp3');
  const W = 800;
  const H = 60;
  const seek = (e: MouseEvent) => {
    const a = audio.current;
    const svg = e.currentTarget as SVGElement;
    if (!a?.duration) return;
    const r = svg.getBoundingClientRect();
    a.currentTime = ((e.clientX - r.left) / r.width) * a.duration;
  };
  return (
    <div class="wave" ref={box}>
      {peaks ? (
        // Hidden from screen readers: clicking the picture to seek is a pointer shortcut, and the player below is what
        // keyboards and screen readers use.
        <svg
          aria-hidden="true"
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          class="wave-svg"
          data-testid="waveform"
          data-points={peaks.length}
          onClick={seek}
        >
          <path
            d={peaks.map((p, i) => `M${i + 0.5} ${H / 2 - (p * H) / 2}V${H / 2 + (p * H) / 2}`).join('')}
            stroke="#1565c0"
            stroke-width="1"
          />
          <rect x={pos * W} y="0" width="2" height={H} fill="#c62828" />
        </svg>
      ) : (
        <div class="wave-svg muted small">{err || tx('Đang vẽ dạng sóng…', 'Drawing waveform…')}</div>
      )}
      {opus && (
        // biome-ignore lint/a11y/useMediaCaption: spoken bulletins have no caption track; a typed bulletin's text is kept with it in the library
        <audio
          ref={audio}
          controls
          // Metadata (its length) loads once the player is in view, so it does not read 0:00 before it is pressed.
          preload={visible ? 'metadata' : 'none'}
          data-testid="player"
          data-duration-ms={media.durationMs ?? undefined}
          onTimeUpdate={(e) => {
            const a = e.currentTarget as HTMLAudioElement;
            setPos(a.duration ? a.currentTime / a.duration : 0);
            setAt(a.currentTime);
          }}
        >
          <source src={withToken(`/media/${opus.file}`)} type="audio/ogg; codecs=opus" />
          {mp3 && <source src={withToken(`/media/${mp3.file}`)} type="audio/mpeg" />}
        </audio>
      )}
      {opus && typeof media.durationMs === 'number' && (
        <span class="muted small player-time" data-testid="player-time">
          {/* The hub measured the bulletin: its length is known before the audio loads. */}
          {clock(at * 1000)} / {clock(media.durationMs)}
        </span>
      )}
    </div>
  );
}

/** "1:05" for 65 s (the player's own style), rounded as the hub's length would be read. */
export const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
