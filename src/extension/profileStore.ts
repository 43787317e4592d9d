/**
 * The latest profile of each model, shared by the views that show it: the Layer Costs tree, the graph's heat
 * map, and the Problems-panel diagnostics. Views subscribe to `onDidChange`; the store holds data only.
 */
import * as vscode from 'vscode';
import type { LayerCostReport } from '../engine/report/layerCosts';

export class ProfileStore implements vscode.Disposable {
  private readonly reports = new Map<string, LayerCostReport>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** The model the Layer Costs view shows: the one profiled or focused last. */
  private current: vscode.Uri | undefined;

  set(uri: vscode.Uri, report: LayerCostReport): void {
    this.reports.set(uri.toString(), report);
    this.current = uri;
    this.changed.fire(uri);
  }

  get(uri: vscode.Uri): LayerCostReport | undefined {
    return this.reports.get(uri.toString());
  }

  focus(uri: vscode.Uri): void {
    if (this.current?.toString() === uri.toString()) return;
    this.current = uri;
    this.changed.fire(uri);
  }

  get currentUri(): vscode.Uri | undefined {
    return this.current;
  }

  get currentReport(): LayerCostReport | undefined {
    return this.current ? this.get(this.current) : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
