// When a board the message reaches would refuse it or cut it off: says per board why (its lines and
// dots), shows the message laid out to fit on each board size, and applies that layout in one click
// (lib/led-reflow.ts). A word wider than a board cannot be laid out: said, and nothing to apply.
import { useMemo } from 'preact/hooks';
import { displayKey, groupBoards, sizeLabel, type TargetBoard } from '../lib/led-boards.ts';
import { boardPlaces, messageFits, reflowBlockText, reflowPages, reflowReason } from '../lib/led-reflow.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { tx } from '../lib/i18n.ts';
import { LedPreview } from './led-preview.tsx';

export function LedReflowOffer({
  pages,
  boards,
  areaName,
  emergency = false,
  onApply,
}: {
  pages: LedPageInput[];
  /** The boards the message reaches; only those that reported their display are laid out for. */
  boards: TargetBoard[];
  areaName: (path: string) => string | undefined;
  emergency?: boolean;
  onApply: (pages: LedPageInput[]) => void;
}) {
  const groups = groupBoards(boards.filter((b) => !b.assumed));
  const key = JSON.stringify(pages) + groups.map((g) => g.key).join('|');
  const plan = useMemo(() => {
    const displays = groups.map((g) => g.display);
    if (!pages.some((p) => p.lines.some((l) => l.trim())) || messageFits(pages, displays)) return null;
    return { reflow: reflowPages(pages, displays), misfit: groups.filter((g) => !messageFits(pages, [g.display])) };
  }, [key]);
  if (!plan) return null;
  const { reflow, misfit } = plan;
  const blocked = reflowBlockText(reflow);
  return (
    <div class="alert warn reflow-offer" data-testid="reflow-offer" data-pages={reflow.pages.length}>
      <strong>{tx('Thông điệp chưa vừa mọi bảng', 'The message does not fit every board')}</strong>
      <ul class="small">
        {misfit.map((g) => (
          <li data-testid="reflow-reason" data-display={g.key}>
            {reflowReason(g.display, boardPlaces(g.boards, areaName), pages, reflow.pages)}
          </li>
        ))}
      </ul>
      {blocked ? (
        <p class="error" data-testid="reflow-blocked">
          {blocked}
        </p>
      ) : (
        <>
          <div class="reflow-previews">
            {groups.map((g) => (
              <div data-testid="reflow-preview" data-display={displayKey(g.display)}>
                <LedPreview pages={reflow.pages} display={g.display} emergency={emergency} fit>
                  <p class="small muted">
                    {tx(
                      `Sau khi chia: bảng ${sizeLabel(g.display)}, ${reflow.pages.length} trang`,
                      `Laid out: the ${sizeLabel(g.display)} board, ${reflow.pages.length} page(s)`,
                    )}
                  </p>
                </LedPreview>
              </div>
            ))}
          </div>
          <button type="button" class="primary" data-testid="reflow-apply" onClick={() => onApply(reflow.pages)}>
            {tx('Tự chia dòng/trang cho vừa bảng', 'Lay out lines and pages to fit the boards')}
          </button>
        </>
      )}
    </div>
  );
}
