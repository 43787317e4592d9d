/**
 * Graph view entry (dist/webview.js). Handshake: post Ready (hostBridge.ts, as the script starts), receive one
 * Init with the compact graph and settings, lay out in a worker, draw on canvas; node details are requested
 * lazily on selection.
 */
// First: it says Ready to the host before the rest of the page is evaluated (hostBridge.ts).
import { connectHost } from './hostBridge';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  assertNever,
  GRAPH_HEAT_METRICS,
  isHeatMapMetric,
  type CompactGraph,
  type ErrorOverlay,
  type GraphHeatMetric,
  type GraphDiffOverlay,
  type GraphSettings,
  type HostToWebview,
  type LatencyDeltaOverlay,
  type NodeDetails,
  type ProfileOverlay,
} from '../src/protocol/webviewProtocol';
import { decodeGraph } from '../src/protocol/graphWire';
import { layeredLayout, type LayoutResult } from './layout/layeredLayout';
import { LayoutClient } from './layout/layoutClient';
import { CanvasRenderer, NODE_HEIGHT } from './view/canvasRenderer';
import { errorLegend, heatCosts, legendGradient, METRIC_LABELS, SIGNED_METRICS, unitHeat } from './view/heatMap';
import { showLoadError } from './view/loadError';
import { attachPaneLayout } from './view/paneLayout';
import { showGroup, showNode, type Measured, type NodeSuggestions } from './view/propertiesPane';
import { Overview } from './view/overview';
import { readTheme } from './view/theme';
import { expandGroup, initialExpanded, visibleGraph, type VisibleGraph } from './view/visibleGraph';
import { cycleMatch, searchUnits } from './view/search';
import { neighbour, type Direction } from './view/navigation';
import { boxSizes } from './view/nodeRows';
import { diffRows, diffSummary, diffTints, readDiffColours } from './view/diffOverlay';
import { edgeLabels } from './view/edgeLabels';
import { installTestHook } from './testHooks';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('graph');
const pane = $('properties');
const legend = $('legend');
const searchBox = $<HTMLInputElement>('search');
const heatToggle = $<HTMLInputElement>('heat-toggle');
const metricButton = $<HTMLButtonElement>('heat-metric');

const renderer = new CanvasRenderer(canvas, undefined, readTheme());
const overview = new Overview($<HTMLCanvasElement>('overview'), renderer);
let graph: CompactGraph | undefined;
let view: VisibleGraph | undefined;
let expanded = new Set<string>();
let overlay: ProfileOverlay | undefined;
let metric: GraphHeatMetric = 'latency';
/** The optimized model's per-node error against this one (after an optimize or a comparison; issue 18). */
let errors: ErrorOverlay | undefined;
/** Per-node latency delta of the optimized model, once both models are profiled (issue 18). */
let deltas: LatencyDeltaOverlay | undefined;
let badgeNames = new Set<string>();
/** Suggestion titles by node name, for the properties pane. */
let badgeTitles = new Map<string, string[]>();
let selected = -1;
let matches = new Set<number>();
/** The search's matches, best first (search.ts); Enter steps through them. */
let matchOrder: number[] = [];
let detailsRequest = 0;
const details = new Map<number, NodeDetails>();
/** Set in the Compare Graphs view: colours and notes over the union graph (arrives before Init). */
let diff: GraphDiffOverlay | undefined;
/** Shape labels on edges, toggled with the `s` key. */
let showEdgeShapes = false;
/**
 * The layout worker, for relayouts (the first layout runs on the page thread): started after the first frame,
 * so its script fetch and thread start-up do not compete with the page's start on a busy machine.
 */
let layoutClient: Promise<LayoutClient> | undefined;
const startLayoutWorker = (): Promise<LayoutClient> =>
  (layoutClient ??= LayoutClient.create(document.body.dataset.layoutWorker));
/** Settles when the latest Init's layout is drawn. */
let laidOut: Promise<void> = Promise.resolve();

