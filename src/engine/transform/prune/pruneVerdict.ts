/**
 * What a pruned model's accuracy drop means for the user. Pruning removes trained capacity: past the gate the
 * model needs fine-tuning, and saying so beats an exit 0 with cosine 0.41 (issue 20: MobileNetV3 at 30%).
 */

/** One line for the verdict, or null when the drop is within the gate (or nothing was compared). */
export function pruneAccuracyNote(minCosine: number | undefined, gateMinCosine: number): string | null {
  if (minCosine === undefined) return null;
  const drop = Number.isNaN(minCosine) ? 'NaN outputs' : `min cosine ${minCosine.toFixed(4)}`;
  if (minCosine >= gateMinCosine) return null;
  return (
    `pruning cost accuracy (${drop} < ${gateMinCosine}): fine-tune the pruned model on your training data ` +
    'before using it, or prune less (a lower ratio, or --layers for the least sensitive layers)'
  );
}
