// A message any targeted board would refuse cannot be sent: each LED board the targets reach that
// has reported its display is asked the driver's own question (messageRefusals, the same function
// the web form's preview uses), and the broadcast is refused naming the boards and why. Boards that
// have not reported a display are not known to refuse anything (the form names them).
import type { Db } from '../db/database.ts';
import type { LedDisplay, LedMessage } from '../../protocol/index.ts';
import { MAX_PICTURE_WIDTH, messageRefusals, type MessageRefusal } from '../../firmware-bridge/browser.ts';
import { targetedWhere } from '../devices/devices.ts';
import { msg, type LedProblem, type Message } from '../text/index.ts';

export function toProblem(r: MessageRefusal): LedProblem {
  if (r.kind === 'too-many-chars') return { kind: 'chars', page: r.page, line: r.line, chars: r.chars, max: r.max };
  const x = r.refusal;
  switch (x.kind) {
    case 'picture-misfit':
      return x.misfit.kind === 'width'
        ? { kind: 'width', page: r.page, line: x.misfit.line, width: x.misfit.width, max: x.misfit.have }
        : { kind: 'rows', page: r.page, lines: x.misfit.lines, need: x.misfit.need, max: x.misfit.have };
    case 'picture-too-wide':
      return { kind: 'picture-width', page: r.page, width: x.width, max: MAX_PICTURE_WIDTH };
    case 'marker-too-long':
      return { kind: 'chars', page: r.page, line: x.line, chars: x.chars, max: x.max };
    case 'no-glyph':
    case 'charset':
      return { kind: 'glyphs', page: r.page, chars: x.chars };
  }
}

/** The refusal of the targeted boards that would not take `led`, or null when every reported board takes it. */
export function ledMisfit(db: Db, led: LedMessage, targets: { areas: string[]; devices: string[] }): Message | null {
  // One query over the targeted boards (no list of a province's devices first).
  const targeted = targetedWhere(targets);
  if (!targeted) return null;
  const rows = db
    .prepare(
      `SELECT d.name, d.led_display FROM devices d JOIN areas a ON a.id = d.area_id WHERE ${targeted.sql} AND d.kind = 'led' AND d.decommissioned_at IS NULL AND d.led_display IS NOT NULL ORDER BY d.name`,
    )
    .all(...targeted.params) as Array<{ name: string; led_display: string }>;
  // One check per distinct display; boards sharing one are named together.
  const byDisplay = new Map<string, { display: LedDisplay; names: string[] }>();
  for (const r of rows)
    (
      byDisplay.get(r.led_display) ??
      byDisplay.set(r.led_display, { display: JSON.parse(r.led_display), names: [] }).get(r.led_display)!
    ).names.push(r.name);
  const boards = [];
  for (const { display, names } of byDisplay.values()) {
    const refusals = messageRefusals(led.pages, display);
    if (refusals.length)
      boards.push({ names, size: `${display.columns}×${display.rows}`, problems: refusals.map(toProblem) });
  }
  return boards.length ? msg('broadcast.led-does-not-fit', { boards }) : null;
}
