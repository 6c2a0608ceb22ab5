// The LED message of a broadcast: ticked or not, composed for the boards it reaches, with an offer
// to reflow it for boards it does not fit.
import { tx } from '../../lib/i18n.ts';
import { targetedBoards, type DeviceRecord } from '../../lib/led-boards.ts';
import type { Area } from '../../lib/session.ts';
import { LedComposer } from '../led-composer.tsx';
import { LedReflowOffer } from '../led-reflow-offer.tsx';
import type { LedMessage } from './use-led-message.ts';

export function LedFields({
  led,
  where,
  fleet,
  areas,
}: {
  led: LedMessage;
  where: { areas: string[]; devices: string[] };
  fleet: DeviceRecord[] | null;
  areas: Area[];
}) {
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          checked={led.useLed}
          onChange={(e) => led.setUseLed((e.target as HTMLInputElement).checked)}
          name="use-led"
        />
        {tx('Kèm thông điệp LED cho bảng tin điện tử', 'Include an LED message for the boards')}
      </label>
      {led.useLed && <LedComposer pages={led.pages} onChange={led.setPages} targets={where} onLimits={led.setLimits} />}
      {led.useLed && fleet && (
        <LedReflowOffer
          pages={led.pages}
          boards={targetedBoards(fleet, where)}
          areaName={(p) => areas.find((a) => a.path === p)?.name}
          onApply={led.setPages}
        />
      )}
    </>
  );
}
