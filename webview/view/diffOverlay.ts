/**
 * The "Compare Graphs" overlay on the graph view: added, removed and changed nodes coloured with VS Code's git
 * decoration colours (the ones the explorer uses for added/deleted/modified files, defined by every theme), the
 * unchanged ones grey, and each changed node's notes (what changed, latency delta) as rows in its box.
 */
import type { GraphDiffOverlay } from '../../src/protocol/webviewProtocol';
import type { RowText } from './nodeRows';
import type { VisibleGraph } from './visibleGraph';

export interface DiffColours {
  readonly same: string;
  readonly added: string;
  readonly removed: string;
  readonly changed: string;
}

export function readDiffColours(style: CSSStyleDeclaration): DiffColours {
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    same: v('--vscode-charts-lines', '#808080'),
    added: v('--vscode-gitDecoration-addedResourceForeground', '#81b88b'),
    removed: v('--vscode-gitDecoration-deletedResourceForeground', '#c74e39'),
    changed: v('--vscode-gitDecoration-modifiedResourceForeground', '#e2c08d'),
  };
}

/** Per unit: a group with any difference inside takes the changed colour; otherwise its members' status. */
export function diffTints(view: VisibleGraph, diff: GraphDiffOverlay, colours: DiffColours): string[] {
  return view.units.map((u) => {
    const statuses = new Set(u.members.map((id) => diff.status[id] ?? 'same'));
    if (statuses.size === 1) return colours[[...statuses][0]!];
    statuses.delete('same');
    return statuses.size === 1 ? colours[[...statuses][0]!] : colours.changed;
  });
}

/** The notes of each unit's node, to put above its attribute and weight rows. */
export function diffRows(view: VisibleGraph, diff: GraphDiffOverlay): RowText[][] {
  return view.units.map((u) =>
    u.nodeId < 0 ? [] : (diff.notes[u.nodeId] ?? []).map((text) => ({ text, kind: 'attr' as const })),
  );
}

/** "ppocr-det.onnx → ppocr-det.int8.onnx: 62 changed, 310 added, 0 removed, 300 same". */
export function diffSummary(diff: GraphDiffOverlay): string {
  const c = diff.counts;
  return `${diff.a} → ${diff.b}: ${c.changed} changed, ${c.added} added, ${c.removed} removed, ${c.same} same`;
}
