/**
 * The advice engine's suggestions (src/engine/advise) as the Layer Costs view's suggestions: one model-wide
 * entry per suggestion, plus one entry under each of the first few nodes it names (so the tree, the
 * Problems panel and the graph badges point at them). An optimize configuration becomes the 'advice'
 * action, which runs that configuration as is; runtime and manual actions are information only.
 */
import type { Suggestion as AdviceSuggestion } from '../../engine/advise/adviceTypes';
import type { Suggestion } from '../../engine/report/layerCosts';

/** Node entries per suggestion: enough to badge the heavy layers without flooding the Problems panel. */
const NODES_PER_SUGGESTION = 3;

function gainText(s: AdviceSuggestion): string {
  const parts: string[] = [];
  if (s.estimated.latencyFraction > 0) parts.push(`~${(s.estimated.latencyFraction * 100).toFixed(0)}% faster`);
  if (s.estimated.bytesSaved > 0) parts.push(`${(s.estimated.bytesSaved / 2 ** 20).toFixed(2)} MiB smaller`);
  if (s.estimated.memoryBytesSaved > 0)
    parts.push(`${(s.estimated.memoryBytesSaved / 2 ** 20).toFixed(2)} MiB less activation memory`);
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
    for (const node of s.nodes.slice(0, NODES_PER_SUGGESTION))
      out.push({ ...base, id: `${id}@${node.replace(/:/g, '_')}`, node, severity: 'info' });
  });
  return out;
}
