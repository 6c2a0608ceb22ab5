// Where a broadcast plays: the areas the user may choose, the ones it already names (an edit may
// name areas outside the list), and single devices named through the API.
import { useState } from 'preact/hooks';
import { myAreas, type Area, type Me } from '../../lib/session.ts';

export function useTargets(me: Me, areas: Area[], editing?: { targets: { areas: string[]; devices?: string[] } }) {
  const choosable = myAreas(me, areas).filter(
    (a) => a.level === 'ward' || a.level === 'district' || a.path === me.scope,
  );
  const [targets, setTargets] = useState<string[]>(
    editing
      ? editing.targets.areas
      : me.role === 'operator' || me.role === 'approver'
        ? [me.scope!].filter(Boolean)
        : [],
  );
  // Single devices named as targets (through the API): an edit keeps them unless unticked.
  const [targetDevices, setTargetDevices] = useState<string[]>(editing?.targets.devices ?? []);
  const otherAreas = targets.filter((p) => !choosable.some((a) => a.path === p));
  return { choosable, otherAreas, targets, setTargets, targetDevices, setTargetDevices };
}

export type Targets = ReturnType<typeof useTargets>;
