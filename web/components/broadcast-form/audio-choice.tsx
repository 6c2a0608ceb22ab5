// The audio of a broadcast: a ready file from the library, or none.
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
