// Campaigns (chuyên đề): the list, a form to create one, and a campaign's progress per ward —
// planned against aired (admitted receipts only) and the target met or not in each week or month.
import { useState } from 'preact/hooks';
import { ApiError, del, post } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { pick, TARGET_PER, tx } from '../lib/i18n.ts';
import { withinScope } from '../../protocol/area-scope.ts';
import { can, myAreas } from '../lib/session.ts';
import { DateInput } from '../components/vn-inputs.tsx';
import type { AppCtx } from '../app.tsx';
import type { Campaign, CampaignProgress } from '../../hub/api-contract/campaigns.ts';

const dmy = (iso: string) => iso.split('-').reverse().join('/');
const targetText = (c: Campaign) =>
  tx(
    `ít nhất ${c.target.bulletins} bản tin ${pick(TARGET_PER, c.target.per)} trên mỗi loa`,
    `at least ${c.target.bulletins} bulletins ${pick(TARGET_PER, c.target.per)} on every speaker`,
  );
const metText = (met: boolean | null) =>
  met === true ? tx('Đạt', 'Met') : met === false ? tx('Không đạt', 'Missed') : tx('Đang thực hiện', 'In progress');

export function CampaignsPage({ ctx }: { ctx: AppCtx }) {
  const { me } = ctx;
  const list = useResource<Campaign[]>('/api/v1/campaigns', [], ['broadcast']);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState('');
  return (
    <div class="stack">
      <section class="card">
        <h2>{tx('Chuyên đề', 'Campaigns')}</h2>
        <p class="muted small">
          {tx(
            'Mỗi chuyên đề có thời gian, địa bàn và chỉ tiêu phát trên mỗi loa. Tiến độ chỉ tính các lần phát đã được thiết bị xác nhận và hệ thống chấp nhận, như báo cáo độ phủ.',
            'Each campaign has a period, areas and a target on every speaker. Progress counts only plays the devices confirmed and the hub admitted, as in the coverage report.',
          )}
        </p>
        <div class="table-wrap">
          <table data-testid="campaign-list">
            <thead>
              <tr>
                <th>{tx('Tên', 'Name')}</th>
                <th>{tx('Thời gian', 'Period')}</th>
                <th>{tx('Chỉ tiêu', 'Target')}</th>
                <th>{tx('Bản tin', 'Bulletins')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data?.map((c) => (
                <tr data-testid="campaign-row">
                  <td>
                    <button type="button" class="link" onClick={() => setOpen(open === c.id ? null : c.id)}>
                      {c.name}
                    </button>
                  </td>
                  <td>
                    {dmy(c.from)} – {dmy(c.to)}
                  </td>
                  <td>{targetText(c)}</td>
                  <td>{c.bulletins}</td>
                  <td>
                    {can.campaigns(me) && c.areas.every((a) => withinScope(me.scope, a)) && (
                      <button
                        type="button"
                        class="link"
                        onClick={() =>
                          del(`/api/v1/campaigns/${c.id}`).then(list.reload, (e: Error) => setError(e.message))
                        }
                      >
                        {c.bulletins ? tx('Lưu trữ', 'Archive') : tx('Xóa', 'Remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {list.data?.length === 0 && <p class="muted">{tx('Chưa có chuyên đề nào.', 'No campaigns yet.')}</p>}
        {error && <p class="error">{error}</p>}
      </section>
      {open !== null && <Progress id={open} />}
      {can.campaigns(me) && <NewCampaign ctx={ctx} onSaved={list.reload} />}
    </div>
  );
}

function Progress({ id }: { id: number }) {
  const [speakers, setSpeakers] = useState(false);
  const p = useResource<CampaignProgress>(
    `/api/v1/campaigns/${id}/progress${speakers ? '?devices=1' : ''}`,
    [id],
    ['broadcast'],
  );
  if (p.error) return <p class="error">{p.error}</p>;
  if (!p.data) return <div class="loading">…</div>;
  const { campaign, wards } = p.data;
  return (
    <section class="card" data-testid="campaign-progress">
      <h3>
        {tx('Tiến độ', 'Progress')}: {campaign.name}
      </h3>
      <p class="muted small">
        {targetText(campaign)} ·{' '}
        <label class="inline">
          <input type="checkbox" checked={speakers} onChange={() => setSpeakers(!speakers)} data-testid="per-speaker" />{' '}
          {tx('Xem từng loa', 'Each speaker')}
        </label>
      </p>
      {wards.length === 0 && (
        <p class="muted">{tx('Không có loa nào trong địa bàn của chuyên đề.', 'No speakers in its areas.')}</p>
      )}
      {wards.map((w) => (
        <div class="table-wrap" data-testid="campaign-ward" data-area={w.areaPath}>
          <h4>
            {w.areaName}: {tx('kế hoạch', 'planned')} {w.planned} · {tx('đã phát', 'aired')} {w.aired} ·{' '}
            <strong data-testid="ward-met">{metText(w.met)}</strong>
          </h4>
          <table>
            <thead>
              <tr>
                <th>{tx('Kỳ', 'Period')}</th>
                <th>{tx('Kế hoạch', 'Planned')}</th>
                <th>{tx('Đã phát', 'Aired')}</th>
                <th>{tx('Chỉ tiêu mỗi loa', 'Target per speaker')}</th>
                <th>{tx('Loa đạt', 'Speakers met')}</th>
                <th>{tx('Kết quả', 'Result')}</th>
              </tr>
            </thead>
            <tbody>
              {w.buckets.map((b) => (
                <tr data-testid="bucket-row">
                  <td>{b.label}</td>
                  <td data-testid="bucket-planned">{b.planned}</td>
                  <td data-testid="bucket-aired">{b.aired}</td>
                  <td>{b.required}</td>
                  <td>
                    {b.speakersMet}/{b.speakers}
                  </td>
                  <td>{metText(b.met)}</td>
                </tr>
              ))}
              {w.devices?.map((d) => (
                <tr class="muted" data-testid="speaker-row">
                  <td>{d.deviceName}</td>
                  <td colSpan={5}>
                    {w.buckets
                      .map(
                        (b, i) =>
                          `${b.label}: ${d.aired[i]}/${d.planned[i]} ${tx('đã phát/kế hoạch', 'aired/planned')}`,
                      )
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function NewCampaign({ ctx, onSaved }: { ctx: AppCtx; onSaved: () => void }) {
  const { me, areas } = ctx;
  const choices = myAreas(me, areas);
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [area, setArea] = useState(me.scope ?? choices[0]?.path ?? '');
  const [bulletins, setBulletins] = useState(3);
  const [per, setPer] = useState('week');
  const [error, setError] = useState('');
  const add = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!from || !to)
      return setError(tx('Nhập ngày bắt đầu và kết thúc (dd/mm/yyyy).', 'Give the first and last day (dd/mm/yyyy).'));
    try {
      await post('/api/v1/campaigns', { name, from, to, areas: [area], target: { bulletins, per } });
      setName('');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form class="card form" onSubmit={add} data-testid="campaign-form">
      <h3>{tx('Tạo chuyên đề', 'New campaign')}</h3>
      <label>
        {tx('Tên chuyên đề', 'Name')}
        <input
          name="name"
          value={name}
          required
          maxLength={200}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="row">
        <DateInput name="from" label={tx('Từ ngày', 'From')} value={from} onChange={setFrom} />
        <DateInput name="to" label={tx('Đến ngày', 'To')} value={to} onChange={setTo} />
      </div>
      <label>
        {tx('Địa bàn', 'Area')}
        <select name="area" value={area} onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
          {choices.map((a) => (
            <option value={a.path}>{a.name}</option>
          ))}
        </select>
      </label>
      <div class="row">
        <label class="inline">
          {tx('Chỉ tiêu: ít nhất', 'Target: at least')}
          <input
            name="bulletins"
            type="number"
            min={1}
            max={1000}
            value={bulletins}
            onInput={(e) => setBulletins(Number((e.target as HTMLInputElement).value))}
          />
          {tx('bản tin trên mỗi loa', 'bulletins on every speaker')}
        </label>
        <select name="per" value={per} onChange={(e) => setPer((e.target as HTMLSelectElement).value)}>
          {Object.keys(TARGET_PER).map((k) => (
            <option value={k}>{pick(TARGET_PER, k)}</option>
          ))}
        </select>
      </div>
      <button type="submit" class="primary">
        {tx('Tạo', 'Create')}
      </button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
