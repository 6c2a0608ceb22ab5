// The LED board as the street sees it: each page as the board will show it (as text, as a dot
// picture, or without diacritics behind a marker: the driver's own decision, lib/led-boards.ts),
// drawn dot by dot in the boards' 5×7 Vietnamese font (firmware-bridge/led/render) and animated per
// page mode. LedBoardPreviews shows a message on the boards it will reach, one preview per display.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { boardSpec, frameAt, frameDots, pageAt, pagePicture, type LedPageInput } from '../lib/led-layout.ts';
import {
  assumedLabel,
  boardFromDevice,
  boardView,
  DEFAULT_PREVIEW_DISPLAY,
  displayKey,
  displayLabel,
  groupBoards,
  issueText,
  renderingNote,
  sizeLabel,
  targetedBoards,
  type DeviceRecord,
  type LedDisplay,
  type TargetBoard,
  type Targets,
} from '../lib/led-boards.ts';
import { useResource } from '../lib/hooks.ts';
import { tx } from '../lib/i18n.ts';
import { missingGlyphs } from '../../firmware-bridge/browser.ts';

const DOT = 3;

/**
 * One board. `fit`: the display is a real (or assumed) target board, so list where the message does
 * not fit it and how it reaches it; without it the preview is a generic board with light hints.
 * `children` go under the board, above that list (the boards' names).
 */
