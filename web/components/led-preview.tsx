// The LED board as the street sees it: text rasterised into the board's dot grid (a real font
// drawn at one pixel per dot, then thresholded, so Vietnamese diacritics stay where they belong),
// drawn as round dots, animated per page mode.
import { useEffect, useRef } from 'preact/hooks';
import { BOARDS, frameAt, layoutPage, lineX, pageAt, type BoardSpec, type LedPageInput } from '../lib/led-layout.ts';
import { tx } from '../lib/i18n.ts';
import { blit, createBitmap, measureLine, missingGlyphs, renderLine, VN5X7_METRICS } from '../../firmware-bridge/led/render/index.ts';

const DOT = 3;

/**
 * Lit dots of the page at a shift: the board's own 5×7 font with Vietnamese marks (the renderer
 * the agent's driver and the board simulator use, firmware-bridge/led/render), so what the
 * preview shows is what the board draws.
 */
function rasterise(page: LedPageInput, board: BoardSpec, dx: number, dy: number) {
  const layout = layoutPage(page, board, (t) => measureLine(t));
  const bmp = createBitmap(board.width, board.height);
  const pad = Math.max(0, Math.floor((board.lineHeight - VN5X7_METRICS.lineHeight) / 2));
  for (const l of layout.lines) blit(bmp, renderLine(l.text), lineX(l.width, board) + dx, l.y + dy + pad);
  return { lit: bmp.data, layout };
}

export function LedPreview({ pages, boardId = '192x32', emergency = false, animate = true }: { pages: LedPageInput[]; boardId?: string; emergency?: boolean; animate?: boolean }) {
  const board = BOARDS.find((b) => b.id === boardId) ?? BOARDS[0];
  const canvas = useRef<HTMLCanvasElement>(null);
  const info = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(pages) + boardId;

  useEffect(() => {
    const c = canvas.current!;
    c.width = board.width * DOT;
    c.height = board.height * DOT;
    const g = c.getContext('2d')!;
    const on = emergency ? '#ff3b30' : '#ffb000';
    const off = '#2b2118';
    const started = performance.now();
    let raf = 0;
    let last = -1;
    const draw = (tMs: number) => {
      const usable = pages.filter((p) => p.lines.some((l) => l.trim()));
      const list = usable.length ? usable : [{ lines: [''], mode: 'hold' as const, seconds: 5 }];
      const at = pageAt(list, tMs);
      const page = list[at.index];
      const probe = rasterise(page, board, 0, 0);
      const f = frameAt(page.mode, at.t, probe.layout, board);
      const { lit } = f.dx || f.dy ? rasterise(page, board, f.dx, f.dy) : probe;
      g.fillStyle = '#0d0d0d';
      g.fillRect(0, 0, c.width, c.height);
      let count = 0;
      for (let y = 0; y < board.height; y++)
        for (let x = 0; x < board.width; x++) {
          const isOn = f.visible && lit[y * board.width + x] === 1;
          if (isOn) count++;
          g.fillStyle = isOn ? on : off;
          g.beginPath();
          g.arc(x * DOT + DOT / 2, y * DOT + DOT / 2, DOT * 0.42, 0, Math.PI * 2);
          g.fill();
        }
      const overflow = probe.layout.lines.some((l) => l.overflow) && page.mode !== 'scroll';
      const missing = missingGlyphs(page.lines.join(''));
      c.dataset.page = String(at.index + 1);
      c.dataset.lit = String(count);
      if (info.current) {
        info.current.textContent =
          `${tx('Trang', 'Page')} ${at.index + 1}/${list.length} · ${board.width}×${board.height}` +
          (overflow ? ` · ${tx('Dòng dài hơn bảng — chọn chạy chữ hoặc rút gọn', 'Line wider than the board — use scroll or shorten it')}` : '') +
          (probe.layout.hiddenLines ? ` · ${tx(`${probe.layout.hiddenLines} dòng không vừa bảng`, `${probe.layout.hiddenLines} line(s) do not fit`)}` : '') +
          (missing.length ? ` · ${tx('Bảng không có chữ', 'The board cannot draw')}: ${missing.join(' ')}` : '');
        info.current.classList.toggle('warn', overflow || probe.layout.hiddenLines > 0 || missing.length > 0);
      }
    };
    const loop = () => {
      const t = performance.now() - started;
      const frame = Math.floor(t / 50);
      if (frame !== last) {
        last = frame;
        draw(t);
      }
      raf = requestAnimationFrame(loop);
    };
    if (animate) loop();
    else draw(0);
    return () => cancelAnimationFrame(raf);
  }, [key, emergency, animate]);

  const text = pages.map((p) => p.lines.join(' / ')).join(' | ');
  return (
    <figure class="led-preview">
      <canvas ref={canvas} role="img" aria-label={text} data-testid="led-canvas" data-text={text} />
      <figcaption ref={info} class="muted small" />
    </figure>
  );
}
