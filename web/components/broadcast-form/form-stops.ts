// Refused before submitting (the hub refuses the same): an LED box ticked with no text, text that
// runs past the boards' limits, a submission that reaches no device, a message a target board (as
// it reported itself) would refuse, and a typed bulletin not read again since it was edited.
import { overLimitText, targetedBoards, type DeviceRecord } from '../../lib/led-boards.ts';
import type { LedPageInput } from '../../lib/led-layout.ts';
import { ledEmptyText, noReachText, reachOf, refusalText, refusingBoards } from '../../lib/send-check.ts';
import type { LedMessage } from './use-led-message.ts';

export function formStops(o: {
  led: LedMessage;
  ledBody: { pages: LedPageInput[] } | undefined;
  audio: boolean;
  where: { areas: string[]; devices: string[] };
  fleet: DeviceRecord[] | null;
  ttsStop: string | null;
}): string[] {
  const { led, ledBody, where, fleet } = o;
  const content = { audio: o.audio, led: !!ledBody };
  const reach = fleet ? reachOf(fleet, where, content) : null;
  const stops: string[] = [];
  if (led.useLed && !ledBody) stops.push(ledEmptyText());
  if (o.ttsStop) stops.push(o.ttsStop);
  if (led.fromText.cut) stops.push(led.fromText.cut);
  const ledTooLong = led.useLed && led.limits ? overLimitText(led.pages, led.limits.maxChars) : null;
  if (ledTooLong) stops.push(ledTooLong);
  if (reach && where.areas.length + where.devices.length > 0 && (content.audio || content.led) && reach.reached === 0)
    stops.push(noReachText(reach, content));
  if (ledBody && fleet) stops.push(...refusingBoards(ledBody.pages, targetedBoards(fleet, where)).map(refusalText));
  return stops;
}
