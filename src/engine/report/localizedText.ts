/** The nodes whose outputs diverge most between two models (verify/localize.ts), as terminal text. */
import { rankingOf, type NodeError } from '../verify/localize';
import { terminalSafe } from './terminalText';

/** Ranked by the error each node adds (its accumulated output SNR alongside), or by the accumulated error. */
export function renderLocalized(list: readonly NodeError[]): string {
  const by = rankingOf(list);
  const snr = (db: number): string => `${db.toFixed(1).padStart(6)} dB`;
  const rows = list.map((e) => {
    const head = `  ${terminalSafe(e.node).padEnd(40)} ${terminalSafe(e.op).padEnd(16)}`;
    return e.added && by === 'added'
      ? `${head} adds SNR ${snr(e.added.snrDb)}  cosine ${e.added.cosine.toFixed(5)}   output SNR ${snr(e.snrDb)}  cosine ${e.cosine.toFixed(5)}`
      : `${head} output SNR ${snr(e.snrDb)}  cosine ${e.cosine.toFixed(5)}`;
  });
  const title =
    by === 'added'
      ? 'nodes ranked by the error each adds itself, fed the reference inputs (worst first; output: with upstream error):'
      : 'nodes ranked by the accumulated error of their outputs (worst first):';
  return [title, ...rows].join('\n');
}
