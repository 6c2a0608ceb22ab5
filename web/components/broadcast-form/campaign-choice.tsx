// The campaigns (chuyên đề) a bulletin serves: those not archived whose areas overlap where it
// plays (the hub refuses any other, by name).
import { useState } from 'preact/hooks';
import { useResource } from '../../lib/hooks.ts';
import { tx } from '../../lib/i18n.ts';
import { withinScope } from '../../../protocol/area-scope.ts';
import type { Campaign } from '../../../hub/api-contract/campaigns.ts';

export function useCampaigns(initial: number[] | undefined) {
  const [chosen, setChosen] = useState<number[]>(initial ?? []);
  const toggle = (id: number) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  return { chosen, toggle };
}

export function CampaignChoice({
  state,
  paths,
}: {
  state: ReturnType<typeof useCampaigns>;
  /** where the bulletin plays: its target areas and its devices' areas */
  paths: string[];
}) {
  const list = useResource<Campaign[]>('/api/v1/campaigns');
  const near = (list.data ?? []).filter(
    (c) =>
      state.chosen.includes(c.id) || c.areas.some((a) => paths.some((p) => withinScope(a, p) || withinScope(p, a))),
  );
  if (near.length === 0) return null;
  return (
    <fieldset data-testid="campaign-choice">
      <legend>{tx('Chuyên đề', 'Campaigns')}</legend>
      {near.map((c) => (
        <label class="inline">
          <input type="checkbox" checked={state.chosen.includes(c.id)} onChange={() => state.toggle(c.id)} /> {c.name}
        </label>
      ))}
    </fieldset>
  );
}
