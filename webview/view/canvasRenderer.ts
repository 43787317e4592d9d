/**
 * Draws the laid-out graph on a canvas with pan/zoom. Only what intersects the viewport is drawn, the level of
 * detail follows the zoom (nodeBox.ts: rows, then titles, then plain shapes), and edges are batched into one
 * path one device pixel wide, which keeps 30k-node graphs smooth and fit-to-screen crisp. Text goes through
 * fillText, so node names are never parsed as HTML.
 */
import type { LayoutResult } from '../layout/layeredLayout';
import { heatColour } from './heatMap';
import { detailAt, drawBox } from './nodeBox';
import { unitTitle, type RowText } from './nodeRows';
import { opCategory, readCategoryColours, type CategoryColours } from './opCategory';
import type { VisibleGraph } from './visibleGraph';

export const NODE_HEIGHT = 32;
/** The zoom of the first view of a graph too big to fit readably: labels at a comfortable size. */
export const READABLE_SCALE = 0.8;

export interface Theme {
  background: string;
  foreground: string;
  nodeFill: string;
  groupFill: string;
  border: string;
  focus: string;
  edge: string;
  badge: string;
  font: string;
}

export interface RenderState {
  graph: VisibleGraph;
  layout: LayoutResult;
  widths: Float64Array;
  /** Box heights per unit (rows of weights and attributes); NODE_HEIGHT for all when absent. */
  heights?: Float64Array;
  /** Rows drawn in each unit's box when zoomed in (nodeRows.ts). */
  rows?: readonly (readonly RowText[])[];
  /** Op type per unit (category colour); units that are groups have none. */
  ops?: readonly (string | undefined)[];
  /** A fill colour per unit that overrides the category (the graph diff's added/removed/changed). */
  tints?: readonly (string | undefined)[];
  /** Shape text per unit edge (pairs in graph.edges), drawn at full detail when present (the `s` key). */
  edgeLabels?: readonly string[];
  heat: Float64Array | undefined;
  badged: ReadonlySet<number>;
  selected: number;
  matches: ReadonlySet<number>;
}

