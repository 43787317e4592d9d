/**
 * The "Layer Costs" tree: the current model's profile grouped by op type or name scope, each node with its
 * p50 latency, share of the total and memory; the suggestions about a node as its children. Selecting a node
 * reveals it in the graph (onnxTuner.revealNode).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, formatMs, formatQuantity } from '../../engine/report/format';
import type { ProfileStore } from '../profileStore';
import {
  formatProfiledInputs,
  groupLayerCosts,
  type CostGroup,
  type ProfiledInput,
  type GroupBy,
  type LayerCost,
  type LayerCostReport,
  type SortKey,
  type Suggestion,
} from '../../engine/report/layerCosts';
import { nodeTooltipMarkdown } from './markdownText';

export type LayerCostElement =
  | CostGroup
  | { readonly kind: 'inputs'; readonly inputs: readonly ProfiledInput[]; readonly notes: readonly string[] }
  | { readonly kind: 'inputNote'; readonly note: string }
  | { readonly kind: 'node'; readonly node: LayerCost }
  | { readonly kind: 'suggestion'; readonly suggestion: Suggestion }
  | { readonly kind: 'suggestions'; readonly list: readonly Suggestion[] };

export const VIEW_ID = 'onnxTuner.layerCosts';

export { formatMs };

function costDescription(c: { p50Us: number; share: number; memoryBytes: number | null }): string {
  return `${formatMs(c.p50Us)} · ${(c.share * 100).toFixed(1)}% · ${formatBytes(c.memoryBytes)}`;
}

/** Which input shapes the numbers are for: the profiled shapes (older reports: the assumed dims). */
function headerInputs(r: LayerCostReport): string {
  if (r.inputs?.length) return ` · inputs ${formatProfiledInputs(r.inputs)}`;
  return r.assumedDims ? ` · ${r.assumedDims}` : '';
}

export class LayerCostTreeProvider implements vscode.TreeDataProvider<LayerCostElement> {
  private readonly changed = new vscode.EventEmitter<LayerCostElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  sortKey: SortKey = 'latency';
  groupBy: GroupBy = 'op';

  constructor(private readonly store: ProfileStore) {}

  /** Registers the view and its sort/group commands; the Disposable also carries the provider and view. */
  static register(store: ProfileStore): vscode.Disposable & {
    readonly provider: LayerCostTreeProvider;
    readonly view: vscode.TreeView<LayerCostElement>;
  } {
    const provider = new LayerCostTreeProvider(store);
    const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
    const update = (): void => {
      const r = store.currentReport;
      view.message = r
        ? `${r.trustWarnings?.length ? '⚠ per-node shares approximate (see Suggestions) · ' : ''}${path.basename(r.file)} · p50 ${r.totalP50Ms.toFixed(2)} ms over ${r.runs} runs · level ${r.optimizationLevel}${headerInputs(r)} · by ${provider.groupBy === 'op' ? 'op type' : 'name scope'}, sorted by ${provider.sortKey}`
        : undefined;
      provider.refresh();
    };
    const sort = (key: SortKey) => () => {
      provider.sortKey = key;
      update();
    };
    const group = (by: GroupBy) => () => {
      provider.groupBy = by;
      update();
    };
    const disposable = vscode.Disposable.from(
      view,
      provider.changed,
      store.onDidChange(update),
      vscode.commands.registerCommand('onnxTuner.layerCosts.sortByLatency', sort('latency')),
      vscode.commands.registerCommand('onnxTuner.layerCosts.sortByMemory', sort('memory')),
      vscode.commands.registerCommand('onnxTuner.layerCosts.sortByFlops', sort('flops')),
      vscode.commands.registerCommand('onnxTuner.layerCosts.groupByOp', group('op')),
      vscode.commands.registerCommand('onnxTuner.layerCosts.groupByScope', group('scope')),
    );
    return Object.assign(disposable, { provider, view });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: LayerCostElement): LayerCostElement[] {
    const report = this.store.currentReport;
    if (!report) return [];
    if (!element) {
      const modelWide = report.suggestions.filter((s) => !s.node);
      const groups: LayerCostElement[] = groupLayerCosts(report.nodes, this.groupBy, this.sortKey);
      const inputs: LayerCostElement[] = report.inputs?.length
        ? [{ kind: 'inputs', inputs: report.inputs, notes: report.inputNotes ?? [] }]
        : [];
      return [...inputs, ...(modelWide.length ? [{ kind: 'suggestions' as const, list: modelWide }] : []), ...groups];
    }
    switch (element.kind) {
      case 'group':
        return [...element.groups, ...element.nodes.map((node) => ({ kind: 'node' as const, node }))];
      case 'node':
        return report.suggestions
          .filter((s) => s.node === element.node.name)
          .map((suggestion) => ({ kind: 'suggestion' as const, suggestion }));
      case 'suggestions':
        return element.list.map((suggestion) => ({ kind: 'suggestion' as const, suggestion }));
      case 'inputs':
        return element.notes.map((note) => ({ kind: 'inputNote' as const, note }));
      case 'suggestion':
      case 'inputNote':
        return [];
    }
  }

