/**
 * Reads onnxruntime's profile trace (Chrome trace-event JSON: a list of complete 'X' events). `cat:"Node"`
 * events named `<node>_kernel_time` are kernel executions; `cat:"Session"` `model_run` events are whole runs.
 * Kernels are assigned to the run whose interval contains them, and get a self time: a control-flow node
 * (If/Loop/Scan) runs its subgraph's kernels inside its own interval, so their time is subtracted from it to
 * avoid counting it twice (Silero's nested Ifs summed to 145% of model_run before this).
 */
import * as fs from 'node:fs';

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

/** One line of onnxruntime's line-per-event layout as an event (undefined for the brackets and blanks). */
function parseTraceLine(rawLine: string): RawEvent | undefined {
  const line = rawLine
    .trim()
    .replace(/^\[/, '')
    .replace(/,?\]?$/, '')
    .trim();
  if (!line) return undefined;
  // onnxruntime writes node names without JSON escaping (a node named `a"b` breaks the file), one event per
  // line: the name is taken verbatim between `"name" :"` and the last `","args" :`, and re-encoded.
  const m = /^(.*?"name" ?: ?)"(.*)"(, ?"args" ?:.*)$/.exec(line);
  const fixed = m ? `${m[1]}${JSON.stringify(m[2])}${m[3]}` : line;
  try {
    return JSON.parse(fixed) as RawEvent;
  } catch (e) {
    throw new TraceFormatError(
      `unreadable onnxruntime profile trace line: ${(e as Error).message}: ${line.slice(0, 200)}`,
    );
  }
}

export interface TraceEvents {
  kernels: KernelEvent[];
  runs: { ts: number; dur: number }[];
}

/** Keeps the events that matter (kernels and runs) as they arrive; the raw text is never held whole. */
class TraceCollector {
  readonly kernels: KernelEvent[] = [];
  readonly runs: { ts: number; dur: number }[] = [];

  add(e: RawEvent): void {
    if (typeof e.ts !== 'number' || typeof e.dur !== 'number' || typeof e.name !== 'string') return;
    if (e.cat === 'Session' && e.name === 'model_run') this.runs.push({ ts: e.ts, dur: e.dur });
    else if (e.cat === 'Node' && e.name.endsWith(SUFFIX)) {
      const a = e.args ?? {};
      this.kernels.push({
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

  addLine(line: string): void {
    const e = parseTraceLine(line);
    if (e) this.add(e);
  }

  result(): TraceEvents {
    this.runs.sort((a, b) => a.ts - b.ts);
    this.kernels.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    return { kernels: this.kernels, runs: this.runs };
  }
}

const LINE_LAYOUT = /^\s*\[\s*\n/;

function parsePlainJson(text: string, into: TraceCollector): void {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TraceFormatError(`onnxruntime profile trace is not JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(raw)) for (const e of raw as RawEvent[]) if (e && typeof e === 'object') into.add(e);
}

export function parseTraceEvents(text: string): TraceEvents {
  const c = new TraceCollector();
  if (!LINE_LAYOUT.test(text))
    parsePlainJson(text, c); // not onnxruntime's line-per-event layout
  else for (const line of text.split('\n')) c.addLine(line);
  return c.result();
}

/**
 * Reads a trace file line by line in 1 MiB chunks: a 100k-node profile writes a trace past V8's largest
 * string (512 MB, "Cannot create a string longer than 0x1fffffe8"), so it is never read as one string.
 */
export function parseTraceFile(file: string): TraceEvents {
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(file, 'r');
  try {
    const headBytes = fs.readSync(fd, head, 0, head.length, 0);
    // Plain JSON (not onnxruntime's layout) comes only from small hand-written traces: read it whole.
    if (!LINE_LAYOUT.test(head.toString('utf8', 0, headBytes))) {
      const c = new TraceCollector();
      parsePlainJson(fs.readFileSync(file, 'utf8'), c);
      return c.result();
    }
    const c = new TraceCollector();
    const chunk = Buffer.allocUnsafe(2 ** 20);
    let carry = Buffer.alloc(0);
    for (let pos = 0; ;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
      if (n === 0) break;
      pos += n;
      // Lines are cut at LF bytes, so a multi-byte UTF-8 name split across chunks is decoded whole.
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
        c.addLine(data.toString('utf8', start, nl));
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length) c.addLine(carry.toString('utf8'));
    return c.result();
  } finally {
    fs.closeSync(fd);
  }
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
  return measuredRunsOf(parseTraceEvents(text), warmup);
}

/** measuredRuns for a trace file, streamed (see parseTraceFile). */
export function measuredRunsFromFile(file: string, warmup: number): TraceRun[] {
  return measuredRunsOf(parseTraceFile(file), warmup);
}

function measuredRunsOf({ kernels, runs }: TraceEvents, warmup: number): TraceRun[] {
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