const hook = installTestHook({
  renderer,
  canvas,
  view: () => view,
  selected: () => selected,
  unitByName: (name) => unitByName(name),
});

function unitByName(name: string): number {
  const node = graph?.nodes.find((n) => n.name === name);
  return node && view ? view.unitOfNode[node.id]! : -1;
}

const post = connectHost(onHostMessage);

function onHostMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'init':
      hook.initReceivedAt = performance.now();
      laidOut = init(decodeGraph(m.graph), m.settings);
      break;
    case 'nodeDetails':
      details.set(m.details.nodeId, m.details);
      if (view?.units[selected]?.nodeId === m.details.nodeId) showSelectedNode();
      break;
    case 'profileOverlay':
      overlay = m.overlay;
      heatToggle.checked = true;
      // A new profile makes every node's measured figures stale: the pane shows the new ones now, and the
      // node's details are asked for again (they carry the host's latest numbers too).
      details.clear();
      refreshSelectedDetails();
      redraw();
      break;
    case 'errorOverlay':
      // Measured because the user just optimized or compared: show it, as a new profile is shown.
      errors = m.overlay;
      metric = 'error';
      metricButton.textContent = `Metric: ${metric}`;
      // In Compare Graphs the diff colours stay until the heat map is turned on (it is then by error).
      if (!diff) heatToggle.checked = true;
      showSelectedNode();
      redraw();
      break;
    case 'latencyDeltaOverlay':
      // Offered on the metric button; not switched to, as a profile arriving does not switch metrics either.
      deltas = m.overlay;
      showSelectedNode();
      redraw();
      break;
    case 'suggestions':
      badgeNames = new Set(m.badges.map((b) => b.nodeName));
      badgeTitles = new Map();
      for (const b of m.badges) badgeTitles.set(b.nodeName, [...(badgeTitles.get(b.nodeName) ?? []), b.title]);
      showSelectedNode();
      redraw();
      break;
    case 'revealNode': {
      // After the layout in progress (a reveal can arrive right behind the Init that opened the editor).
      const name = m.nodeName;
      void laidOut.then(() => {
        const u = unitByName(name);
        if (u >= 0) select(u, true);
      });
      break;
    }
    case 'graphDiff':
      diff = m.diff;
      if (graph) void relayout(true);
      break;
    case 'theme':
      renderer.theme = readTheme();
      overview.invalidate();
      renderer.requestFrame();
      break;
    case 'error':
      $('status').textContent = m.message;
      break;
    case 'loadError':
      showLoadError(m.message, {
        openAsText: () => post({ type: 'openAsText' }),
        showDetails: () => post({ type: 'showDetails' }),
      });
      break;
    default:
      assertNever(m);
  }
}

async function init(g: CompactGraph, settings: GraphSettings): Promise<void> {
  graph = g;
  // The error metric, once measured, stays chosen across a re-Init (a settings change sends the graph again).
  if (!((metric === 'error' && errors) || (metric === 'latencyDelta' && deltas)))
    metric = isHeatMapMetric(settings.heatMapMetric) ? settings.heatMapMetric : 'latency';
  metricButton.textContent = `Metric: ${metric}`;
  expanded = initialExpanded(g, settings.collapseAbove);
  await relayout(true, true);
}

/**
 * `first`: the layout of a new Init runs here, on the page's thread: the canvas is empty until it is done, so
 * there is nothing to keep responsive, and it need not wait for the worker to start (on a busy machine that
 * took longer than laying out 10k units). Later layouts (a group opened or closed) go to the worker.
 */