  getTreeItem(element: LayerCostElement): vscode.TreeItem {
    const report = this.store.currentReport;
    const uri = this.store.currentUri;
    switch (element.kind) {
      case 'group': {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = costDescription(element);
        item.iconPath = new vscode.ThemeIcon(this.groupBy === 'op' ? 'symbol-class' : 'symbol-namespace');
        item.tooltip = `${element.label}: ${costDescription(element)}, ${formatQuantity(element.flops, 'FLOPs')}`;
        item.contextValue = 'group';
        return item;
      }
      case 'node': {
        const n = element.node;
        const hasSuggestions = report?.suggestions.some((s) => s.node === n.name) ?? false;
        const item = new vscode.TreeItem(
          n.name || n.op,
          hasSuggestions ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `node:${n.name}`;
        item.description = costDescription(n);
        item.iconPath = new vscode.ThemeIcon(hasSuggestions ? 'lightbulb' : 'circle-small-filled');
        // Untrusted, no HTML: names are escaped by nodeTooltipMarkdown (see markdownText.ts).
        const tip = new vscode.MarkdownString(
          nodeTooltipMarkdown(n.op, n.name, [
            `p50 ${formatMs(n.p50Us)} (${(n.share * 100).toFixed(1)}% of the model)`,
            `memory ${formatBytes(n.memoryBytes)} · ${formatQuantity(n.flops, 'FLOPs')}`,
          ]),
        );
        tip.isTrusted = false;
        tip.supportHtml = false;
        item.tooltip = tip;
        item.contextValue = 'node';
        if (uri)
          item.command = { command: 'onnxTuner.revealNode', title: 'Reveal Node in Graph', arguments: [uri, n.name] };
        return item;
      }
      case 'inputs': {
        // Says which shapes the numbers are for, and is the way to change them for this model.
        const item = new vscode.TreeItem(
          'Inputs',
          element.notes.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
        );
        item.id = 'inputs';
        item.description = formatProfiledInputs(element.inputs);
        item.tooltip = `Profiled with ${item.description}.\nClick to set the input shapes for this model.`;
        item.iconPath = new vscode.ThemeIcon('symbol-array');
        item.contextValue = 'inputs';
        if (uri) item.command = { command: 'onnxTuner.setInputShapes', title: 'Set Input Shapes…', arguments: [uri] };
        return item;
      }
      case 'inputNote': {
        // A configured shape this model ignored: said where the shapes are, for as long as the profile shows.
        const item = new vscode.TreeItem(element.note, vscode.TreeItemCollapsibleState.None);
        item.tooltip = element.note;
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'suggestions': {
        const item = new vscode.TreeItem('Suggestions', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('lightbulb');
        item.description = String(element.list.length);
        return item;
      }
      case 'suggestion': {
        const s = element.suggestion;
        const item = new vscode.TreeItem(s.title, vscode.TreeItemCollapsibleState.None);
        item.description = s.detail;
        item.tooltip = `${s.title}\n\n${s.detail}`;
        item.iconPath = new vscode.ThemeIcon(s.severity === 'warning' ? 'warning' : 'info');
        // The action runs from the inline button only: a click that starts an optimize would surprise.
        item.contextValue = s.action ? 'suggestion-actionable' : 'suggestion';
        return item;
      }
    }
  }
}
