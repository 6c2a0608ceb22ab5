import { useState } from 'preact/hooks';
import { ApiError, del, post } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { tx } from '../lib/i18n.ts';
import { withinScope } from '../../protocol/area-scope.ts';
import { can, myAreas } from '../lib/session.ts';
import { TimeInput } from '../components/vn-inputs.tsx';
import type { AppCtx } from '../app.tsx';
import type { QuietWindow } from '../../hub/api-contract/areas.ts';

export function QuietHoursPage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const list = useResource<QuietWindow[]>('/api/v1/quiet-hours');
  const choices = myAreas(me, areas);
  const [area, setArea] = useState(me.scope ?? choices[0]?.path ?? '');
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('05:30');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const editable = can.quietHours(me);
  const add = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!start || !end)
      return setError(
        tx('Nhập giờ bắt đầu và giờ kết thúc dạng HH:mm (24 giờ).', 'Give the start and end as HH:mm (24-hour).'),
      );
    try {
      await post('/api/v1/quiet-hours', { areaPath: area, start, end, note });
      list.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <div class="stack">
      <section class="card">
        <h2>{tx('Giờ yên tĩnh', 'Quiet hours')}</h2>
        <p class="muted small">
          {tx(
            'Bản tin mức thông thường không được phát trong giờ yên tĩnh của khu vực (và các khu vực cấp trên). Tin ưu tiên và khẩn cấp không bị giới hạn.',
            'Normal-priority bulletins may not play during the quiet hours of an area (or the areas above it). Priority and emergency bulletins are not limited.',
          )}
        </p>
        <div class="table-wrap">
          <table data-testid="quiet-list">
            <thead>
              <tr>
                <th>{tx('Khu vực', 'Area')}</th>
                <th>{tx('Từ', 'From')}</th>
                <th>{tx('Đến', 'To')}</th>
                <th>{tx('Ghi chú', 'Note')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data?.map((w) => (
                <tr data-testid="quiet-row">
                  <td>{w.areaName}</td>
                  <td>{w.start}</td>
                  <td>{w.end}</td>
                  <td>{w.note}</td>
                  <td>
                    {editable && withinScope(me.scope, w.areaPath) && (
                      <button
                        type="button"
                        class="link"
                        onClick={() => del(`/api/v1/quiet-hours/${w.id}`).then(list.reload, (e) => setError(e.message))}
                      >
                        {tx('Xóa', 'Remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {!editable && (
          <p class="muted small">
            {tx('Lãnh đạo phường hoặc quận đặt giờ yên tĩnh.', 'Ward leaders or the district office set quiet hours.')}
          </p>
        )}
      </section>
      {editable && (
        <form class="card form" onSubmit={add} data-testid="quiet-form">
          <h3>{tx('Thêm giờ yên tĩnh', 'Add quiet hours')}</h3>
          <label>
            {tx('Khu vực', 'Area')}
            <select value={area} name="area" onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
              {choices.map((a) => (
                <option value={a.path}>{a.name}</option>
              ))}
            </select>
          </label>
          <div class="row">
            <label class="inline">
              {tx('Từ', 'From')}
              <TimeInput name="start" value={start} onChange={setStart} />
            </label>
            <label class="inline">
              {tx('Đến', 'To')}
              <TimeInput name="end" value={end} onChange={setEnd} />
            </label>
          </div>
          <label>
            {tx('Ghi chú', 'Note')}
            <input value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary">
            {tx('Thêm', 'Add')}
          </button>
          {error && <p class="error">{error}</p>}
        </form>
      )}
    </div>
  );
}
