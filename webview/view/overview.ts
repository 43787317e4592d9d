/**
 * The overview (minimap): every unit as a dot, heat-coloured when a profile is shown, with the main view's
 * viewport as a rectangle. The dots are drawn once per layout/overlay into an offscreen bitmap (as pixels);
 * each frame only copies it and draws the rectangle. Clicking or dragging on it moves the main view there.
 */
import { type CanvasRenderer } from './canvasRenderer';
import { heatColour } from './heatMap';

export class Overview {
  private bitmap: HTMLCanvasElement | undefined;
  private fitScale = 1;
  private dirty = true;
  private probe: HTMLCanvasElement | undefined;
  private readonly pixels = new Map<string, number>();

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

  /** A CSS colour as one pixel of ImageData (the platform's byte order), read back from a 1×1 canvas once. */
  private pixel(colour: string): number {
    let p = this.pixels.get(colour);
    if (p === undefined) {
      const ctx = (this.probe ??= document.createElement('canvas')).getContext('2d', { willReadFrequently: true })!;
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
      p = new Uint32Array(ctx.getImageData(0, 0, 1, 1).data.buffer)[0]!;
      this.pixels.set(colour, p);
    }
    return p;
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
      // Dots are written straight into the pixels: a path of 30k rectangles took ~40 ms to fill.
      const img = b.createImageData(w, h);
      const px = new Uint32Array(img.data.buffer);
      px.fill(this.pixel(this.main.theme.background));
      const edge = this.pixel(this.main.theme.edge);
      for (let u = 0; u < s.graph.units.length; u++) {
        const heat = s.heat?.[u];
        const colour = heat !== undefined && !Number.isNaN(heat) ? this.pixel(heatColour(heat)) : edge;
        const x = Math.round(s.layout.x[u]! * this.fitScale) - 1;
        const y = Math.round(s.layout.y[u]! * this.fitScale) - 1;
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++)
            if (x + dx >= 0 && x + dx < w && y + dy >= 0 && y + dy < h) px[(y + dy) * w + x + dx] = colour;
      }
      b.putImageData(img, 0, 0);
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
