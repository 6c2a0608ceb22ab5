// A bulletin typed instead of recorded: the official writes, sees how the machine will say the
// numbers, dates and abbreviations, has it read by the hub's speech engine, listens, edits and
// has it read again. The reading is a media item like an upload; the form uses it as its audio.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post } from '../lib/api.ts';
import { lang, tx } from '../lib/i18n.ts';
import { mediaErrorText } from '../lib/media-errors.ts';
import { AudioWithWave } from './waveform.tsx';
import type { MediaItem, TtsEngine } from '../../hub/api-contract/media.ts';

/** Characters a second of speech (espeak-ng's Vietnamese voice as the hub runs it). */
const CHARS_PER_SECOND = 17;

export function TypedBulletin({
  mediaId,
  onMedia,
  onLedText,
  onStop,
}: {
  /** The form's audio: when it is a typed bulletin, its text opens here to edit. */
  mediaId: number | '';
  onMedia: (id: number) => void;
  /** The text for the LED message while "use for the LED board" is ticked, else null. */
  onLedText: (text: string | null) => void;
  /** Why the form must not be sent yet (text edited but not read again), or null. */
  onStop: (why: string | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [engine, setEngine] = useState<TtsEngine | null>(null);
  const [spoken, setSpoken] = useState('');
  const [media, setMedia] = useState<MediaItem | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [forLed, setForLed] = useState(false);
  const loadedFor = useRef<number | ''>('');

  useEffect(() => {
    get<TtsEngine>('/api/v1/tts').then(setEngine, () => setEngine(null));
  }, []);

  // Editing a broadcast whose audio was typed: its text comes back to be changed.
  useEffect(() => {
    if (mediaId === '' || mediaId === media?.id || mediaId === loadedFor.current) return;
    loadedFor.current = mediaId;
    get<MediaItem>(`/api/v1/media/${mediaId}`).then(
      (m) => {
        if (!m.tts) return;
        setMedia(m);
        setText(m.tts.text);
        setOpen(true);
      },
      () => {},
    );
  }, [mediaId]);

  // How the engine will say it, shortly after the official stops typing.
  useEffect(() => {
    if (!text.trim()) return setSpoken('');
    const t = setTimeout(
      () =>
        post<{ spoken: string }>('/api/v1/tts/spoken', { text }).then(
          (r) => setSpoken(r.spoken),
          () => setSpoken(''),
        ),
      300,
    );
    return () => clearTimeout(t);
  }, [text]);

  const stale = !!media && media.tts?.text !== text.trim();
  // Only while the form's audio is this reading: an upload chosen instead is not held back.
  const inUse = !!media && (mediaId === media.id || media.status === 'processing');
  useEffect(
    () =>
      onStop(
        stale && open && inUse
          ? tx(
              'Nội dung văn bản đã sửa nhưng chưa tạo lại giọng đọc: bấm «Tạo lại giọng đọc».',
              'The text was edited but not read again: press «Read it again».',
            )
          : null,
      ),
    [stale, open, inUse, lang()],
  );
  useEffect(() => onLedText(forLed && open ? text : null), [forLed, open, text]);

  const generate = async () => {
    setError('');
    setBusy(true);
    try {
      const accepted = await post<MediaItem>('/api/v1/tts', { text, ...(media ? { regenerates: media.id } : {}) });
      setMedia(accepted);
      // The reading joins the media queue: wait until it is normalised and stored.
      let m = accepted;
      while (m.status === 'processing') {
        await new Promise((r) => setTimeout(r, 400));
        m = await get<MediaItem>(`/api/v1/media/${accepted.id}`);
      }
      setMedia(m);
      if (m.status === 'ready') {
        loadedFor.current = m.id;
        onMedia(m.id);
      } else setError(mediaErrorText(m, lang()));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const chars = [...text.trim()].length;
  const max = engine?.maxChars ?? 5000;
  const seconds = Math.round(chars / CHARS_PER_SECOND);
  const unavailable = !!engine && !engine.available;
  return (
    <details
      class="typed-bulletin"
      open={open}
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
      data-testid="tts"
    >
      <summary>
        {tx('Soạn bản tin bằng văn bản (máy đọc thành giọng nói)', 'Type the bulletin (read aloud by the hub)')}
      </summary>
      {unavailable && (
        <p class="alert warn" data-testid="tts-unavailable">
          {lang() === 'vi' ? engine.problem?.vi : engine.problem?.en}
        </p>
      )}
      <label>
        {tx('Nội dung cần đọc', 'Text to read')}
        <textarea
          rows={5}
          value={text}
          name="tts-text"
          data-testid="tts-text"
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          placeholder={tx(
            'Ví dụ: UBND phường thông báo: 7h30 ngày 30/4, TDP số 5 tổ chức tổng vệ sinh…',
            'e.g. UBND phường thông báo: 7h30 ngày 30/4, TDP số 5 tổ chức tổng vệ sinh…',
          )}
        />
      </label>
      <p class={`small ${chars > max ? 'error' : 'muted'}`} data-testid="tts-count">
        {tx(
          `${chars}/${max} ký tự · khoảng ${seconds} giây đọc`,
          `${chars}/${max} characters · about ${seconds} s of speech`,
        )}
        {engine && ` · ${tx('giọng', 'voice')} ${engine.engine} (${engine.voice})`}
      </p>
      {spoken && (
        <p class="small spoken" data-testid="tts-spoken">
          <strong>{tx('Máy sẽ đọc là', 'It will be read as')}:</strong> {spoken}
        </p>
      )}
      <div class="row">
        <button
          type="button"
          class="primary"
          data-testid="tts-generate"
          disabled={busy || !text.trim() || chars > max || unavailable}
          onClick={generate}
        >
          {busy
            ? tx('Đang tạo giọng đọc…', 'Reading…')
            : media
              ? tx('Tạo lại giọng đọc', 'Read it again')
              : tx('Tạo giọng đọc', 'Read it aloud')}
        </button>
        <label class="check">
          <input
            type="checkbox"
            checked={forLed}
            data-testid="tts-led"
            onChange={(e) => setForLed((e.target as HTMLInputElement).checked)}
          />
          {tx('Dùng nội dung này cho bảng LED', 'Use this text for the LED boards')}
        </label>
      </div>
      {error && (
        <p class="error" role="alert" data-testid="tts-error">
          {error}
        </p>
      )}
      {stale && !busy && (
        <p class="alert warn small" data-testid="tts-stale">
          {tx('Bản nghe thử dưới đây là nội dung cũ.', 'The preview below is of the earlier text.')}
        </p>
      )}
      {media?.status === 'ready' && (
        <div data-testid="tts-preview" data-media={media.id}>
          <AudioWithWave media={media} />
        </div>
      )}
    </details>
  );
}
