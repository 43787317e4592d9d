/**
 * Profile stability and coverage on ppocr-det (timing figures that do not belong in tests, which must pass on
 * a loaded machine): two consecutive 20-run profiles, how many of the top-5 nodes by p50 they share, whether
 * the top 2 agree, and the share of model_run the node times explain (≥ 90% was the goal measured here).
 */
import { runProfile, type ProfileJob } from '../src/engine/profile/runProfile';
import type { ProfileReport } from '../src/engine/report/profileReport';
import { RuntimeClient } from '../src/engine/runtime/runtimeClient';
import { listRealModels } from '../test/support/realModels';
import { regressionEntry } from '../test/support/regression';

const top = (r: ProfileReport, n: number): string[] => r.nodes.slice(0, n).map((x) => x.name);

export async function bench(): Promise<void> {
  const m = listRealModels().find((x) => x.name === 'ppocr-det');
  if (!m) {
    console.log('ppocr-det not fetched (npm run models): skipped');
    return;
  }
  const e = regressionEntry('ppocr-det');
  const job: ProfileJob = {
    model: m.file,
    settings: { intraOpThreads: 1 },
    feeds: { shapes: e.shapes, values: e.values ?? {} },
    runs: 20,
    warmup: 5,
  };
  const client = new RuntimeClient();
  try {
    const a = await runProfile(client, job);
    const b = await runProfile(client, { ...job, plain: false });
    const shared = top(a, 5).filter((n) => top(b, 5).includes(n)).length;
    const top2 = new Set(top(a, 2)).size === new Set([...top(a, 2), ...top(b, 2)]).size;
    console.log(`top-5 nodes shared by two profiles: ${shared} of 5; top 2 agree: ${top2 ? 'yes' : 'no'}`);
    for (const [name, r] of [
      ['first', a],
      ['second', b],
    ] as const)
      console.log(`${name} profile: nodes explain ${(r.attribution.coverage * 100).toFixed(1)}% of model_run`);
  } finally {
    client.dispose();
  }
}
