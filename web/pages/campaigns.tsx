// Campaigns (chuyên đề): the list, a form to create one or change one (name, period, areas, target,
// note; archive), and a campaign's progress per ward — planned against aired (admitted receipts
// only) and the target met or not in each week or month.
import { useState } from 'preact/hooks';
import { api, ApiError, del, post } from '../lib/api.ts';
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
  const [archived, setArchived] = useState(false);
  const list = useResource<Campaign[]>(`/api/v1/campaigns${archived ? '?archived=1' : ''}`, [], ['broadcast']);
  const [open, setOpen] = useState<number | null>(null);
  const [editing, setEditing] = useState<Campaign | null>(null);
  const [error, setError] = useState('');
  const mayChange = (c: Campaign) => can.campaigns(me) && c.areas.every((a) => withinScope(me.scope, a));
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
          <table data-testid="campaign-list" class="cards-on-phone">
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
                <tr data-testid="campaign-row" data-id={c.id}>
                  <td data-label={tx('Tên', 'Name')}>
                    <button type="button" class="link" onClick={() => setOpen(open === c.id ? null : c.id)}>
                      {c.name}
                    </button>
                    {c.archived && <span class="badge"> {tx('Đã lưu trữ', 'Archived')}</span>}
                    {c.note && <div class="muted small">{c.note}</div>}
                  </td>
                  <td data-label={tx('Thời gian', 'Period')}>
                    {dmy(c.from)} – {dmy(c.to)}
                  </td>
                  <td data-label={tx('Chỉ tiêu', 'Target')}>{targetText(c)}</td>
                  <td data-label={tx('Bản tin', 'Bulletins')}>{c.bulletins}</td>
                  <td>
                    {mayChange(c) && (
                      <button type="button" class="link" data-testid="edit-campaign" onClick={() => setEditing(c)}>
                        {tx('Sửa', 'Edit')}
                      </button>
                    )}{' '}
                    {mayChange(c) && !c.archived && (
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
        <label class="check small">
          <input
            type="checkbox"
            checked={archived}
            onChange={() => setArchived(!archived)}
            data-testid="show-archived"
          />{' '}
          {tx('Hiện cả chuyên đề đã lưu trữ', 'Show archived campaigns too')}
        </label>
        {error && <p class="error">{error}</p>}
      </section>
      {editing && (
        <CampaignForm
          key={editing.id}
          ctx={ctx}
          editing={editing}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {open !== null && <Progress id={open} />}
      {can.campaigns(me) && !editing && <CampaignForm ctx={ctx} onSaved={list.reload} />}
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
          <table class="cards-on-phone">
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
                  <td data-label={tx('Kỳ', 'Period')}>{b.label}</td>
                  <td data-label={tx('Kế hoạch', 'Planned')} data-testid="bucket-planned">
                    {b.planned}
                  </td>
                  <td data-label={tx('Đã phát', 'Aired')} data-testid="bucket-aired">
                    {b.aired}
                  </td>
                  <td data-label={tx('Chỉ tiêu mỗi loa', 'Target per speaker')}>{b.required}</td>
                  <td data-label={tx('Loa đạt', 'Speakers met')}>
                    {b.speakersMet}/{b.speakers}
                  </td>
                  <td data-label={tx('Kết quả', 'Result')}>{metText(b.met)}</td>
                </tr>
              ))}
              {w.devices?.map((d) => (
                <tr class="muted" data-testid="speaker-row">
                  <td data-label={tx('Loa', 'Speaker')}>{d.deviceName}</td>
                  <td colSpan={5} data-label={tx('Đã phát/kế hoạch', 'Aired/planned')}>
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

/** A new campaign, or `editing` to change: name, period, areas, target and note; an edit can archive it. */
function CampaignForm({
  ctx,
  editing,
  onSaved,
  onCancel,
}: {
  ctx: AppCtx;
  editing?: Campaign;
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const { me, areas } = ctx;
  const choices = myAreas(me, areas);
  const [name, setName] = useState(editing?.name ?? '');
  const [from, setFrom] = useState(editing?.from ?? '');
  const [to, setTo] = useState(editing?.to ?? '');
  const [chosen, setChosen] = useState<string[]>(editing?.areas ?? [me.scope ?? choices[0]?.path ?? '']);
  const [bulletins, setBulletins] = useState(editing?.target.bulletins ?? 3);
  const [per, setPer] = useState<string>(editing?.target.per ?? 'week');
  const [note, setNote] = useState(editing?.note ?? '');
  const [error, setError] = useState('');
  const run = async (act: () => Promise<unknown>) => {
    setError('');
    try {
      await act();
      if (!editing) setName('');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    if (!from || !to)
      return setError(tx('Nhập ngày bắt đầu và kết thúc (dd/mm/yyyy).', 'Give the first and last day (dd/mm/yyyy).'));
    if (chosen.length === 0) return setError(tx('Chọn ít nhất một địa bàn.', 'Choose at least one area.'));
    const body = { name, from, to, areas: chosen, target: { bulletins, per }, note };
    void run(() => (editing ? api('PUT', `/api/v1/campaigns/${editing.id}`, body) : post('/api/v1/campaigns', body)));
  };
  // Areas it already covers stay listed (and ticked) even when they are not among the user's choices.
  const listed = [...choices.map((a) => a.path), ...chosen.filter((p) => !choices.some((a) => a.path === p))];
  return (
    <form class="card form" onSubmit={save} data-testid={editing ? 'campaign-edit-form' : 'campaign-form'}>
      <h3>
        {editing
          ? tx(`Sửa chuyên đề «${editing.name}»`, `Edit «${editing.name}»`)
          : tx('Tạo chuyên đề', 'New campaign')}
      </h3>
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
      <fieldset>
        <legend>{tx('Địa bàn', 'Areas')}</legend>
        {listed.map((p) => (
          <label class="check">
            <input
              type="checkbox"
              name="area"
              value={p}
              checked={chosen.includes(p)}
              onChange={() => setChosen(chosen.includes(p) ? chosen.filter((x) => x !== p) : [...chosen, p])}
            />{' '}
            {areas.find((a) => a.path === p)?.name ?? p}
          </label>
        ))}
      </fieldset>
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
      <label>
        {tx('Ghi chú', 'Note')}
        <textarea
          name="note"
          rows={2}
          maxLength={1000}
          value={note}
          onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <div class="row">
        <button type="submit" class="primary">
          {editing ? tx('Lưu thay đổi', 'Save changes') : tx('Tạo', 'Create')}
        </button>
        {editing && !editing.archived && (
          <button
            type="button"
            data-testid="archive-campaign"
            onClick={() => void run(() => del(`/api/v1/campaigns/${editing.id}`))}
          >
            {editing.bulletins ? tx('Lưu trữ', 'Archive') : tx('Xóa', 'Remove')}
          </button>
        )}
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {tx('Hủy', 'Cancel')}
          </button>
        )}
      </div>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
