/**
 * Draws the laid-out graph on a canvas with pan/zoom. Only what intersects the viewport is drawn, labels are
 * dropped below a zoom threshold and edges are batched into one path per style, which keeps 30k-node graphs
 * smooth. Text goes through fillText, so node names are never parsed as HTML.
 */
import type { LayoutResult } from '../layout/layeredLayout';
import { heatColour } from './heatMap';
import type { VisibleGraph } from './visibleGraph';

export const NODE_HEIGHT = 32;
const LABEL_MIN_SCALE = 0.35;
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
  onFrame: (() => void) | undefined;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private state: RenderState | undefined,
    public theme: Theme,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
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
    return this.scale >= LABEL_MIN_SCALE;
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
      if (Math.abs(gx - s.layout.x[u]!) <= s.widths[u]! / 2 && Math.abs(gy - s.layout.y[u]!) <= NODE_HEIGHT / 2)
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
    ctx.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, dpr * this.tx, dpr * this.ty);
    const x0 = -this.tx / this.scale;
    const y0 = -this.ty / this.scale;
    const x1 = x0 + canvas.width / dpr / this.scale;
    const y1 = y0 + canvas.height / dpr / this.scale;
    const { x, y } = s.layout;
    const h2 = NODE_HEIGHT / 2;

    ctx.beginPath();
    const e = s.graph.edges;
    for (let i = 0; i < e.length; i += 2) {
      const a = e[i]!;
      const b = e[i + 1]!;
      const ax = x[a]!;
      const ay = y[a]! + h2;
      const bx = x[b]!;
      const by = y[b]! - h2;
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
      const my = (ay + by) / 2;
      ctx.moveTo(ax, ay);
      ctx.bezierCurveTo(ax, my, bx, my, bx, by);
    }
    ctx.strokeStyle = theme.edge;
    ctx.lineWidth = 1 / Math.max(this.scale, 0.5);
    ctx.stroke();

    const labels = this.labelsShown;
    ctx.font = theme.font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let u = 0; u < s.graph.units.length; u++) {
      const w2 = s.widths[u]! / 2;
      const cx = x[u]!;
      const cy = y[u]!;
      if (cx + w2 < x0 || cx - w2 > x1 || cy + h2 < y0 || cy - h2 > y1) continue;
      this.drawnUnits++;
      const unit = s.graph.units[u]!;
      const heat = s.heat?.[u];
      const hot = heat !== undefined && !Number.isNaN(heat);
      ctx.fillStyle = hot ? heatColour(heat) : unit.nodeId < 0 ? theme.groupFill : theme.nodeFill;
      ctx.fillRect(cx - w2, cy - h2, w2 * 2, NODE_HEIGHT);
      const selected = u === s.selected;
      if (selected || s.matches.has(u) || unit.nodeId < 0 || this.scale > 0.2) {
        ctx.lineWidth = selected ? 3 : 1;
        ctx.strokeStyle = selected || s.matches.has(u) ? theme.focus : theme.border;
        ctx.strokeRect(cx - w2, cy - h2, w2 * 2, NODE_HEIGHT);
      }
      if (s.badged.has(u)) {
        ctx.fillStyle = theme.badge;
        ctx.beginPath();
        ctx.arc(cx + w2, cy - h2, 5, 0, Math.PI * 2);
        ctx.fill();
      }
      if (labels) {
        ctx.fillStyle = hot ? '#1e1e1e' : theme.foreground;
        const text = unit.nodeId < 0 ? `▸ ${unit.label} (${unit.members.length})` : unit.label;
        ctx.fillText(text, cx, cy, w2 * 2 - 8);
      }
    }
  }
}
