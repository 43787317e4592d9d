/**
 * Draws one unit's box at the level of detail the zoom allows. Close up: a header in the op's category colour
 * with the op type, then the key-attribute and weight rows. Further out the rows go, then all text and borders:
 * at fit-to-screen zoom a box is a solid shape in its category (or heat/diff) colour, which stays crisp where
 * thin borders and unreadable text only made the picture faint.
 */
import type { RowText } from './nodeRows';
import { HEADER_HEIGHT, ROW_HEIGHT } from './nodeRows';

/** Scale at and above which rows are drawn; below it boxes keep their title only. */
export const ROWS_MIN_SCALE = 0.6;
/** Scale below which boxes are plain filled shapes without text or borders. */
export const SHAPES_MAX_SCALE = 0.3;

export type Detail = 'full' | 'title' | 'shape';

export function detailAt(scale: number): Detail {
  return scale >= ROWS_MIN_SCALE ? 'full' : scale >= SHAPES_MAX_SCALE ? 'title' : 'shape';
}

export interface BoxStyle {
  /** Header (or whole-shape) colour: the op category, heat or diff colour. */
  readonly accent: string;
  /** True when `accent` is a heat or diff colour that should fill the whole box. */
  readonly filled: boolean;
  readonly body: string;
  readonly text: string;
  readonly headerText: string;
  readonly border: string;
  readonly borderWidth: number;
}

export interface BoxFonts {
  readonly title: string;
  readonly row: string;
}

/** A box at `detail` with its centre at (cx, cy); `scale` keeps shapes at least about one pixel wide. */
export function drawBox(
  ctx: CanvasRenderingContext2D,
  detail: Detail,
  scale: number,
  cx: number,
  cy: number,
  w: number,
  h: number,
  title: string,
  rows: readonly RowText[],
  style: BoxStyle,
  fonts: BoxFonts,
): void {
  const x = cx - w / 2;
  const y = cy - h / 2;
  if (detail === 'shape') {
    const min = 1.5 / scale;
    ctx.fillStyle = style.accent;
    ctx.fillRect(x, y, Math.max(w, min), Math.max(h, min));
    if (style.borderWidth > 1) {
      ctx.lineWidth = style.borderWidth / scale;
      ctx.strokeStyle = style.border;
      ctx.strokeRect(x, y, w, h);
    }
    return;
  }
  const header = rows.length && detail === 'full' ? HEADER_HEIGHT : h;
  ctx.fillStyle = style.filled ? style.accent : style.body;
  ctx.fillRect(x, y, w, h);
  if (!style.filled) {
    ctx.fillStyle = style.accent;
    ctx.fillRect(x, y, w, header);
  }
  ctx.lineWidth = style.borderWidth;
  ctx.strokeStyle = style.border;
  ctx.strokeRect(x, y, w, h);
  ctx.font = fonts.title;
  ctx.textAlign = 'center';
  ctx.fillStyle = style.headerText;
  ctx.fillText(title, cx, y + header / 2, w - 8);
  if (detail !== 'full' || !rows.length) return;
  ctx.font = fonts.row;
  ctx.textAlign = 'left';
  // On a heat or diff colour the rows need the same dark text as the title.
  ctx.fillStyle = style.filled ? style.headerText : style.text;
  rows.forEach((r, i) => ctx.fillText(r.text, x + 6, y + HEADER_HEIGHT + 2 + ROW_HEIGHT * (i + 0.5), w - 10));
}