export class CanvasRenderer {
  scale = 1;
  tx = 0;
  ty = 0;
  /** Units drawn in the last frame and how long drawing took (test hook, benchmark). */
  drawnUnits = 0;
  lastDrawMs = 0;
  private readonly ctx: CanvasRenderingContext2D;
  private pending = false;
  private themeNow: Theme;
  /** Op-category colours of the current theme, read with it. */
  categories: CategoryColours;
  onFrame: (() => void) | undefined;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private state: RenderState | undefined,
    theme: Theme,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
    this.themeNow = theme;
    this.categories = readCategoryColours(getComputedStyle(document.body));
  }

  get theme(): Theme {
    return this.themeNow;
  }

  /** A new theme also re-reads the category colours, from the same VS Code theme variables. */
  set theme(t: Theme) {
    this.themeNow = t;
    this.categories = readCategoryColours(getComputedStyle(document.body));
  }

  /** Height of unit `u`'s box. */
  height(u: number): number {
    return this.state?.heights?.[u] ?? NODE_HEIGHT;
  }

  setState(state: RenderState): void {
    this.state = state;
    this.requestFrame();
  }

  get current(): RenderState | undefined {
    return this.state;
  }

  requestFrame(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const t0 = performance.now();
      this.draw();
      this.lastDrawMs = performance.now() - t0;
      this.onFrame?.();
    });
  }

  resize(): void {
    const dpr = window.devicePixelRatio || 1;
    const r = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    this.requestFrame();
  }

  /** Fits the whole graph, but never zooms in past 1:1 or out so far that a 30k graph becomes one pixel. */
  fit(): void {
    if (!this.state) return;
    const r = this.canvas.getBoundingClientRect();
    const { width, height } = this.state.layout;
    this.scale = Math.max(0.02, Math.min(1, (r.width - 40) / (width || 1), (r.height - 40) / (height || 1)));
    this.tx = (r.width - width * this.scale) / 2;
    this.ty = Math.max(20, (r.height - height * this.scale) / 2);
    this.requestFrame();
  }

  /**
   * The first view: the whole graph when it fits at a readable zoom, else a readable zoom at the graph's start
   * (`start`: the units that read the model's inputs) near the top of the canvas, as Netron opens a model.
   * Fitting a 600-node chain to the window drew a faint diagonal with no labels; Fit stays one key away (F).
   */
  showStart(start: readonly number[]): void {
    if (!this.state) return;
    this.fit();
    if (this.scale >= READABLE_SCALE || !start.length) return;
    const { x, y } = this.state.layout;
    const r = this.canvas.getBoundingClientRect();
    const xs = start.map((u) => x[u]!);
    const top = Math.min(...start.map((u) => y[u]!));
    this.scale = READABLE_SCALE;
    // Centre on the inputs when they fit across the canvas, else on the first one.
    const span = (Math.max(...xs) - Math.min(...xs)) * this.scale;
    const cx = span < r.width - 80 ? (Math.max(...xs) + Math.min(...xs)) / 2 : xs[0]!;
    this.tx = r.width / 2 - cx * this.scale;
    this.ty = 24 + NODE_HEIGHT * this.scale - top * this.scale;
    this.requestFrame();
  }

  /** Whether the unit's centre is inside the canvas at the current pan and zoom. */
  isOnScreen(unit: number): boolean {
    if (!this.state) return false;
    const r = this.canvas.getBoundingClientRect();
    const px = this.state.layout.x[unit]! * this.scale + this.tx;
    const py = this.state.layout.y[unit]! * this.scale + this.ty;
    return px >= 0 && py >= 0 && px <= r.width && py <= r.height;
  }

  /** Whether labels are drawn at the current zoom. */
  get labelsShown(): boolean {
    return detailAt(this.scale) !== 'shape';
  }

  centreOn(unit: number): void {
    if (!this.state) return;
    const r = this.canvas.getBoundingClientRect();
    this.scale = Math.max(this.scale, 0.8);
    this.tx = r.width / 2 - this.state.layout.x[unit]! * this.scale;
    this.ty = r.height / 2 - this.state.layout.y[unit]! * this.scale;
    this.requestFrame();
  }

  zoomAt(factor: number, cx: number, cy: number): void {
    const next = Math.min(4, Math.max(0.01, this.scale * factor));
    this.tx = cx - ((cx - this.tx) * next) / this.scale;
    this.ty = cy - ((cy - this.ty) * next) / this.scale;
    this.scale = next;
    this.requestFrame();
  }

  /** The unit under a point in CSS pixels, or -1. */
  hitTest(px: number, py: number): number {
    const s = this.state;
    if (!s) return -1;
    const gx = (px - this.tx) / this.scale;
    const gy = (py - this.ty) / this.scale;
    for (let u = 0; u < s.graph.units.length; u++)
      if (Math.abs(gx - s.layout.x[u]!) <= s.widths[u]! / 2 && Math.abs(gy - s.layout.y[u]!) <= this.height(u) / 2)
        return u;
    return -1;
  }

  private draw(): void {
    const { ctx, canvas, theme } = this;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const s = this.state;
    this.drawnUnits = 0;
    if (!s) return;
    const scale = this.scale;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * this.tx, dpr * this.ty);
    const x0 = -this.tx / scale;
    const y0 = -this.ty / scale;
    const x1 = x0 + canvas.width / dpr / scale;
    const y1 = y0 + canvas.height / dpr / scale;
    const { x, y } = s.layout;
    const half = (u: number): number => (s.heights?.[u] ?? NODE_HEIGHT) / 2;

    ctx.beginPath();
    const e = s.graph.edges;
    for (let i = 0; i < e.length; i += 2) {
      const a = e[i]!;
      const b = e[i + 1]!;
      const ax = x[a]!;
      const ay = y[a]! + half(a);
      const bx = x[b]!;
      const by = y[b]! - half(b);
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
      const my = (ay + by) / 2;
      ctx.moveTo(ax, ay);
      ctx.bezierCurveTo(ax, my, bx, my, bx, by);
    }
    ctx.strokeStyle = theme.edge;
    // One CSS pixel whatever the zoom: thinner lines anti-alias into a faint haze when zoomed out.
    ctx.lineWidth = 1 / scale;
    ctx.stroke();

    const detail = detailAt(scale);
    if (detail === 'full' && s.edgeLabels) this.drawEdgeLabels(s, x0, y0, x1, y1);
    const fonts = this.boxFonts();
    ctx.textBaseline = 'middle';
    for (let u = 0; u < s.graph.units.length; u++) {
      const w = s.widths[u]!;
      const h = s.heights?.[u] ?? NODE_HEIGHT;
      const cx = x[u]!;
      const cy = y[u]!;
      if (cx + w / 2 < x0 || cx - w / 2 > x1 || cy + h / 2 < y0 || cy - h / 2 > y1) continue;
      this.drawnUnits++;
      const unit = s.graph.units[u]!;
      const heat = s.heat?.[u];
      const hot = heat !== undefined && !Number.isNaN(heat);
      const tint = s.tints?.[u];
      const op = s.ops?.[u];
      const group = unit.nodeId < 0;
      const accent = hot
        ? heatColour(heat)
        : (tint ?? (group ? theme.groupFill : this.categories[opCategory(op ?? unit.label)]));
      const selected = u === s.selected;
      const focused = selected || s.matches.has(u);
      drawBox(
        ctx,
        detail,
        scale,
        cx,
        cy,
        w,
        h,
        unitTitle(unit),
        s.rows?.[u] ?? [],
        {
          accent,
          filled: hot || tint !== undefined || group,
          body: theme.nodeFill,
          text: theme.foreground,
          headerText: hot ? '#1e1e1e' : group ? theme.foreground : theme.background,
          border: focused ? theme.focus : theme.border,
          borderWidth: selected ? 3 : focused ? 2 : 1,
        },
        fonts,
      );
      if (s.badged.has(u)) {
        ctx.fillStyle = theme.badge;
        ctx.beginPath();
        ctx.arc(cx + w / 2, cy - h / 2, Math.max(5, 3 / scale), 0, Math.PI * 2);
        ctx.fill();
      }
    }
  }

  private boxFonts(): { title: string; row: string } {
    return { title: this.theme.font, row: this.theme.font.replace(/^\d+px/, '11px') };
  }

  /**
   * Draws a line in the box fonts on a scratch canvas, so the first frame does not pay for loading the font and
   * starting the text shaper (it did: up to 100 ms of a 10k-node graph's first frame on a busy machine). The
   * page calls it while its graph is on the way.
   */
  warmText(): void {
    const scratch = document.createElement('canvas');
    scratch.width = scratch.height = 8;
    const ctx = scratch.getContext('2d');
    if (!ctx) return;
    const { title, row } = this.boxFonts();
    for (const font of [title, row]) {
      ctx.font = font;
      ctx.fillText('Conv ▸ W ⟨1×3×8×8⟩ 0123456789', 0, 4);
    }
  }

  /** Each edge's shape text beside the middle of its curve, where the edge is on screen. */
  private drawEdgeLabels(s: RenderState, x0: number, y0: number, x1: number, y1: number): void {
    const { ctx, theme } = this;
    const { x, y } = s.layout;
    const e = s.graph.edges;
    ctx.font = theme.font.replace(/^\d+px/, '10px');
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.edge;
    for (let i = 0; i < e.length; i += 2) {
      const text = s.edgeLabels![i / 2];
      if (!text) continue;
      const a = e[i]!;
      const b = e[i + 1]!;
      const mx = (x[a]! + x[b]!) / 2;
      const my = (y[a]! + (s.heights?.[a] ?? NODE_HEIGHT) / 2 + y[b]! - (s.heights?.[b] ?? NODE_HEIGHT) / 2) / 2;
      if (mx < x0 || mx > x1 || my < y0 || my > y1) continue;
      ctx.fillText(text, mx + 4, my);
    }
  }
}
