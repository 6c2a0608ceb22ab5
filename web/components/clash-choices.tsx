// Clashes in words and the choices they ask for: what the draft check (POST /broadcasts/check) and
// a broadcast's detail report, the ward official's decision against a higher level, and the
// leader's same-level choice at approval. Used by the broadcast form, the detail and approvals.
import type { Broadcast } from '../../hub/api-contract/broadcasts.ts';
import type { Conflict } from '../../hub/api-contract/schedule.ts';
import { tx } from '../lib/i18n.ts';

export type ClashDecision = 'air-ours' | 'yield';

/** The ward official's two choices on a clash with a higher level's bulletin of the same priority. */
export function DecisionChoice({
  value,
  onChange,
}: {
  value: ClashDecision | '';
  onChange: (d: ClashDecision) => void;
}) {
  return (
    <fieldset class="decision-box" data-testid="decide">
      <legend>
        {tx(
          'Quyết định của cán bộ phường (Thông tư 39/2020/TT-BTTTT)',
          "The ward official's decision (Circular 39/2020/TT-BTTTT)",
        )}
      </legend>
      <label class="check">
        <input
          type="radio"
          name="decision"
          value="air-ours"
          checked={value === 'air-ours'}
          onChange={() => onChange('air-ours')}
        />
        {tx(
          'Phát bản tin của phường; bản tin cấp trên không phát trên các thiết bị của phường vào các lần trùng giờ.',
          "Air ours; the higher level's bulletin is left off the ward's devices at the clashing times.",
        )}
      </label>
      <label class="check">
        <input
          type="radio"
          name="decision"
          value="yield"
          checked={value === 'yield'}
          onChange={() => onChange('yield')}
        />
        {tx(
          'Nhường cho bản tin cấp trên; bản tin này không phát trên các thiết bị đó vào các lần trùng giờ.',
          'Yield to the higher level; this bulletin is left off those devices at the clashing times.',
        )}
      </label>
    </fieldset>
  );
}

/** A stored broadcast as the body of a draft check (POST /api/v1/broadcasts/check?exclude=id). */
export const checkBodyOf = (
  b: Pick<Broadcast, 'title' | 'priority' | 'volume' | 'targets' | 'mediaId' | 'led' | 'rrule' | 'startsAt'>,
) => ({
  title: b.title,
  priority: b.priority,
  volume: b.volume,
  targets: b.targets,
  ...(b.mediaId ? { mediaId: b.mediaId } : {}),
  ...(b.led ? { led: b.led } : {}),
  ...(b.rrule ? { rrule: b.rrule } : { startsAt: b.startsAt }),
});

/** Clashes with a higher level's bulletin of the same priority: the ward official's to decide. */
export const clashesToDecide = (conflicts: Conflict[] | undefined) =>
  (conflicts ?? []).filter((c) => c.kind === 'decision' && c.otherLevel === 'higher');

export function groupConflicts(list: Conflict[]) {
  const m = new Map<string, Conflict & { items: Conflict[] }>();
  for (const c of list) {
    const k = `${c.broadcastId}|${c.kind}`;
    if (!m.has(k)) m.set(k, { ...c, items: [] });
    m.get(k)!.items.push(c);
  }
  return [...m.values()];
}

export function conflictTitle(kind: string) {
  return kind === 'decision'
    ? tx('Cần cán bộ phường quyết định', 'Your decision')
    : kind === 'preempts'
      ? tx('Sẽ ngắt bản tin khác', 'Will pre-empt another bulletin')
      : kind === 'preempted'
        ? tx('Sẽ bị ngắt', 'Will be pre-empted')
        : tx('Trùng giờ', 'Overlaps');
}
export function conflictText(kind: string, level: string) {
  const from =
    level === 'higher'
      ? tx('của cấp trên', 'from a higher level')
      : level === 'lower'
        ? tx('của cấp dưới', 'from a lower level')
        : tx('cùng cấp', 'from the same level');
  switch (kind) {
    case 'decision':
      return tx(
        `bản tin cùng mức ${from} trùng giờ trên cùng thiết bị; theo quy định, cán bộ phường quyết định phát bản tin nào.`,
        `a bulletin of the same level ${from} overlaps on the same devices; by the national rule the ward official decides which airs.`,
      );
    case 'preempts':
      return tx(
        'bản tin này có mức cao hơn và sẽ ngắt bản tin đó.',
        'this bulletin has the higher level and will interrupt it.',
      );
    case 'preempted':
      return tx(
        'bản tin đó có mức cao hơn và sẽ ngắt bản tin này.',
        'that bulletin has the higher level and will interrupt this one.',
      );
    default:
      return tx(`trùng giờ trên cùng thiết bị (${from}).`, `overlaps on the same devices (${from}).`);
  }
}

/** Which of the two a device plays at a same-level clash, over a group's occurrences ('mixed' if it varies). */
export function whoPlaysOf(g: { items: Array<{ plays: string }> }): string {
  const all = new Set(g.items.map((c) => c.plays));
  return all.size === 1 ? [...all][0] : 'mixed';
}

/**
 * The hub's precedence rule for a same-level clash, in words (hub/schedule/conflicts.ts whoPlays,
 * the agent's own order): the earlier start plays, at the same start the one approved first; the
 * other waits and is skipped if it cannot start within a minute. `reviewing`: a leader's card.
 */
