// The LED message of a broadcast: whether there is one, its pages, the limits of the boards it
// reaches (from the composer), and pages that follow a typed bulletin's text.
import { useState } from 'preact/hooks';
import type { ComposeLimits } from '../../lib/led-boards.ts';
import type { LedPageInput } from '../../lib/led-layout.ts';
import { emptyPage } from '../led-composer.tsx';
import { useLedFromText } from '../typed-led.ts';

export function useLedMessage(initial: { pages: LedPageInput[] } | null | undefined) {
  const [useLed, setUseLed] = useState(!!initial);
  const [pages, setPages] = useState<LedPageInput[]>(initial?.pages ?? [emptyPage()]);
  const [limits, setLimits] = useState<ComposeLimits | null>(null);
  const fromText = useLedFromText(limits, (p) => {
    setUseLed(true);
    setPages(p);
  });
  return { useLed, setUseLed, pages, setPages, limits, setLimits, fromText };
}

export type LedMessage = ReturnType<typeof useLedMessage>;