export function LedPreview({
  pages,
  display = DEFAULT_PREVIEW_DISPLAY,
  emergency = false,
  animate = true,
  fit = false,
  children,
}: {
  pages: LedPageInput[];
  display?: LedDisplay;
  emergency?: boolean;
  animate?: boolean;
  fit?: boolean;
  children?: ComponentChildren;
}) {
  const board = boardSpec(display);
  const canvas = useRef<HTMLCanvasElement>(null);
  const info = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(pages) + displayKey(display);
  const view = useMemo(() => boardView(pages, display), [key]);
  // Each page drawn once (a picture page as its driver draws it); a frame only shifts the drawing.
  const list = useMemo(
    () =>
      (view.pages.length
        ? view.pages.map((p) => ({
            page: p.page,
            lines: p.view.lines,
            mode: p.mode,
            seconds: pages[p.page - 1].seconds,
            rendering: p.view.rendering,
            bitmap: p.view.bitmap,
          }))
        : [{ page: 1, lines: [''], mode: 'hold' as const, seconds: 5, rendering: 'text' as const, bitmap: undefined }]
      ).map((p) => ({ ...p, ...pagePicture(p.lines, p.mode, board, p.bitmap) })),
    [key],
  );

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
      const at = pageAt(list, tMs);
      const page = list[at.index];
      const f = frameAt(page.mode, at.t, page.layout, board);
      const lit = frameDots(page.dots, board, f.dx, f.dy).data;
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
      c.dataset.page = String(at.index + 1);
      c.dataset.lit = String(count);
      if (!info.current) return;
      const how =
        page.rendering === 'picture'
          ? ` · ${tx('dạng hình ảnh', 'as a picture')}`
          : page.rendering === 'stripped'
            ? ` · ${tx('không dấu', 'no diacritics')}`
            : '';
      let hints = '';
      let warn = view.issues.some((x) => x.page === page.page);
      if (!fit) {
        // A generic board: only say what would not fit any board of this size.
        const overflow = page.layout.lines.some((l) => l.overflow) && page.mode !== 'scroll';
        const missing = missingGlyphs(page.lines.join(''));
        hints =
          (overflow
            ? ` · ${tx('Dòng dài hơn bảng — chọn chạy chữ hoặc rút gọn', 'Line wider than the board — use scroll or shorten it')}`
            : '') +
          (page.layout.hiddenLines
            ? ` · ${tx(`${page.layout.hiddenLines} dòng không vừa bảng`, `${page.layout.hiddenLines} line(s) do not fit`)}`
            : '') +
          (missing.length ? ` · ${tx('Bảng không có chữ', 'The board cannot draw')}: ${missing.join(' ')}` : '');
        warn = hints !== '';
      }
      info.current.textContent = `${tx('Trang', 'Page')} ${at.index + 1}/${list.length} · ${sizeLabel(display)}${how}${hints}`;
      info.current.classList.toggle('warn', warn);
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
  }, [key, emergency, animate, fit]);

  const text = pages.map((p) => p.lines.join(' / ')).join(' | ');
  const shown = view.pages.map((p) => p.view.lines.join(' / ')).join(' | ');
  // A refused page is not shown at all: its issue says so, a note on how it is drawn would not help.
  const notes = fit
    ? view.pages
        .filter((p) => !p.view.refusal)
        .map(renderingNote)
        .filter((n): n is string => n !== null)
    : [];
  return (
    <figure class="led-preview">
      {/* Wider boards draw wider, so boards of different sizes compare at a glance. */}
      <canvas
        ref={canvas}
        role="img"
        aria-label={shown || text}
        data-testid="led-canvas"
        data-text={text}
        data-board={board.id}
        style={{ maxWidth: `${Math.min(760, display.columns * 4)}px` }}
      />
      <figcaption ref={info} class="muted small" />
      {children}
      {fit && (view.issues.length > 0 || notes.length > 0) && (
        <ul class="small" data-testid="led-fit">
          {view.issues.map((x) => (
            <li class={x.refused ? 'error' : 'warn'} data-refused={String(x.refused)}>
              {issueText(x)}
            </li>
          ))}
          {notes.map((n) => (
            <li class="muted">{n}</li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/**
 * The message on every LED board it will reach (from the device list, each with the display its
 * agent reported), one preview per distinct display with the boards' names under it. `targets`
 * undefined: every board in the user's area (a library message is not placed yet).
 */
/**
 * The LED boards `targets` reach (undefined: every board in the user's area), kept current: null
 * until the device list has loaded. Reloads when a board reports a display that differs from the one
 * shown, so previews and limits follow the boards live.
 */
export function useTargetBoards(
  targets?: Targets,
  enabled = true,
): { boards: TargetBoard[] | null; error: string | null } {
  const known = useRef(new Map<string, string>()); // '' = not reported yet
  const devices = useResource<DeviceRecord[]>(
    enabled ? '/api/v1/devices' : null,
    [],
    enabled ? ['device', 'telemetry'] : [],
    (e) =>
      e.kind === 'device' ||
      (e.kind === 'telemetry' &&
        !!e.data.led?.display &&
        known.current.has(e.data.deviceId) &&
        known.current.get(e.data.deviceId) !== displayKey(e.data.led.display)),
  );
  const list = devices.data;
  if (list)
    known.current = new Map(
      list
        .filter((d) => d.kind === 'led')
        .map((d) => {
          const b = boardFromDevice(d);
          return [d.id, b.assumed ? '' : displayKey(b.display)];
        }),
    );
  return { boards: list ? targetedBoards(list, targets ?? null) : null, error: devices.error };
}

export function LedBoardPreviews({
  pages,
  targets,
  emergency = false,
  loaded,
}: {
  pages: LedPageInput[];
  targets?: Targets;
  emergency?: boolean;
  loaded?: { boards: TargetBoard[] | null; error: string | null };
}) {
  // The composer already follows the boards (for its limits): it passes them in; others load them here.
  const own = useTargetBoards(targets, !loaded);
  const { boards, error } = loaded ?? own;
  const devices = { error };
  const groups = boards ? groupBoards(boards) : null;

  if (!groups || groups.length === 0) {
    const size = sizeLabel(DEFAULT_PREVIEW_DISPLAY);
    const note = devices.error
      ? tx(
          `Không tải được danh sách bảng LED — xem trước trên bảng mặc định ${size}.`,
          `Could not load the LED boards — previewed on a default ${size} board.`,
        )
      : !groups
        ? null
        : !targets
          ? tx(
              `Khu vực của bạn chưa có bảng LED — xem trước trên bảng mặc định ${size}.`,
              `There are no LED boards in your area — previewed on a default ${size} board.`,
            )
          : targets.areas.length === 0 && !targets.devices?.length
            ? tx(
                `Chưa chọn nơi phát — xem trước trên bảng mặc định ${size}; chọn nơi phát để xem trên đúng các bảng LED sẽ nhận.`,
                `No place chosen yet — previewed on a default ${size} board; choose where to see the boards that will show it.`,
              )
            : tx(
                `Nơi phát đã chọn không có bảng LED — thông điệp sẽ không hiện trên bảng nào. Xem trước trên bảng mặc định ${size}.`,
                `The places chosen have no LED boards — the message will not be shown on any. Previewed on a default ${size} board.`,
              );
    return (
      <div class="led-boards">
        {note && (
          <p class="muted small" data-testid="led-no-boards">
            {note}
          </p>
        )}
        <LedPreview pages={pages} emergency={emergency} />
      </div>
    );
  }
  const count = groups.reduce((n, g) => n + g.boards.length, 0);
  return (
    <div class="led-boards" data-testid="led-boards">
      <p class="muted small">
        {tx(
          `Thông điệp sẽ hiện trên ${count} bảng LED, xem trước theo từng loại bảng:`,
          `The message will show on ${count} LED board(s), previewed per kind of board:`,
        )}
      </p>
      {groups.map((g) => (
        <section class="led-board-group" data-testid="led-board-group" data-display={g.key}>
          <LedPreview pages={pages} display={g.display} emergency={emergency} fit>
            <p class="small" data-testid="led-board-names">
              {g.boards.map((b, i) => (
                <>
                  {i > 0 && ', '}
                  <strong data-testid="led-board-name" data-device={b.id} data-assumed={String(b.assumed)}>
                    {b.name}
                  </strong>
                  {b.assumed && <span class="warn"> ({assumedLabel()})</span>}
                </>
              ))}
            </p>
            <p class="muted small" data-testid="led-board-display">
              {displayLabel(g.display)}
            </p>
          </LedPreview>
        </section>
      ))}
    </div>
  );
}
