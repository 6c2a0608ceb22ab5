// "Where" in the form: the areas the user may choose, areas an edit names outside them, and
// single devices named through the API (kept unless unticked).
import { tx } from '../../lib/i18n.ts';
import type { Area } from '../../lib/session.ts';
import type { Targets } from './use-targets.ts';

export function WhereFieldset({ where, areas }: { where: Targets; areas: Area[] }) {
  const { choosable, otherAreas, targets, setTargets, targetDevices, setTargetDevices } = where;
  return (
    <fieldset>
      <legend>{tx('Nơi phát', 'Where')}</legend>
      <div class="area-list">
        {choosable.map((a) => (
          <label class="check">
            <input
              type="checkbox"
              name="target"
              value={a.path}
              checked={targets.includes(a.path)}
              onChange={(e) =>
                setTargets(
                  (e.target as HTMLInputElement).checked ? [...targets, a.path] : targets.filter((x) => x !== a.path),
                )
              }
            />
            {a.name}
          </label>
        ))}
        {otherAreas.map((p) => (
          <label class="check">
            <input
              type="checkbox"
              name="target"
              value={p}
              checked
              onChange={() => setTargets(targets.filter((x) => x !== p))}
            />
            {areas.find((a) => a.path === p)?.name ?? p}
          </label>
        ))}
        {targetDevices.map((id) => (
          <label class="check">
            <input
              type="checkbox"
              name="target-device"
              value={id}
              checked
              onChange={() => setTargetDevices(targetDevices.filter((x) => x !== id))}
            />
            {tx('Thiết bị', 'Device')} {id}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
