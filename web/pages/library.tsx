import { useState } from 'preact/hooks';
import { ApiError, del, post, upload } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { lang, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import { fmtDuration, fmtNumber } from '../lib/format.ts';
import { loudnessText } from '../lib/plain-words.ts';
import { setDraftSeed } from '../lib/draft.ts';
import { mediaErrorText } from '../lib/media-errors.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { AudioWithWave } from '../components/waveform.tsx';
import { LedComposer, emptyPage, ledForApi } from '../components/led-composer.tsx';
import type { AppCtx } from '../app.tsx';
import type { LibraryItem } from '../../hub/api-contract/media.ts';

export function LibraryPage({ ctx }: { ctx: AppCtx }) {
  const media = useResource<LibraryItem[]>('/api/v1/media', [], ['media']);
  const [showArchived, setShowArchived] = useState(false);
  const archived = useResource<LibraryItem[]>(showArchived ? '/api/v1/media?archived=1' : null, [], ['media']);
  const reload = () => {
    media.reload();
    if (showArchived) archived.reload();
  };
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState('');
  const [pages, setPages] = useState<LedPageInput[]>([
    { lines: ['Chào mừng Ngày hội', 'Đại đoàn kết 18/11'], mode: 'hold', seconds: 8 },
  ]);

  const onFile = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setError('');
    setProgress(0);
    try {
      await upload('/api/v1/media', file, setProgress);
      media.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setProgress(null);
      input.value = '';
    }
  };

  return (
    <div class="stack">
      <section class="card">
        <h2>{tx('Tải bản tin âm thanh lên', 'Upload an audio bulletin')}</h2>
        <p class="muted small">
          {tx(
            'MP3, WAV, OGG, M4A, FLAC… Hệ thống tự chỉnh độ to của bản tin về mức chuẩn, để mọi bản tin nghe to đều nhau trên loa.',
            'MP3, WAV, OGG, M4A, FLAC… The hub evens out the loudness of every bulletin, so all of them sound equally loud on the speakers.',
          )}
        </p>
        {/* The browser's own file button speaks the browser's language ("Choose File"): ours speaks the UI's. */}
        <label class={`button file-pick ${progress !== null ? 'disabled' : ''}`}>
          {tx('Chọn tệp âm thanh…', 'Choose an audio file…')}
          <input
            type="file"
            accept="audio/*,.mp3,.wav,.ogg,.m4a,.flac,.opus"
            onChange={onFile}
            data-testid="upload"
            disabled={progress !== null}
          />
        </label>
        {progress !== null && (
          <div class="progress" data-testid="upload-progress">
            <progress max={1} value={progress} />
            <span>{Math.round(progress * 100)}%</span>
          </div>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </section>

      <section class="card">
        <h2>{tx('Bản tin âm thanh', 'Audio bulletins')}</h2>
        {!media.data && <p class="muted">…</p>}
        {media.data?.length === 0 && <p class="muted">{tx('Chưa có bản tin nào.', 'No bulletins yet.')}</p>}
        <ul class="media-list">
          {media.data?.map((m) => (
            <li class="media-item" data-testid="media-item" data-status={m.status} data-name={m.originalName}>
              <div class="media-head">
                <strong>{m.originalName}</strong>
                <span class={`badge ${m.status}`}>
                  {m.status === 'ready'
                    ? tx('Sẵn sàng', 'Ready')
                    : m.status === 'processing'
                      ? tx('Đang xử lý…', 'Processing…')
                      : tx('Lỗi', 'Failed')}
                </span>
              </div>
              <div class="muted small">
                {fmtDateTime(m.createdAt, lang())}
                {m.status === 'ready' && (
                  <>
                    {' · '}
                    <span data-testid="duration">
                      {tx('Thời lượng', 'Duration')} {fmtDuration(m.durationMs)}
                    </span>
                    {' · '}
                    <span data-testid="loudness">{loudnessText(m.loudness)}</span>
                  </>
                )}
              </div>
              {m.status === 'ready' && m.loudness && (
                <details class="tech small" data-testid="loudness-detail">
                  <summary>{tx('Chi tiết kỹ thuật', 'Technical detail')}</summary>
                  {/* LUFS and dBTP stay here, with what they mean, for whoever needs the figures. */}
                  {tx('Độ lớn cảm nhận', 'Perceived loudness')} {num(m.loudness.inputI)} → {num(m.loudness.outputI)}{' '}
                  LUFS
                  {m.loudness.outputTP !== undefined && (
                    <>
                      {' '}
                      · {tx('đỉnh', 'true peak')} {num(m.loudness.outputTP)} dBTP
                    </>
                  )}
                  <div class="muted">
                    {tx(
                      'LUFS: đơn vị đo độ to mà tai người nghe thấy (càng gần 0 càng to). dBTP: mức đỉnh cao nhất của tín hiệu, giữ dưới 0 để loa không bị rè.',
                      'LUFS: loudness as the ear hears it (closer to 0 is louder). dBTP: the highest peak of the signal, kept below 0 so speakers do not distort.',
                    )}
                  </div>
                </details>
              )}
              {m.status === 'failed' && <p class="error small">{mediaErrorText(m, lang())}</p>}
              {m.status === 'ready' && <AudioWithWave media={m} />}
              <div class="row">
                {m.status === 'ready' && (
                  <button
                    type="button"
                    class="small"
                    onClick={() => {
                      setDraftSeed({ mediaId: m.id, title: m.originalName.replace(/\.[a-z0-9]+$/i, '') });
                      ctx.go('schedule?new');
                    }}
                  >
                    {tx('Đặt lịch phát', 'Schedule it')}
                  </button>
                )}
                {m.mayManage && <MediaActions m={m} archived={false} onDone={reload} />}
              </div>
            </li>
          ))}
        </ul>
        <button
          type="button"
          class="link small"
          data-testid="show-archived"
          aria-expanded={showArchived}
          onClick={() => setShowArchived(!showArchived)}
        >
          {showArchived
            ? tx('Ẩn tệp đã lưu trữ', 'Hide archived files')
            : tx('Xem tệp đã lưu trữ', 'Show archived files')}
        </button>
        {showArchived && (
          <div data-testid="archived-list">
            <h3>{tx('Tệp đã lưu trữ', 'Archived files')}</h3>
            {archived.data?.length === 0 && (
              <p class="muted small">{tx('Không có tệp nào đã lưu trữ.', 'No archived files.')}</p>
            )}
            <ul class="media-list">
              {archived.data?.map((m) => (
                <li class="media-item" data-testid="archived-item" data-name={m.originalName}>
                  <div class="media-head">
                    <strong>{m.originalName}</strong>
                    <span class="muted small">
                      {tx('Lưu trữ lúc', 'Archived')} {fmtDateTime(m.archivedAt, lang())}
                    </span>
                  </div>
                  {m.mayManage && (
                    <div class="row">
                      <MediaActions m={m} archived onDone={reload} />
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>

      <section class="card">
        <h2>{tx('Soạn thông điệp LED', 'Write an LED message')}</h2>
        <LedComposer pages={pages} onChange={setPages} />
        <button
          type="button"
          class="primary"
          disabled={!ledForApi(pages)}
          onClick={() => {
            setDraftSeed({ led: ledForApi(pages), title: pages[0]?.lines[0] ?? '' });
            ctx.go('schedule?new');
          }}
        >
          {tx('Đặt lịch hiển thị', 'Schedule it')}
        </button>
      </section>
    </div>
  );
}

/**
 * Archive (hide, restorable) or delete (files removed) an item nobody's bulletin needs, each asked
 * first. The hub refuses an item still in use and names the bulletins; that answer shows here.
 */
function MediaActions({ m, archived, onDone }: { m: LibraryItem; archived: boolean; onDone: () => void }) {
  const [error, setError] = useState('');
  const run = async (question: string, act: () => Promise<unknown>) => {
    if (!window.confirm(question)) return;
    setError('');
    try {
      await act();
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const name = `«${m.originalName}»`;
  return (
    <>
      {archived ? (
        <button
          type="button"
          class="small"
          data-testid="media-restore"
          onClick={() =>
            run(tx(`Khôi phục ${name} vào thư viện?`, `Restore ${name} to the library?`), () =>
              post(`/api/v1/media/${m.id}/restore`),
            )
          }
        >
          {tx('Khôi phục', 'Restore')}
        </button>
      ) : (
        <button
          type="button"
          class="small"
          data-testid="media-archive"
          onClick={() =>
            run(
              tx(
                `Lưu trữ ${name}? Tệp sẽ ẩn khỏi thư viện và có thể khôi phục sau.`,
                `Archive ${name}? It leaves the library and can be restored later.`,
              ),
              () => post(`/api/v1/media/${m.id}/archive`),
            )
          }
        >
          {tx('Lưu trữ', 'Archive')}
        </button>
      )}
      <button
        type="button"
        class="small danger"
        data-testid="media-delete"
        onClick={() =>
          run(
            tx(
              `Xóa hẳn ${name}? Tệp âm thanh sẽ bị xóa khỏi máy chủ và không khôi phục được.`,
              `Delete ${name} for good? The audio files are removed from the hub and cannot be restored.`,
            ),
            () => del(`/api/v1/media/${m.id}`),
          )
        }
      >
        {tx('Xóa', 'Delete')}
      </button>
      {error && (
        <p class="error small" role="alert" data-testid="media-action-error">
          {error}
        </p>
      )}
    </>
  );
}

const num = (v: unknown) => (typeof v === 'number' ? fmtNumber(v, 1) : '—');

export { emptyPage };