async function relayout(fit: boolean, first = false): Promise<void> {
  if (!graph) return;
  view = visibleGraph(graph, expanded);
  const { widths, heights, rows } = boxSizes(graph, view.units, diff && diffRows(view, diff));
  hook.viewBuiltAt = performance.now();
  const input = { widths, heights, edges: view.edges, nodeHeight: NODE_HEIGHT };
  let layout: LayoutResult;
  if (first) {
    layout = layeredLayout(input);
    hook.layoutMode = 'page';
  } else {
    const client = await startLayoutWorker();
    // Copies: the worker's message takes its own, and these stay with the renderer.
    layout = await client.layout({
      ...input,
      widths: widths.slice(),
      heights: heights.slice(),
      edges: view.edges.slice(),
    });
    hook.layoutMode = client.mode; // read after the layout: a worker blocked by CSP falls back to 'inline'
  }
  hook.layoutDoneAt = performance.now();
  selected = -1;
  matches = new Set();
  matchOrder = [];
  const ops = view.units.map((u) => (u.nodeId < 0 ? undefined : graph!.nodes[u.nodeId]!.op));
  renderer.setState({
    graph: view,
    layout,
    widths,
    heights,
    rows,
    ops,
    heat: undefined,
    badged: new Set(),
    selected,
    matches,
  });
  redraw();
  if (fit) renderer.showStart(startUnits(graph, view));
  $('status').textContent =
    `${graph.nodes.length} nodes, ${view.units.length} shown${diff ? ` · ${diffSummary(diff)}` : ''}`;
}

/** The units that read the model's inputs (where a reader starts), else the topmost unit. */
function startUnits(g: CompactGraph, v: VisibleGraph): number[] {
  const inputs = new Set(g.inputs.map((t) => t.name));
  const start = new Set<number>();
  for (const n of g.nodes) if (n.inputs.some((t) => inputs.has(t))) start.add(v.unitOfNode[n.id]!);
  if (start.size) return [...start];
  const y = renderer.current?.layout.y;
  if (!y || !v.units.length) return [];
  let top = 0;
  for (let u = 1; u < v.units.length; u++) if (y[u]! < y[top]!) top = u;
  return [top];
}

function redraw(): void {
  const s = renderer.current;
  if (!s || !graph || !view) return;
  // Per-node lists only when something needs them: on a fresh 100k-node graph, neither does.
  const names = heatToggle.checked || badgeNames.size ? graph.nodes.map((n) => n.name) : [];
  const costs = heatToggle.checked ? heatCosts(metric, overlay, errors, deltas) : undefined;
  s.heat = costs
    ? unitHeat(
        view.units.map((u) => u.members),
        names,
        costs,
      )
    : undefined;
  s.tints = diff && view ? diffTints(view, diff, readDiffColours(getComputedStyle(document.body))) : undefined;
  s.edgeLabels = showEdgeShapes ? edgeLabels(graph, view) : undefined;
  const badged = new Set<number>();
  if (badgeNames.size)
    view.units.forEach((u, i) => {
      if (u.members.some((id) => badgeNames.has(names[id]!))) badged.add(i);
    });
  s.badged = badged;
  s.selected = selected;
  s.matches = matches;
  legend.hidden = !s.heat;
  overview.invalidate();
  $('legend-label').textContent = metric === 'error' && errors ? errorLegend(errors) : METRIC_LABELS[metric];
  (legend.querySelector('.ramp') as HTMLElement).style.background = legendGradient(10, SIGNED_METRICS.has(metric));
  renderer.requestFrame();
}

function suggestionsFor(nodeId: number): NodeSuggestions | undefined {
  const name = graph?.nodes[nodeId]?.name;
  const titles = name ? badgeTitles.get(name) : undefined;
  return titles ? { titles, apply: (id) => post({ type: 'applySuggestion', nodeId: id }) } : undefined;
}

/** The latest profile's figures for a node, from the overlay (the same numbers as the heat map). */
function measuredFor(nodeId: number): Measured | undefined {
  const name = graph?.nodes[nodeId]?.name;
  const n = name === undefined ? undefined : overlay?.nodes.find((o) => o.name === name);
  const e = name === undefined ? undefined : errors?.nodes.find((o) => o.name === name);
  const d = name === undefined ? undefined : deltas?.nodes.find((o) => o.name === name);
  if (!n && !e && !d) return undefined;
  // The overlay carries 0 where the profile did not know a node's output bytes: unknown, not empty.
  return {
    ...(n ? { latencyMs: n.p50Ms, ...(n.activationBytes > 0 ? { memoryBytes: n.activationBytes } : {}) } : {}),
    ...(e ? { error: e } : {}),
    ...(d ? { latencyDelta: { aMs: d.aMs, bMs: d.bMs } } : {}),
  };
}

