// The microphone's level while live: a bar from −60 to 0 dBFS with its figure, green while the
// voice is well picked up (−45…−6 dBFS), amber when the microphone hears almost nothing or is near
// clipping, with a word saying which. A <meter> (role meter), so a screen reader reads it too.
import { fmtNumber } from '../lib/format.ts';
import { tx } from '../lib/i18n.ts';
import { levelZone, METER_FLOOR_DB } from '../lib/live-level.ts';

export function LevelMeter({ db }: { db: number }) {
  const value = Math.round(db);
  const zone = levelZone(db);
  const text = `${fmtNumber(value)} dB`;
  return (
    <div class="level">
      <meter
        class="meter"
        min={METER_FLOOR_DB}
        max={0}
        low={-45}
        high={-6}
        optimum={-20}
        value={value}
        aria-label={tx('Mức âm thanh của micro', 'Microphone level')}
        aria-valuetext={text}
        data-testid="level-meter"
        data-zone={zone}
      />
      <span class="meter-db" aria-hidden="true">
        {text}
      </span>
      {zone !== 'good' && (
        <span class="muted small" data-testid="level-hint">
          {zone === 'silent'
            ? tx('Micro gần như không thu được tiếng', 'The microphone hears almost nothing')
            : tx('Quá to: hãy nói xa micro hơn', 'Too loud: move back from the microphone')}
        </span>
      )}
    </div>
  );
}
