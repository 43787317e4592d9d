/**
 * The per-node error job's result (issue 18): localize's list as the graph page's error overlay. The page
 * colours by the figure the list is ranked by (the error each node adds, else the accumulated one), so its
 * hottest nodes are the ones `compare --localize` prints first.
 */
import { rankingMetrics, rankingOf, type NodeError } from '../../engine/verify/localize';
import type { ErrorOverlay } from '../../protocol/webviewProtocol';

/**
 * The name the graph page knows a node by: localize labels an unnamed node `Op#i`, the compact graph
 * `Op_i` (compactGraph.ts; i is the node's index in the main graph either way), so the page could not colour it.
 */
function graphNodeName(e: NodeError): string {
  return e.node === `${e.op}#${e.order}` ? `${e.op || 'op'}_${e.order}` : e.node;
}

/** `errors` (localize's order) as the overlay of A's graph, each node's accumulated error alongside. */
export function errorOverlay(a: string, b: string, errors: readonly NodeError[]): ErrorOverlay {
  const ranking = rankingOf(errors);
  return {
    a,
    b,
    ranking,
    nodes: errors.map((e) => {
      const { snrDb, cosine } = rankingMetrics(e, ranking);
      const output = ranking === 'added' ? { output: { snrDb: e.snrDb, cosine: e.cosine } } : {};
      return { name: graphNodeName(e), op: e.op, snrDb, cosine, ...output };
    }),
  };
}
