/**
 * Maps a profile report (src/engine/report/profileReport.ts) into the webview's ProfileOverlay: each file node a
 * report entry covers gets an equal part of that entry's time (a fused kernel covers several file nodes).
 * The extension host needs the same mapping; it can lift this function as is.
 */
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import type { ProfileOverlay, ProfileOverlayNode } from '../../../src/protocol/webviewProtocol';

export function profileOverlayFromReport(report: ProfileReport): ProfileOverlay {
  const byName = new Map<string, ProfileOverlayNode>();
  for (const entry of report.nodes) {
    if (entry.graphPath) continue; // subgraph nodes are not drawn in the main graph
    const names = entry.nodes.length ? entry.nodes : [entry.name];
    const k = names.length;
    for (const name of names) {
      const prev = byName.get(name);
      byName.set(name, {
        name,
        p50Ms: (prev?.p50Ms ?? 0) + entry.p50Ms / k,
        share: (prev?.share ?? 0) + entry.share / k,
        activationBytes: (prev?.activationBytes ?? 0) + entry.outputBytes / k,
        paramBytes: (prev?.paramBytes ?? 0) + entry.paramBytes / k,
      });
    }
  }
  return { nodes: [...byName.values()] };
}
