/**
 * The overview (minimap): every unit as a dot, heat-coloured when a profile is shown, with the main view's
 * viewport as a rectangle. The dots are drawn once per layout/overlay into an offscreen bitmap; each frame only
 * copies it and draws the rectangle. Clicking or dragging on it moves the main view there.
 */
import { type CanvasRenderer } from './canvasRenderer';
import { heatColour } from './heatMap';

export class Overview {
  private bitmap: HTMLCanvasElement | undefined;
  private fitScale = 1;
  private dirty = true;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly main: CanvasRenderer,
  ) {
    const move = (e: PointerEvent): void => {
      const s = main.current;
      if (!s) return;
      const r = canvas.getBoundingClientRect();
      const m = main.canvas.getBoundingClientRect();
      const gx = (e.clientX - r.left) / this.fitScale;
      const gy = (e.clientY - r.top) / this.fitScale;
      main.tx = m.width / 2 - gx * main.scale;
      main.ty = m.height / 2 - gy * main.scale;
      main.requestFrame();
    };
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      move(e);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (canvas.hasPointerCapture(e.pointerId)) move(e);
    });
  }

  /** The layout or the colours changed: rebuild the dot bitmap on the next draw. */
  invalidate(): void {
    this.dirty = true;
  }

  draw(): void {
    const s = this.main.current;
    const ctx = this.canvas.getContext('2d');
    if (!s || !ctx) return;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.dirty = true;
    }
    if (this.dirty || !this.bitmap) {
      this.bitmap ??= document.createElement('canvas');
      this.bitmap.width = w;
      this.bitmap.height = h;
      const b = this.bitmap.getContext('2d')!;
      this.fitScale = Math.min(w / (s.layout.width || 1), h / (s.layout.height || 1));
      b.fillStyle = this.main.theme.background;
      b.fillRect(0, 0, w, h);
      // One path per colour, filled once: a fillStyle and a fillRect per dot cost ~50 ms at 10k units.
      const byColour = new Map<string, number[]>();
      for (let u = 0; u < s.graph.units.length; u++) {
        const heat = s.heat?.[u];
        const colour = heat !== undefined && !Number.isNaN(heat) ? heatColour(heat) : this.main.theme.edge;
        let units = byColour.get(colour);
        if (!units) byColour.set(colour, (units = []));
        units.push(u);
      }
      for (const [colour, units] of byColour) {
        b.beginPath();
        for (const u of units) b.rect(s.layout.x[u]! * this.fitScale - 1, s.layout.y[u]! * this.fitScale - 1, 2, 2);
        b.fillStyle = colour;
        b.fill();
      }
      this.dirty = false;
    }
    ctx.drawImage(this.bitmap, 0, 0);
    const m = this.main.canvas.getBoundingClientRect();
    const k = this.fitScale / this.main.scale;
    ctx.strokeStyle = this.main.theme.focus;
    ctx.lineWidth = 1;
    ctx.strokeRect(-this.main.tx * k, -this.main.ty * k, m.width * k, m.height * k);
  }
}