/** Re-shows the selected node's properties (when its suggestions, details or profile change). */
function showSelectedNode(): void {
  const id = view?.units[selected]?.nodeId ?? -1;
  if (graph && id >= 0)
    // Not in Compare Graphs: a union of two models has no one exclusion list.
    showNode(pane, graph, id, details.get(id), suggestionsFor(id), measuredFor(id), diff ? undefined : keepFloat);
}

function refreshSelectedDetails(): void {
  const id = view?.units[selected]?.nodeId ?? -1;
  if (id < 0) return;
  showSelectedNode();
  post({ type: 'nodeDetailsRequest', requestId: ++detailsRequest, nodeId: id });
}

function select(u: number, centre: boolean): void {
  if (!graph || !view) return;
  selected = u;
  const unit = view.units[u];
  if (!unit) return;
  if (unit.nodeId < 0) showGroup(pane, unit.key, unit.members.length);
  else {
    // With the Keep in float / fp16 buttons whether or not its details are cached (they were missing then).
    showSelectedNode();
    post({ type: 'selectNode', nodeId: unit.nodeId });
    if (!details.has(unit.nodeId))
      post({ type: 'nodeDetailsRequest', requestId: ++detailsRequest, nodeId: unit.nodeId });
  }
  if (centre) renderer.centreOn(u);
  redraw();
}

/**
 * Enter on a group opens it; on a node it moves focus into the properties pane (already filled on selection),
 * so the keyboard reaches its details as a click does. Backspace folds a node back into its scope group.
 */
function openUnit(u: number): void {
  if (view?.units[u]?.nodeId === -1) return toggleGroup(u);
  pane.tabIndex = -1;
  pane.focus();
}

function toggleGroup(u: number): void {
  if (!graph || !view) return;
  const unit = view.units[u];
  if (!unit) return;
  if (unit.nodeId < 0) expandGroup(graph, expanded, unit.key);
  else {
    const scope = graph.nodes[unit.nodeId]!.scope;
    if (!scope.length) return;
    expanded.delete(scope.join('/'));
  }
  void relayout(false).then(() => select(view!.unitOfNode[unit.members[0]!]!, true));
}

renderer.onFrame = () => {
  overview.draw();
  if (renderer.current && hook.frameCompleteAt < hook.initReceivedAt) {
    hook.frameCompleteAt = performance.now();
    setTimeout(startLayoutWorker, 0);
  }
};

// Pan, zoom, click and keyboard.
let drag: { x: number; y: number; moved: boolean } | undefined;
canvas.addEventListener('pointerdown', (e) => {
  drag = { x: e.clientX, y: e.clientY, moved: false };
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
  renderer.tx += dx;
  renderer.ty += dy;
  drag.x = e.clientX;
  drag.y = e.clientY;
  renderer.requestFrame();
});
canvas.addEventListener('pointerup', (e) => {
  const r = canvas.getBoundingClientRect();
  if (drag && !drag.moved) {
    const u = renderer.hitTest(e.clientX - r.left, e.clientY - r.top);
    if (u >= 0) select(u, false);
  }
  drag = undefined;
});
function keepFloat(nodeId: number, precision: 'float' | 'fp16'): void {
  post({ type: precision === 'float' ? 'keepFloat' : 'keepFp16', nodeId });
}

/**
 * The graph's context menu (package.json webview/context): VS Code reads `data-vscode-context` from the
 * element right-clicked when the contextmenu event reaches it, so it is set to the node under the pointer on
 * the right button's pointerdown, which comes first (a contextmenu listener of ours may run after VS Code's).
 * The "Keep in Float" command gets the node's name from it.
 */
