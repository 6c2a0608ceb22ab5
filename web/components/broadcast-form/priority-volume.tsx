// Priority (normal or priority; emergencies have their own page) and volume.
import { pick, PRIORITY, tx } from '../../lib/i18n.ts';

export type FormPriority = 'normal' | 'priority';

export function PriorityVolume({
  priority,
  onPriority,
  volume,
  onVolume,
}: {
  priority: FormPriority;
  onPriority: (p: FormPriority) => void;
  volume: number;
  onVolume: (v: number) => void;
}) {
  return (
    <>
      <fieldset>
        <legend>{tx('Mức độ', 'Priority')}</legend>
        {(['normal', 'priority'] as const).map((p) => (
          <label class="check">
            <input type="radio" name="priority" value={p} checked={priority === p} onChange={() => onPriority(p)} />
            {pick(PRIORITY, p)}
          </label>
        ))}
        <p class="muted small">
          {tx(
            'Tin khẩn cấp do Phòng Văn hóa và Thông tin gửi ở mục Khẩn cấp.',
            'Emergencies are sent by the district office from the Emergency page.',
          )}
        </p>
      </fieldset>
      <label>
        {tx('Âm lượng', 'Volume')}: {volume}
        <input
          type="range"
          min={0}
          max={100}
          value={volume}
          onInput={(e) => onVolume(+(e.target as HTMLInputElement).value)}
        />
      </label>
    </>
  );
}
