/**
 * Entry of the runtime child process (bundled to dist/runtimeProcess.js). It owns the onnxruntime sessions,
 * whose `run()` is blocking native work, so the extension host and the CLI stay responsive, and a native crash
 * or an OOM kill ends only this process. Talks to runtimeClient.ts through the messages in protocol.ts; the
 * serving loop, temp folder and parent-death watch are jobServer.ts's.
 */
import * as ort from 'onnxruntime-node';
import { profileModel } from '../profile/profileModel';
import { resolveFeeds } from './feedSource';
import { serveJobs, UnknownSessionError } from './jobServer';
import { inputSpecs } from './modelInputs';
import type { WireTensor } from './protocol';
import { toSessionOptions } from './sessionOptions';

// ORT's warnings (e.g. unused initializers) would land on the host's stderr; errors still reach callers as replies.
ort.env.logLevel = 'error';

const sessions = new Map<number, ort.InferenceSession>();
let nextSessionId = 1;

function session(id: number): ort.InferenceSession {
  const s = sessions.get(id);
  if (!s)
    throw new UnknownSessionError(
      `no session ${id} in the runtime process (it may have restarted): load the model again`,
    );
  return s;
}

serveJobs({
  async load(params) {
    const s = await ort.InferenceSession.create(params.model, toSessionOptions(params.settings));
    const id = nextSessionId++;
    sessions.set(id, s);
    return {
      sessionId: id,
      inputs: inputSpecs(s).map((i) => ({ ...i, shape: [...i.shape] })),
      outputs: [...s.outputNames],
    };
  },
  async run(params) {
    const s = session(params.sessionId);
    const { feeds } = resolveFeeds(inputSpecs(s), params.feeds);
    const t0 = performance.now();
    const result = await s.run(feeds);
    const ms = performance.now() - t0;
    const outputs: Record<string, WireTensor> = {};
    for (const [name, t] of Object.entries(result))
      outputs[name] = { type: t.type, dims: [...t.dims], data: t.data as WireTensor['data'] };
    return { outputs, ms };
  },
  profile: (params, ctx) => profileModel(params, ctx),
  async dispose(params) {
    const ids = params.sessionId === undefined ? [...sessions.keys()] : [params.sessionId];
    for (const id of ids) {
      await sessions.get(id)?.release();
      sessions.delete(id);
    }
    return { disposed: ids.length };
  },
});
