/**
 * The page's test hooks (`window.__onnxTunerTest`): what the webview, e2e and benchmark suites read from a
 * canvas they cannot inspect (drawn units, zoom, rows, heat, diff colours), and a timed pan for the bench.
 */
import type { CanvasRenderer } from './view/canvasRenderer';
import { detailAt } from './view/nodeBox';
import type { VisibleGraph } from './view/visibleGraph';

export interface TestHook {
  /** performance.now() at the page's phases of the latest Init: received, units and box sizes built, laid out, drawn. */
  initReceivedAt: number;
  viewBuiltAt: number;
  layoutDoneAt: number;
  frameCompleteAt: number;
  layoutMode: string;
  drawnUnits(): number;
  visibleUnits(): number;
  unitFill(nodeName: string): string;
  selectedName(): string;
  heat(nodeName: string): number;
  /** Current zoom, whether labels are drawn, and whether a node (or its group) is inside the canvas. */
  zoom(): number;
  labelsShown(): boolean;
  onScreen(nodeName: string): boolean;
  /** Text rows drawn in the box of the unit that shows node `nodeName` (attributes, folded weights). */
  unitRows(nodeName: string): string[];
  /** Where that unit's box is on the canvas, in CSS pixels (centre, size), at the current zoom. */
  unitOnScreen(nodeName: string): { x: number; y: number; w: number; h: number };
  /** The shape labels drawn on edges (empty unless toggled on with `s`). */
  edgeLabels(): string[];
  /** The diff colour of the unit that shows node `nodeName` ('none' outside Compare Graphs). */
  tint(nodeName: string): string;
  /** The level of detail at the current zoom: 'full', 'title' or 'shape'. */
  detail(): string;
  /** Fits, zooms to `zoom` (0: stay at fit), pans `frames` times; returns the mean draw time per frame in ms. */
  panFrames(frames: number, zoom: number): Promise<number>;
}

export interface HookSources {
  readonly renderer: CanvasRenderer;
  readonly canvas: HTMLCanvasElement;
  readonly view: () => VisibleGraph | undefined;
  readonly selected: () => number;
  readonly unitByName: (name: string) => number;
}

/** Builds the hooks over the page's live state and puts them on `window`; the page sets the timing fields. */
export function installTestHook(d: HookSources): TestHook {
  const hook: TestHook = {
    initReceivedAt: 0,
    viewBuiltAt: 0,
    layoutDoneAt: 0,
    frameCompleteAt: 0,
    layoutMode: '',
    drawnUnits: () => d.renderer.drawnUnits,
    visibleUnits: () => d.view()?.units.length ?? 0,
    unitFill: (name) => {
      const u = d.unitByName(name);
      const h = d.renderer.current?.heat?.[u];
      return h === undefined || Number.isNaN(h) ? 'none' : String(h);
    },
    selectedName: () => {
      const u = d.selected();
      return u >= 0 ? (d.view()?.units[u]?.key ?? '') : '';
    },
    heat: (name) => d.renderer.current?.heat?.[d.unitByName(name)] ?? NaN,
    zoom: () => d.renderer.scale,
    labelsShown: () => d.renderer.labelsShown,
    onScreen: (name) => d.renderer.isOnScreen(d.unitByName(name)),
    unitRows: (name) => d.renderer.current?.rows?.[d.unitByName(name)]?.map((r) => r.text) ?? [],
    unitOnScreen: (name) => {
      const u = d.unitByName(name);
      const s = d.renderer.current!;
      const k = d.renderer.scale;
      return {
        x: s.layout.x[u]! * k + d.renderer.tx,
        y: s.layout.y[u]! * k + d.renderer.ty,
        w: s.widths[u]! * k,
        h: d.renderer.height(u) * k,
      };
    },
    detail: () => detailAt(d.renderer.scale),
    edgeLabels: () => [...(d.renderer.current?.edgeLabels ?? [])],
    tint: (name) => d.renderer.current?.tints?.[d.unitByName(name)] ?? 'none',
    panFrames: async (frames, zoom) => {
      d.renderer.fit();
      if (zoom > 0) d.renderer.zoomAt(zoom / d.renderer.scale, d.canvas.clientWidth / 2, d.canvas.clientHeight / 2);
      let total = 0;
      for (let i = 0; i < frames; i++) {
        d.renderer.tx += i % 2 ? -3 : 3;
        d.renderer.requestFrame();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        total += d.renderer.lastDrawMs;
      }
      return total / frames;
    },
  };
  (window as unknown as { __onnxTunerTest: TestHook }).__onnxTunerTest = hook;
  return hook;
}
