// The audio of a broadcast: a ready file from the library, or none; or, as a third choice beside
// a file and a typed bulletin, a relay (tiếp âm) of an upstream stream.
import type { MediaItem } from '../../../hub/api-contract/media.ts';
import { fmtDuration } from '../../lib/format.ts';
import { tx } from '../../lib/i18n.ts';

export function AudioChoice({
  mediaId,
  media,
  onChange,
}: {
  mediaId: number | '';
  media: MediaItem[];
  onChange: (id: number | '') => void;
}) {
  return (
    <label>
      {tx('Bản tin âm thanh', 'Audio bulletin')}
      <select
        value={String(mediaId)}
        name="media"
        onChange={(e) => onChange((e.target as HTMLSelectElement).value ? +(e.target as HTMLSelectElement).value : '')}
      >
        <option value="">{tx('— không có —', '— none —')}</option>
        {media.map((m) => (
          <option value={m.id}>
            {m.originalName} ({fmtDuration(m.durationMs)})
          </option>
        ))}
      </select>
    </label>
  );
}

/** Which kind of audio: a bulletin (a file, or a typed one read aloud) or a relay. */
export function AudioKind({ relay, onRelay }: { relay: boolean; onRelay: (on: boolean) => void }) {
  return (
    <fieldset class="row" data-testid="audio-kind">
      <legend>{tx('Âm thanh', 'Audio')}</legend>
      <label class="check">
        <input type="radio" name="audio-kind" value="bulletin" checked={!relay} onChange={() => onRelay(false)} />
        {tx('Bản tin (tệp hoặc văn bản đọc)', 'A bulletin (a file or typed text)')}
      </label>
      <label class="check">
        <input type="radio" name="audio-kind" value="relay" checked={relay} onChange={() => onRelay(true)} />
        {tx('Tiếp âm', 'Relay')}
      </label>
    </fieldset>
  );
}
