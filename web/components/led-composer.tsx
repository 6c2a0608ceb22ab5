import { useEffect } from 'preact/hooks';
import { MODE, pick, tx } from '../lib/i18n.ts';
import type { LedMode, LedPageInput } from '../lib/led-layout.ts';
import {
  API_MAX_LINES,
  composeLimits,
  countLines,
  sentLines,
  type ComposeLimits,
  type Targets,
} from '../lib/led-boards.ts';
import { LedBoardPreviews, useTargetBoards } from './led-preview.tsx';

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
  onLimits,
}: {
  pages: LedPageInput[];
  onChange: (p: LedPageInput[]) => void;
  targets?: Targets;
  emergency?: boolean;
  /** The limits of the boards the message reaches, as they change (the form checks them before sending). */
  onLimits?: (l: ComposeLimits) => void;
}) {
  const set = (i: number, p: Partial<LedPageInput>) => onChange(pages.map((x, j) => (j === i ? { ...x, ...p } : x)));
  const loaded = useTargetBoards(targets);
  const limits = composeLimits(loaded.boards ?? []);
  const limitsKey = `${limits.lines}/${limits.maxChars}/${limits.smallest}/${limits.boards.length}`;
  useEffect(() => onLimits?.(limits), [limitsKey]);
  const counts = countLines(pages, limits.maxChars);
  const where = limits.boards.length
    ? tx(
        `Các bảng LED nhận thông điệp hiện ${limits.lines} dòng mỗi trang (bảng nhỏ nhất ${limits.smallest})`,
        `The boards that will show it fit ${limits.lines} line(s) per page (smallest board ${limits.smallest})`,
      )
    : tx(
        `Bảng mặc định ${limits.smallest} hiện ${limits.lines} dòng mỗi trang`,
        `The default ${limits.smallest} board fits ${limits.lines} line(s) per page`,
      );
  return (
    <div class="led-composer">
      <LedBoardPreviews pages={pages} targets={targets} emergency={emergency} loaded={loaded} />
      <p class="small" data-testid="led-limits" data-lines={limits.lines} data-max-chars={limits.maxChars}>
        {where}; {tx(`tối đa ${limits.maxChars} ký tự mỗi dòng.`, `at most ${limits.maxChars} characters per line.`)}
      </p>
      {pages.map((p, i) => (
        <fieldset class="led-page" data-testid={`led-page-${i + 1}`}>
          <legend>
            {tx('Trang', 'Page')} {i + 1}
          </legend>
          <textarea
            rows={Math.max(2, p.lines.length)}
            value={p.lines.join('\n')}
            data-testid="led-text"
            placeholder={tx(
              `Mỗi dòng một hàng chữ trên bảng; bảng hiện ${limits.lines} dòng`,
              `One board line per row; the board shows ${limits.lines}`,
            )}
            onInput={(e) =>
              set(i, { lines: (e.target as HTMLTextAreaElement).value.split('\n').slice(0, API_MAX_LINES) })
            }
          />
          <ul class="led-counts small" data-testid="led-counts" aria-live="polite">
            {counts
              .filter((c) => c.page === i + 1)
              .map((c) => (
                <li
                  class={c.over ? 'error' : c.line > limits.lines ? 'warn' : 'muted'}
                  data-testid="led-count"
                  data-over={String(c.over)}
                >
                  {tx(`Dòng ${c.line}: ${c.chars}/${c.max} ký tự`, `Line ${c.line}: ${c.chars}/${c.max} characters`)}
                  {c.over &&
                    ` — ${tx(`dài quá ${c.chars - c.max} ký tự, bảng sẽ không nhận`, `${c.chars - c.max} too many, the board will not take it`)}`}
                  {!c.over &&
                    c.line > limits.lines &&
                    ` — ${tx('không hiện cùng lúc với các dòng trên', 'not shown together with the lines above')}`}
                </li>
              ))}
          </ul>
          <div class="row">
            <label class="inline">
              {tx('Hiệu ứng', 'Display mode')}
              <select
                value={p.mode}
                data-testid="led-mode"
                onChange={(e) => set(i, { mode: (e.target as HTMLSelectElement).value as LedMode })}
              >
                {Object.keys(MODE).map((m) => (
                  <option value={m}>{pick(MODE, m)}</option>
                ))}
              </select>
            </label>
            <label class="inline">
              {tx('Số giây', 'Seconds')}
              <input
                type="number"
                min={1}
                max={600}
                value={p.seconds}
                onInput={(e) => set(i, { seconds: Math.max(1, +(e.target as HTMLInputElement).value || 1) })}
              />
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
  const clean = pages.map((p) => ({ ...p, lines: sentLines(p.lines) })).filter((p) => p.lines.some((l) => l.trim()));
  return clean.length ? { pages: clean } : undefined;
}
