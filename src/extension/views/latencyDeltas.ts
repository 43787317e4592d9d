/**
 * The "latency delta" heat-map metric's host side (issue 18). An original's graph explains one optimized model
 * at a time (the one whose per-node error it shows, after an optimize or a comparison); once both have a
 * profile in the ProfileStore, the two graphs are matched in a job process (the Compare Graphs matching,
 * cached per pair) and the original's editors get each matched node's p50 in both and the difference.
 */
import * as vscode from 'vscode';
import { latencyDeltas, type GraphDiffView } from '../../engine/graph/diffGraphView';
import type { LatencyDeltaOverlay } from '../../protocol/webviewProtocol';
import { modelSettings } from '../inputs/modelInputs';
import type { JobRunner } from '../jobs/jobRunner';
import { log } from '../log';
import type { ProfileStore } from '../profileStore';

export class LatencyDeltaTracker {
  /** Original (URI string) → the optimized model it is paired with. */
  private readonly pairs = new Map<string, vscode.Uri>();
  /** `${a}|${b}` → the matched graphs (reading both models is the slow part; profiles come and go). */
  private readonly views = new Map<string, Promise<GraphDiffView>>();
  private readonly overlays = new Map<string, LatencyDeltaOverlay>();

  constructor(
    private readonly jobs: JobRunner,
    private readonly store: ProfileStore,
    private readonly show: (original: vscode.Uri, overlay: LatencyDeltaOverlay) => void,
  ) {}

  /** `optimized` is now what `original`'s graph explains (a new file, or one rewritten: matched again). */
  setPair(original: vscode.Uri, optimized: vscode.Uri): void {
    this.pairs.set(original.toString(), optimized);
    this.views.delete(`${original.toString()}|${optimized.toString()}`);
    void this.update(original);
  }

  /** A profile of `uri` arrived: every pair it belongs to may now have both. */
  onProfile(uri: vscode.Uri): void {
    for (const [a, b] of this.pairs)
      if (a === uri.toString() || b.toString() === uri.toString()) void this.update(vscode.Uri.parse(a));
  }

  overlay(original: vscode.Uri): LatencyDeltaOverlay | undefined {
    return this.overlays.get(original.toString());
  }

  private async update(original: vscode.Uri): Promise<void> {
    const b = this.pairs.get(original.toString());
    const [pa, pb] = [this.store.get(original), b && this.store.get(b)];
    if (!b || !pa || !pb) return;
    const key = `${original.toString()}|${b.toString()}`;
    try {
      let view = this.views.get(key);
      if (!view) {
        const dims = (await modelSettings(original, { quiet: true })).runtime.dims;
        view = this.jobs.run('graphDiff', { a: original.fsPath, b: b.fsPath, dims });
        this.views.set(key, view);
      }
      const nodes = latencyDeltas(await view, pa, pb, 'a');
      if (this.pairs.get(original.toString())?.toString() !== b.toString()) return; // re-paired meanwhile
      const overlay: LatencyDeltaOverlay = { a: original.fsPath, b: b.fsPath, nodes };
      this.overlays.set(original.toString(), overlay);
      this.show(original, overlay);
    } catch (e) {
      this.views.delete(key);
      log().warn(`latency delta of ${b.fsPath}: not computed (${(e as Error)?.message ?? String(e)})`);
    }
  }
}
