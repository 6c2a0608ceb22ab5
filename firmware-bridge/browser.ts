// Browser-safe entry of the firmware bridge: what the web UI's LED page (preview, fit, reflow) shares
// with the Alpha driver, so that the page shows what a board will show. Everything it reaches is
// pure (no Node APIs, no serialport or Modbus): `tsc -p web` and the web bundle would fail if not.
export { ALPHA_DEFAULT_DISPLAY, type LedDisplay } from './led/display.ts';
export { cleanLedText, ledLength, ledPageLines, ledPagesToText, ledMessageToText, type CleanText } from './led/text.ts';
export { fitPage, sentLines, messageRefusals, type MessageRefusal } from './led/alpha/message-fit.ts';
export { MAX_PICTURE_WIDTH, type PageRefusal, type PageView } from './led/alpha/page-view.ts';
export {
  type Bitmap,
  type RenderMisfit,
  VN5X7_METRICS,
  blit,
  bitmapToAscii,
  createBitmap,
  measureLine,
  missingGlyphs,
  renderLines,
} from './led/render/index.ts';
