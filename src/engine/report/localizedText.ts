/** The nodes whose outputs diverge most between two models (verify/localize.ts), as terminal text. */
import type { NodeError } from '../verify/localize';
import { terminalSafe } from './terminalText';

export function renderLocalized(list: readonly NodeError[]): string {
  const rows = list.map(
    (e) =>
      `  ${terminalSafe(e.node).padEnd(40)} ${terminalSafe(e.op).padEnd(16)} SNR ${e.snrDb.toFixed(1).padStart(6)} dB  cosine ${e.cosine.toFixed(5)}`,
  );
  return [`nodes whose outputs diverge most (worst first):`, ...rows].join('\n');
}
