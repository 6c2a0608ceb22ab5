// "Nhập cảnh báo CAP": the district office uploads an alert from a disaster-warning system (CAP 1.2,
// docs/cap.md); it becomes an emergency draft here, with what it lacks said plainly, and airs only
// when confirmed. Drafts read from the hub's feeds wait here too.
// Loaded on demand (emergency.tsx). It uses the app's modules the live page uses (api, i18n, time,
// format, the broadcast form's "where" fieldset; not hooks.ts): the two lazy chunks then share one
// common chunk with the app, and the first load stays one gzip stream smaller (test/browser/bundle.test.ts).
import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import type { AppCtx } from '../app.tsx';
import { ApiError, get, post } from '../lib/api.ts';
import { lang, pick, STATUS, tx } from '../lib/i18n.ts';
import { fmtNumber } from '../lib/format.ts';
import { fmtDateTime } from '../lib/time.ts';
import { useTargets } from './broadcast-form/use-targets.ts';
import { WhereFieldset } from './broadcast-form/where-fieldset.tsx';
import type { Broadcast } from '../../hub/api-contract/broadcasts.ts';
import type { CapAlertList, CapImportAnswer } from '../../hub/api-contract/cap.ts';
import type { LibraryItem } from '../../hub/api-contract/media.ts';

type Listed = z.infer<typeof CapAlertList>['alerts'][number];
type Imported = z.infer<typeof CapImportAnswer>;

const OUTCOME: Record<Imported['outcome'], [string, string]> = {
  draft: [
    'Đã tạo tin khẩn cấp chờ phê duyệt: kiểm tra rồi phê duyệt để phát.',
    'An emergency awaiting approval was made: check it, then approve it to air it.',
  ],
  update: [
    'Bản cập nhật đã thay tin chờ phê duyệt trước đó; nếu cảnh báo đang phát, bản này thay thế khi được phê duyệt.',
    'The Update replaced the earlier one awaiting approval; an alert already airing is replaced once this is approved.',
  ],
  cancel: ['Cảnh báo được tham chiếu đã kết thúc.', 'The alert it references has ended.'],
  duplicate: [
    'Cảnh báo này đã được nhập trước đó: không có gì thay đổi.',
    'This alert was imported before: nothing changed.',
  ],
};

const failure = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

export function CapImport({
  ctx,
  library,
  onConfirmed,
}: {
  ctx: AppCtx;
  library: LibraryItem[];
  onConfirmed: (id: string) => void;
}) {
  const [listed, setListed] = useState<Listed[]>([]);
  const [result, setResult] = useState<Imported | null>(null);
  const [error, setError] = useState('');
  const reload = () =>
    get<{ alerts: Listed[] }>('/api/v1/cap/alerts').then(
      (r) => setListed(r.alerts),
      (e) => setError(failure(e)),
    );
  useEffect(() => void reload(), []);
  const waiting = listed.filter((a) => a.msgType !== 'Cancel' && a.status === 'submitted');

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError('');
    setResult(null);
    try {
      setResult(await post<Imported>('/api/v1/cap/alerts', { xml: await file.text() }));
      await reload();
    } catch (e) {
      setError(failure(e));
    }
  };

  return (
    <section class="card" data-testid="cap-import">
      <h2>{tx('Nhập cảnh báo CAP', 'Import a CAP alert')}</h2>
      <p class="muted small">
        {tx(
          'Tệp cảnh báo CAP 1.2 từ hệ thống cảnh báo thiên tai trở thành tin khẩn cấp chờ phê duyệt; chỉ phát sau khi cấp quận phê duyệt.',
          'A CAP 1.2 file from a disaster-warning system becomes an emergency awaiting approval; it airs only once the district approves it.',
        )}
      </p>
      <label>
        {tx('Chọn tệp CAP (.xml)', 'Choose a CAP file (.xml)')}
        <input
          type="file"
          accept=".xml,application/xml,text/xml"
          data-testid="cap-file"
          onChange={(e) => upload((e.target as HTMLInputElement).files?.[0])}
        />
      </label>
      {result && (
        <p class="alert small" data-testid="cap-result" role="status">
          {tx(...OUTCOME[result.outcome])}
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="cap-error">
          {error}
        </p>
      )}
      {waiting.length > 0 && (
        <h3>
          {tx('Chờ phê duyệt', 'Awaiting approval')} ({fmtNumber(waiting.length, 0, lang())})
        </h3>
      )}
      {waiting.map((a) => (
        <CapDraft key={a.id} alert={a} ctx={ctx} library={library} onConfirmed={onConfirmed} />
      ))}
    </section>
  );
}

/**
 * One draft: its notes, the areas to choose when none matched, a recording from the library when the
 * alert brought no audio, and its approval (the API's confirm).
 */
function CapDraft({
  alert: a,
  ctx,
  library,
  onConfirmed,
}: {
  alert: Listed;
  ctx: AppCtx;
  library: LibraryItem[];
  onConfirmed: (id: string) => void;
}) {
  const where = useTargets(ctx.me, ctx.areas);
  const [error, setError] = useState('');
  const [mediaId, setMediaId] = useState<number | ''>('');
  const needsAreas = a.notes.some((n) => n.code === 'cap.needs-areas');
  const noAudio = a.notes.some((n) => n.code === 'cap.audio-unavailable');
  const confirm = async () => {
    setError('');
    try {
      const chosen = where.targets;
      const b = await post<Broadcast>(`/api/v1/cap/drafts/${a.broadcastId}/confirm`, {
        ...(chosen.length ? { areas: chosen } : {}),
        ...(mediaId !== '' ? { mediaId } : {}),
      });
      onConfirmed(b.id);
    } catch (e) {
      setError(failure(e));
    }
  };
  return (
    <div class="card" data-testid="cap-draft">
      <p>
        <strong>{a.title}</strong>
      </p>
      <p class="muted small">
        {a.identifier} · {a.sender} · {fmtDateTime(a.importedAt, lang())} · {pick(STATUS, a.status ?? '')}
      </p>
      {a.notes.map((n) => (
        <p class="alert warn small" key={n.code} data-testid="cap-note">
          {tx(n.vi, n.en)}
        </p>
      ))}
      {needsAreas && <WhereFieldset where={where} areas={ctx.areas} />}
      {noAudio && (
        <label>
          {tx('Âm thanh từ thư viện', 'Audio from the library')}
          <select
            data-testid="cap-media"
            value={String(mediaId)}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setMediaId(v ? +v : '');
            }}
          >
            <option value="">{tx('— chỉ chữ trên bảng LED —', '— boards only —')}</option>
            {library
              .filter((m) => m.status === 'ready')
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.originalName}
                </option>
              ))}
          </select>
        </label>
      )}
      <button type="button" class="danger" data-testid="cap-confirm" onClick={confirm}>
        {tx('Phê duyệt và phát', 'Approve and air')}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
