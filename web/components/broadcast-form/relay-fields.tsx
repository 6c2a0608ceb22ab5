// The relay's fields (tiếp âm): the upstream address, its length or end time, and the fallback
// (silence, a station ident picked from the library, or the last bulletin). `error` is the hub's
// word on them (a bad address, a bad length), shown next to the fields.
import type { MediaItem } from '../../../hub/api-contract/media.ts';
import { fmtDuration } from '../../lib/format.ts';
import { pick, RELAY_FALLBACK, tx } from '../../lib/i18n.ts';
import { TimeInput } from '../vn-inputs.tsx';
import type { RelayChoice } from './use-relay.ts';

const FALLBACKS = ['silence', 'ident', 'last-bulletin'] as const;

export function RelayFields({ relay, media, error }: { relay: RelayChoice; media: MediaItem[]; error: string }) {
  const value = (e: Event) => (e.target as HTMLInputElement).value;
  return (
    <fieldset data-testid="relay-fields">
      <legend>{tx('Tiếp âm', 'Relay')}</legend>
      <label>
        {tx('Địa chỉ luồng phát (http hoặc https)', 'Stream address (http or https)')}
        <input
          name="relay-url"
          type="url"
          inputMode="url"
          placeholder="http://…/vov1.mp3"
          value={relay.url}
          onInput={(e) => relay.setUrl(value(e))}
          aria-invalid={error ? 'true' : undefined}
        />
      </label>
      {error && (
        <p class="error small field-error" role="alert" data-testid="relay-error">
          {error}
        </p>
      )}
      <div class="row">
        {(['minutes', 'endsAt'] as const).map((k) => (
          <label class="check">
            <input
              type="radio"
              name="relay-length-kind"
              value={k}
              checked={relay.lengthKind === k}
              onChange={() => relay.setLengthKind(k)}
            />
            {k === 'minutes' ? tx('Phát trong', 'Lasts') : tx('Kết thúc lúc', 'Ends at')}
          </label>
        ))}
      </div>
      {relay.lengthKind === 'minutes' ? (
        <label>
          {tx('Độ dài (phút)', 'Length (minutes)')}
          <input
            name="relay-minutes"
            type="number"
            min={1}
            max={360}
            step={1}
            value={relay.minutes}
            onInput={(e) => relay.setMinutes(value(e))}
          />
        </label>
      ) : (
        <label>
          {tx('Giờ kết thúc (HH:MM)', 'End time (HH:MM)')}{' '}
          <TimeInput
            name="relay-ends-at"
            label={tx('Giờ kết thúc', 'End time')}
            value={relay.endsAt}
            onChange={relay.setEndsAt}
          />
        </label>
      )}
      <label>
        {tx('Khi mất nguồn tiếp âm, loa phát', 'If the upstream is lost, the loudspeakers air')}
        <select
          name="relay-fallback"
          value={relay.fallback}
          onChange={(e) => relay.setFallback((e.target as HTMLSelectElement).value as (typeof FALLBACKS)[number])}
        >
          {FALLBACKS.map((f) => (
            <option value={f}>{pick(RELAY_FALLBACK, f)}</option>
          ))}
        </select>
      </label>
      {relay.fallback === 'ident' && (
        <label>
          {tx('Nhạc hiệu', 'Station ident')}
          <select
            name="relay-ident"
            value={String(relay.identMediaId)}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              relay.setIdentMediaId(v ? +v : '');
            }}
          >
            <option value="">{tx('— chọn tệp âm thanh —', '— choose an audio file —')}</option>
            {media.map((m) => (
              <option value={m.id}>
                {m.originalName} ({fmtDuration(m.durationMs)})
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="muted small">
        {tx(
          'Máy chủ nhận luồng một lần, chuẩn hóa độ lớn âm thanh và phát tới các loa (Opus 24 kb/s, khoảng 12 MB mỗi giờ mỗi loa). Bảng LED không phát tiếp âm.',
          'The hub pulls the stream once, evens out its loudness and serves it to the loudspeakers (Opus 24 kb/s, about 12 MB an hour per loudspeaker). LED boards do not air relays.',
        )}
      </p>
    </fieldset>
  );
}
