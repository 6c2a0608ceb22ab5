import { MODE, pick, tx } from '../lib/i18n.ts';
import type { LedMode, LedPageInput } from '../lib/led-layout.ts';
import { sentLines, type Targets } from '../lib/led-boards.ts';
import { LedBoardPreviews } from './led-preview.tsx';

export const emptyPage = (): LedPageInput => ({ lines: [''], mode: 'hold', seconds: 8 });

/**
 * The LED message editor with its live preview on the boards the message will reach: those of
 * `targets` (the areas and devices chosen); undefined (a library message, not placed yet): every
 * board in the user's area.
 */
export function LedComposer({
  pages,
  onChange,
  targets,
  emergency,
}: {
  pages: LedPageInput[];
  onChange: (p: LedPageInput[]) => void;
  targets?: Targets;
  emergency?: boolean;
}) {
  const set = (i: number, p: Partial<LedPageInput>) => onChange(pages.map((x, j) => (j === i ? { ...x, ...p } : x)));
  return (
    <div class="led-composer">
      <LedBoardPreviews pages={pages} targets={targets} emergency={emergency} />
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
    .map((p) => ({ ...p, lines: sentLines(p.lines) }))
    .filter((p) => p.lines.some((l) => l.trim()));
  return clean.length ? { pages: clean } : undefined;
}
