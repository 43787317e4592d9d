/**
 * The advice engine's suggestions (src/engine/advise) as the Layer Costs view's suggestions: one model-wide
 * entry per suggestion, plus one entry under each node it names when it names only a few (so the tree, the
 * Problems panel and the graph badges point at them). A suggestion about many nodes ("compress the weights
 * to int8") is about the model: it is not pinned to three arbitrary nodes of it. An optimize configuration
 * becomes the 'advice' action, which runs that configuration as is; runtime and manual actions are
 * information only.
 */
import type { Suggestion as AdviceSuggestion } from '../../engine/advise/adviceTypes';
import type { Suggestion } from '../../engine/report/layerCosts';
import { fmtCos, speedText } from '../../engine/verify/verdict';
import { formatBytes } from '../../protocol/units';

/**
 * A suggestion naming more nodes than this is about the model (all its Convs, all its weights): it gets no
 * node entries. One naming a few ("keep these 5 layers float") is pinned to each of them.
 */
const MAX_PINNED_NODES = 8;

/**
 * What the suggestion gains: the measured figure once it has been tried (trial mode), else the estimate.
 * An estimate that a measurement contradicted ("~18% faster", then 1.33× slower) must not stay on screen.
 */
function gainText(s: AdviceSuggestion): string {
  const m = s.measured;
  if (m && m.originalMs > 0)
    return ` Measured: ${speedText(m.candidateMs / m.originalMs)}, ${m.sizeRatio.toFixed(2)}× size, min cosine ${fmtCos(m.cosine)}.`;
  const parts: string[] = [];
  if (s.estimated.latencyFraction > 0) parts.push(`~${(s.estimated.latencyFraction * 100).toFixed(0)}% faster`);
  if (s.estimated.bytesSaved > 0) parts.push(`${formatBytes(s.estimated.bytesSaved)} smaller`);
  if (s.estimated.memoryBytesSaved > 0)
    parts.push(`${formatBytes(s.estimated.memoryBytesSaved)} less activation memory`);
  return parts.length ? ` Estimated: ${parts.join(', ')} (${s.confidence} confidence).` : '';
}

function actionText(s: AdviceSuggestion): string {
  switch (s.action.kind) {
    case 'optimize':
    case 'runtime':
      return ` CLI: ${s.action.cli}`;
    case 'manual':
      return ` ${s.action.instructions}`;
  }
}

export function fromAdvice(list: readonly AdviceSuggestion[]): Suggestion[] {
  const out: Suggestion[] = [];
  list.forEach((s, i) => {
    // The id must not contain ':' (diagnostics.ts joins id and action with one).
    const id = `${s.rule}#${i}`;
    const optimize = s.action.kind === 'optimize' ? s.action : undefined;
    const base: Suggestion = {
      id,
      rule: s.rule,
      title: s.title,
      detail: `${s.detail}${gainText(s)}${actionText(s)}`,
      severity: s.severity === 'note' ? 'info' : 'warning',
      ...(optimize ? { action: 'advice' as const, config: optimize.config } : {}),
    };
    out.push(base);
    if (s.nodes.length > MAX_PINNED_NODES) return;
    for (const node of s.nodes) out.push({ ...base, id: `${id}@${node.replace(/:/g, '_')}`, node, of: id });
  });
  return out;
}

/**
 * What the Problems panel lists: each suggestion once — as its node entries when it has them (each one
 * opens the graph at its node), else as the model-wide entry.
 */
export function problemEntries(suggestions: readonly Suggestion[]): Suggestion[] {
  const pinned = new Set(suggestions.flatMap((s) => (s.of ? [s.of] : [])));
  return suggestions.filter((s) => s.node || !pinned.has(s.id));
}

/**
 * The suggestions after one of them was applied and measured: its estimate (and its node copies') gives way
 * to what the measurement said, so "~18% faster" does not stay beside a model that came out slower.
 */
export function withMeasured(suggestions: readonly Suggestion[], id: string, measured: string): Suggestion[] {
  return suggestions.map((s) => {
    if (s.id !== id && s.of !== id) return s;
    const note = ` Measured when applied: ${measured}.`;
    // The estimate (or an earlier measurement) sits just before the action's " CLI: …" (gainText, actionText).
    const estimate =
      / (?:Estimated: .*?\((?:low|medium|high) confidence\)\.|Measured(?: when applied)?: .*?\.)(?= CLI: |$)/;
    return { ...s, detail: estimate.test(s.detail) ? s.detail.replace(estimate, note) : `${s.detail}${note}` };
  });
}
