// Dot-matrix rendering for LED boards: text + bitmap font → 1-bit bitmap → PNG. Pure (no Node
// APIs): the agent's Alpha driver, the board simulator and the web UI's live preview share it.
export {
  type Bitmap,
  type PageLayout,
  type RenderFont,
  type RenderMisfit,
  RenderError,
  VN5X7,
  createBitmap,
  getDot,
  blit,
  bitmapsEqual,
  bitmapToAscii,
  litDots,
  measureLine,
  missingGlyphs,
  renderLine,
  renderLines,
} from './bitmap.ts';
export { VN5X7_METRICS, VIETNAMESE_LETTERS, glyphFor, fontHas, type FontMetrics, type Glyph } from './font-vn5x7.ts';
export { bitmapToPng, encodePngRgb, crc32, type LedPngStyle } from './png.ts';
