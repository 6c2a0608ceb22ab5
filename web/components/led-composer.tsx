import { MODE, pick, tx } from '../lib/i18n.ts';
import { BOARDS, type LedMode, type LedPageInput } from '../lib/led-layout.ts';
import { LedPreview } from './led-preview.tsx';

export const emptyPage = (): LedPageInput => ({ lines: [''], mode: 'hold', seconds: 8 });

export function LedComposer({ pages, onChange, boardId, onBoard, emergency }: { pages: LedPageInput[]; onChange: (p: LedPageInput[]) => void; boardId: string; onBoard: (id: string) => void; emergency?: boolean }) {
  const set = (i: number, p: Partial<LedPageInput>) => onChange(pages.map((x, j) => (j === i ? { ...x, ...p } : x)));
  return (
    <div class="led-composer">
      <LedPreview pages={pages} boardId={boardId} emergency={emergency} />
      <label class="inline">
        {tx('Kích thước bảng', 'Board size')}
        <select value={boardId} onChange={(e) => onBoard((e.target as HTMLSelectElement).value)}>
          {BOARDS.map((b) => (
            <option value={b.id}>
              {b.width}×{b.height} ({b.height / b.lineHeight} {tx('dòng', 'lines')})
            </option>
          ))}
        </select>
      </label>
      {pages.map((p, i) => (
        <fieldset class="led-page" data-testid={`led-page-${i + 1}`}>
          <legend>
            {tx('Trang', 'Page')} {i + 1}
          </legend>
          <textarea
            rows={Math.max(2, p.lines.length)}
            value={p.lines.join('\n')}
            data-testid="led-text"
            placeholder={tx('Mỗi dòng một hàng chữ trên bảng (tối đa 4)', 'One board line per row (up to 4)')}
            onInput={(e) => set(i, { lines: (e.target as HTMLTextAreaElement).value.split('\n').slice(0, 4) })}
          />
          <div class="row">
            <label class="inline">
              {tx('Hiệu ứng', 'Display mode')}
              <select value={p.mode} data-testid="led-mode" onChange={(e) => set(i, { mode: (e.target as HTMLSelectElement).value as LedMode })}>
                {Object.keys(MODE).map((m) => (
                  <option value={m}>{pick(MODE, m)}</option>
                ))}
              </select>
            </label>
            <label class="inline">
              {tx('Số giây', 'Seconds')}
              <input type="number" min={1} max={600} value={p.seconds} onInput={(e) => set(i, { seconds: Math.max(1, +(e.target as HTMLInputElement).value || 1) })} />
            </label>
            {pages.length > 1 && (
              <button type="button" class="link" onClick={() => onChange(pages.filter((_, j) => j !== i))}>
                {tx('Xóa trang', 'Remove page')}
              </button>
            )}
          </div>
        </fieldset>
      ))}
      {pages.length < 16 && (
        <button type="button" onClick={() => onChange([...pages, emptyPage()])} data-testid="led-add-page">
          + {tx('Thêm trang', 'Add page')}
        </button>
      )}
    </div>
  );
}

/** The LED message as the API takes it (empty lines at the end dropped), or undefined. */
export function ledForApi(pages: LedPageInput[]) {
  const clean = pages
    .map((p) => ({ ...p, lines: p.lines.map((l) => l.trimEnd()).filter((l, i, a) => l || a.slice(i).some(Boolean)) }))
    .filter((p) => p.lines.some((l) => l.trim()));
  return clean.length ? { pages: clean } : undefined;
}
