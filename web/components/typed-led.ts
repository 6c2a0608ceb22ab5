// While "use this text for the LED boards" is ticked, the LED pages follow the typed text, wrapped
// to the limits of the boards the message reaches (they change with the chosen areas).
import { useEffect, useState } from 'preact/hooks';
import { tx } from '../lib/i18n.ts';
import { composeLimits, DEFAULT_PREVIEW_DISPLAY, type ComposeLimits } from '../lib/led-boards.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { ledPagesFromText, MAX_PAGES } from '../lib/tts-led.ts';

export function useLedFromText(limits: ComposeLimits | null, setPages: (p: LedPageInput[]) => void) {
  const [text, setText] = useState<string | null>(null);
  const [cut, setCut] = useState<string | null>(null);
  const l = limits ?? composeLimits([]);
  // Still pages no wider than the narrowest target board (the default preview board when none).
  const columns = Math.min(
    ...(l.boards.length ? l.boards.map((b) => b.display.columns) : [DEFAULT_PREVIEW_DISPLAY.columns]),
  );
  useEffect(() => {
    if (text === null || !text.trim()) return setCut(null);
    const r = ledPagesFromText(text, { lines: l.lines, maxChars: l.maxChars, columns });
    setPages(r.pages);
    setCut(
      r.cut
        ? tx(
            `Nội dung dài hơn ${MAX_PAGES} trang của bảng LED: hãy rút gọn thông điệp LED, hoặc bỏ chọn «Dùng nội dung này cho bảng LED».`,
            `The text runs past the ${MAX_PAGES} pages an LED message can have: shorten the LED message, or untick «Use this text for the LED boards».`,
          )
        : null,
    );
  }, [text, l.lines, l.maxChars, columns]);
  return { setText, cut };
}
