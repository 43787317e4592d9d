/**
 * Reads onnxruntime's profile trace (Chrome trace-event JSON: a list of complete 'X' events). `cat:"Node"`
 * events named `<node>_kernel_time` are kernel executions; `cat:"Session"` `model_run` events are whole runs.
 * Kernels are assigned to the run whose interval contains them, and get a self time: a control-flow node
 * (If/Loop/Scan) runs its subgraph's kernels inside its own interval, so their time is subtracted from it to
 * avoid counting it twice (Silero's nested Ifs summed to 145% of model_run before this).
 */
export interface KernelEvent {
  /** The node name (the event name without `_kernel_time`). */
  readonly name: string;
  readonly op: string;
  readonly provider: string;
  readonly nodeIndex: number | null;
  readonly ts: number;
  /** Microseconds. */
  readonly dur: number;
  readonly activationBytes: number;
  readonly outputBytes: number;
  readonly paramBytes: number;
  readonly arenaPeakBytes: number | null;
  readonly outputShapes: { type: string; dims: number[] }[];
}

export interface TraceRun {
  readonly ts: number;
  /** model_run duration, microseconds. */
  readonly dur: number;
  /** Kernels of this run with their self time (µs), in start order. */
  readonly kernels: { event: KernelEvent; selfUs: number }[];
}

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

interface RawEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

const SUFFIX = '_kernel_time';

const num = (v: unknown): number => (v === undefined || v === null ? 0 : Number(v));

function shapes(v: unknown): { type: string; dims: number[] }[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((entry) =>
    typeof entry === 'object' && entry !== null
      ? Object.entries(entry as Record<string, unknown>).map(([type, dims]) => ({
          type,
          dims: Array.isArray(dims) ? dims.map(Number) : [],
        }))
      : [],
  );
}

/**
 * onnxruntime writes node names into the trace without JSON escaping (a node named `a"b` breaks the file), one
 * event per line. So each line's name is taken verbatim between `"name" :"` and the last `","args" :`, and
 * re-encoded before the line is parsed.
 */
function parseTraceLines(text: string): RawEvent[] {
  if (!/^\s*\[\s*\n/.test(text)) {
    // Not onnxruntime's line-per-event layout: plain JSON.
    try {
      const raw: unknown = JSON.parse(text);
      return Array.isArray(raw) ? (raw as RawEvent[]) : [];
    } catch (e) {
      throw new TraceFormatError(`onnxruntime profile trace is not JSON: ${(e as Error).message}`);
    }
  }
  const events: RawEvent[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine
      .trim()
      .replace(/^\[/, '')
      .replace(/,?\]?$/, '')
      .trim();
    if (!line) continue;
    const m = /^(.*?"name" ?: ?)"(.*)"(, ?"args" ?:.*)$/.exec(line);
    const fixed = m ? `${m[1]}${JSON.stringify(m[2])}${m[3]}` : line;
    try {
      events.push(JSON.parse(fixed) as RawEvent);
    } catch (e) {
      throw new TraceFormatError(
        `unreadable onnxruntime profile trace line: ${(e as Error).message}: ${line.slice(0, 200)}`,
      );
    }
  }
  return events;
}

export function parseTraceEvents(text: string): { kernels: KernelEvent[]; runs: { ts: number; dur: number }[] } {
  const events = parseTraceLines(text);
  const kernels: KernelEvent[] = [];
  const runs: { ts: number; dur: number }[] = [];
  for (const e of events) {
    if (typeof e.ts !== 'number' || typeof e.dur !== 'number' || typeof e.name !== 'string') continue;
    if (e.cat === 'Session' && e.name === 'model_run') runs.push({ ts: e.ts, dur: e.dur });
    else if (e.cat === 'Node' && e.name.endsWith(SUFFIX)) {
      const a = e.args ?? {};
      kernels.push({
        name: e.name.slice(0, -SUFFIX.length),
        op: String(a.op_name ?? ''),
        provider: String(a.provider ?? ''),
        nodeIndex: a.node_index === undefined ? null : Number(a.node_index),
        ts: e.ts,
        dur: e.dur,
        activationBytes: num(a.activation_size),
        outputBytes: num(a.output_size),
        paramBytes: num(a.parameter_size),
        arenaPeakBytes: a.mem_in_use_peak === undefined ? null : Number(a.mem_in_use_peak),
        outputShapes: shapes(a.output_type_shape),
      });
    }
  }
  runs.sort((a, b) => a.ts - b.ts);
  kernels.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  return { kernels, runs };
}

/** Self times: each kernel's duration less the kernels nested inside its interval (direct children only). */
function selfTimes(kernels: readonly KernelEvent[]): number[] {
  const self = kernels.map((k) => k.dur);
  const stack: number[] = [];
  kernels.forEach((k, i) => {
    while (stack.length && kernels[stack.at(-1)!]!.ts + kernels[stack.at(-1)!]!.dur < k.ts + k.dur) stack.pop();
    const parent = stack.at(-1);
    if (parent !== undefined) self[parent] = self[parent]! - k.dur;
    stack.push(i);
  });
  return self.map((s) => Math.max(0, s));
}

/**
 * The runs after the first `warmup` ones (ORT profiles from session start, so warm-up runs are in the
 * trace too), each with its kernels and their self times.
 */
export function measuredRuns(text: string, warmup: number): TraceRun[] {
  const { kernels, runs } = parseTraceEvents(text);
  if (runs.length <= warmup)
    throw new TraceFormatError(
      `the trace has ${runs.length} model_run events; expected more than the ${warmup} warm-up runs`,
    );
  const out: TraceRun[] = [];
  let k = 0;
  for (const [i, run] of runs.entries()) {
    const inRun: KernelEvent[] = [];
    while (k < kernels.length && kernels[k]!.ts < run.ts) k++;
    while (k < kernels.length && kernels[k]!.ts <= run.ts + run.dur) inRun.push(kernels[k++]!);
    if (i < warmup) continue;
    const self = selfTimes(inRun);
    out.push({ ts: run.ts, dur: run.dur, kernels: inRun.map((event, j) => ({ event, selfUs: self[j]! })) });
  }
  return out;
}