export function whoPlaysText(
  g: { title: string; items: Array<{ plays: string; leaderChooses?: boolean }> },
  reviewing: boolean,
): string {
  const waits = tx(
    'chờ bản tin kia phát xong và bị bỏ qua nếu phải chờ quá 1 phút',
    'waits for the other and is skipped if it cannot start within a minute',
  );
  const choose = g.items.some((c) => c.leaderChooses)
    ? reviewing
      ? tx(' Hãy chọn bên dưới bản tin nào phát.', ' Choose below which one plays.')
      : tx(' Lãnh đạo sẽ chọn bản tin nào phát khi phê duyệt.', 'The leader chooses which one plays when approving.')
    : '';
  switch (whoPlaysOf(g)) {
    case 'other':
      return (
        tx(
          `Nếu không chọn khác: «${g.title}» sẽ phát (đã duyệt trước hoặc bắt đầu trước); bản tin này ${waits}.`,
          `Unless chosen otherwise: «${g.title}» plays (approved or starting first); this one ${waits}.`,
        ) + choose
      );
    case 'draft':
      return (
        tx(
          `Nếu không chọn khác: bản tin này sẽ phát (bắt đầu trước); «${g.title}» ${waits}.`,
          `Unless chosen otherwise: this one plays (it starts first); «${g.title}» ${waits}.`,
        ) + choose
      );
    case 'first-approved':
      return tx(
        `Cả hai cùng giờ và đều chưa được duyệt: bản tin nào được phê duyệt trước sẽ phát; lãnh đạo duyệt bản tin sau sẽ chọn.`,
        'Both start together and neither is approved yet: the one approved first plays; the leader approving the second chooses.',
      );
    default:
      return (
        tx(
          `Tùy lần phát: bản tin bắt đầu trước (cùng giờ thì bản tin được duyệt trước) sẽ phát; bản tin kia ${waits}.`,
          `It depends on the occurrence: the one starting first (at the same time, the one approved first) plays; the other ${waits}.`,
        ) + choose
      );
  }
}

/** The leader's choice on same-level clashes at approval (POST …/approve { clashes }). */
export function SameLevelChoice({
  titles,
  value,
  onChange,
}: {
  titles: string[];
  value: ClashDecision | '';
  onChange: (d: ClashDecision) => void;
}) {
  const others = titles.map((t) => `«${t}»`).join(', ');
  return (
    <fieldset class="decision-box" data-testid="same-level-choice">
      <legend>
        {tx(
          'Trùng giờ với bản tin cùng cấp đã duyệt: chọn bản tin nào phát',
          'Clashes with an approved bulletin of the same level: choose which plays',
        )}
      </legend>
      <label class="check">
        <input
          type="radio"
          name="same-level"
          value="air-ours"
          data-testid="choose-air-ours"
          checked={value === 'air-ours'}
          onChange={() => onChange('air-ours')}
        />
        {tx(
          `Bản tin này phát; ${others} nhường (không phát trên các thiết bị trùng giờ vào các lần đó).`,
          `This one plays; ${others} steps aside (left off the clashing devices at those times).`,
        )}
      </label>
      <label class="check">
        <input
          type="radio"
          name="same-level"
          value="yield"
          data-testid="choose-yield"
          checked={value === 'yield'}
          onChange={() => onChange('yield')}
        />
        {tx(
          `Bản tin này nhường ${others} (không phát trên các thiết bị trùng giờ vào các lần đó).`,
          `This one steps aside for ${others} (left off the clashing devices at those times).`,
        )}
      </label>
    </fieldset>
  );
}

/** What was decided about a clash (GET …/broadcasts/:id clashDecision): the leader's same-level choice, or the ward official's decision against a higher level. */
export function clashDecisionText(d: {
  decision: 'air-ours' | 'yield';
  excluded: number;
  sameLevel?: boolean;
  againstTitles?: string[];
}) {
  if (d.sameLevel) {
    const others = (d.againstTitles ?? []).map((t) => `«${t}»`).join(', ');
    return d.decision === 'yield'
      ? tx(
          `Lãnh đạo đã chọn: bản tin này nhường bản tin cùng cấp; ${d.excluded} lần phát của bản tin này không phát trên thiết bị trùng giờ.`,
          `The leader chose: this bulletin steps aside for the one of the same level; ${d.excluded} occurrence(s) of it are left off the clashing devices.`,
        )
      : tx(
          `Lãnh đạo đã chọn: bản tin này phát; ${others} nhường ${d.excluded} lần phát trên thiết bị trùng giờ.`,
          `The leader chose: this bulletin plays; ${others} steps aside for ${d.excluded} occurrence(s) on the clashing devices.`,
        );
  }
  return d.decision === 'yield'
    ? tx(
        `Cán bộ phường quyết định nhường cho bản tin cấp trên: ${d.excluded} lần phát của bản tin này không phát trên thiết bị trùng giờ.`,
        `The ward official yields to the higher level: ${d.excluded} occurrence(s) of this bulletin are left off the clashing devices.`,
      )
    : tx(
        `Cán bộ phường quyết định phát bản tin của phường: ${d.excluded} lần phát của bản tin cấp trên không phát trên thiết bị của phường.`,
        `The ward official airs the ward's bulletin: ${d.excluded} occurrence(s) of the higher level's bulletin are left off the ward's devices.`,
      );
}