function setMenuContext(e: MouseEvent): void {
  const r = canvas.getBoundingClientRect();
  const u = renderer.hitTest(e.clientX - r.left, e.clientY - r.top);
  const id = u >= 0 ? (view?.units[u]?.nodeId ?? -1) : -1;
  const node = id >= 0 && !diff ? graph?.nodes[id] : undefined;
  if (node && !node.subgraph)
    canvas.dataset.vscodeContext = JSON.stringify({
      webviewSection: 'node',
      nodeName: node.name,
      preventDefaultContextMenuItems: true,
    });
  else delete canvas.dataset.vscodeContext;
}
canvas.addEventListener('pointerdown', (e) => {
  if (e.button === 2) setMenuContext(e);
});
canvas.addEventListener('contextmenu', setMenuContext);
canvas.addEventListener('dblclick', (e) => {
  const r = canvas.getBoundingClientRect();
  const u = renderer.hitTest(e.clientX - r.left, e.clientY - r.top);
  if (u >= 0 && view?.units[u]?.nodeId === -1) toggleGroup(u);
});
canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    renderer.zoomAt(Math.exp(-e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
  },
  { passive: false },
);
const KEYS: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
document.addEventListener('keydown', (e) => {
  const inSearch = e.composedPath().includes(searchBox);
  if (e.key === '/' && !inSearch) {
    e.preventDefault();
    searchBox.focus();
    return;
  }
  if (inSearch) {
    // Enter goes to the next match (Shift+Enter the previous one), wrapping, as an editor's find does.
    if (e.key === 'Enter' && matchOrder.length) {
      select(cycleMatch(matchOrder, selected, e.shiftKey), true);
      showMatchStatus();
    }
    if (e.key === 'Escape') canvas.focus();
    return;
  }
  const s = renderer.current;
  if (!s || !view) return;
  const dir = KEYS[e.key];
  if (dir) {
    e.preventDefault();
    const next = selected < 0 ? 0 : neighbour(view, s.layout, selected, dir);
    if (next >= 0) select(next, true);
  } else if (e.key === 'Enter' && selected >= 0) openUnit(selected);
  else if (e.key === 'Backspace' && selected >= 0 && view.units[selected]!.nodeId >= 0) toggleGroup(selected);
  else if (e.key === 'f') renderer.fit();
  else if (e.key === 's') {
    showEdgeShapes = !showEdgeShapes;
    redraw();
  }
});
searchBox.addEventListener('input', () => {
  if (!graph || !view) return;
  matchOrder = searchUnits(graph, view, searchBox.value);
  matches = new Set(matchOrder);
  if (matchOrder.length) select(matchOrder[0]!, true);
  else redraw();
  showMatchStatus();
});

/** "2 of 14 matches" while searching; where Enter will go is then obvious. */
function showMatchStatus(): void {
  const at = matchOrder.indexOf(selected);
  $('status').textContent = searchBox.value
    ? matchOrder.length
      ? `${at >= 0 ? `${at + 1} of ` : ''}${matchOrder.length} matches`
      : 'no matches'
    : '';
}
heatToggle.addEventListener('change', redraw);
metricButton.addEventListener('click', () => {
  // 'error' and 'latencyDelta' are offered once there is an error / a delta to show.
  const offered = GRAPH_HEAT_METRICS.filter((m) => (m !== 'error' || errors) && (m !== 'latencyDelta' || deltas));
  metric = offered[(offered.indexOf(metric) + 1) % offered.length]!;
  metricButton.textContent = `Metric: ${metric}`;
  redraw();
});
$('fit').addEventListener('click', () => renderer.fit());
attachPaneLayout(document.body, $('properties-strip'), () => renderer.resize());
new ResizeObserver(() => renderer.resize()).observe(canvas);
new MutationObserver(() => {
  renderer.theme = readTheme();
  overview.invalidate();
  renderer.requestFrame();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
// The graph is on its way (Ready went out first): load the box fonts meanwhile.
renderer.warmText();
