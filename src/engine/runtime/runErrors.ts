/**
 * onnxruntime's run-time failures in words a user can act on: which node and op failed, the input shapes we
 * fed, and the flag that fixes it. ORT's own message is kept at the end for reference. Pure: no ORT import.
 */

export class ModelRunError extends Error {
  override readonly name = 'ModelRunError';
  constructor(
    message: string,
    /** The failing node and op, when onnxruntime named them. */
    readonly node?: { readonly name: string; readonly op: string },
  ) {
    super(message);
  }
}

/** What was fed, per input: its dims, and whether the values were synthesised (so a flag can change them). */
export type FedInputs = Readonly<Record<string, { readonly dims: readonly number[] }>>;

// "Non-zero status code returned while running Pad node. Name:'p2o.Pad.0' Status Message: ..."
const NODE_PATTERN = /running (\w+) node\. Name:'([^']*)'/;

const shapeText = (dims: readonly number[]): string => (dims.length ? dims.join('x') : 'scalar');

/** Rewords an error thrown by `session.run()`; anything that is not an ORT node failure passes through. */
export function explainRunError(e: unknown, fed: FedInputs, modelFile?: string): Error {
  const message = (e as Error)?.message ?? String(e);
  const m = NODE_PATTERN.exec(message);
  const inputs = Object.entries(fed);
  const fedText = inputs.map(([name, t]) => `${name}[${shapeText(t.dims)}]`).join(', ');
  const where = modelFile ? `${modelFile}: ` : '';
  const example = inputs.find(([, t]) => t.dims.length >= 2);
  let fix: string;
  if (/indices element out of data bounds|index out of|out of range/i.test(message))
    fix = `an index input holds values outside its table: pass the valid range, e.g. --value ${inputs[0]?.[0] ?? 'ids'}=0..N-1, or real data with --inputs`;
  else if (/requires|must be|mismatch|incompatible|broadcast|invalid|shape/i.test(message))
    fix = `the input shapes do not suit this model: pass the deployment shape, e.g. --shape ${
      example
        ? `${example[0]}=${example[1].dims.map((d, i) => (i >= 2 && d < 32 ? 320 : d)).join('x')}`
        : 'name=1x3x320x320'
    } or --dims name=N, or real data with --inputs`;
  else fix = 'pass the deployment shapes (--shape/--dims) or real data with --inputs';
  if (!m)
    return e instanceof Error && !fedText
      ? e
      : new ModelRunError(`${where}onnxruntime failed with inputs ${fedText}: ${fix}. (${message.trim()})`);
  const [, op, node] = m;
  return new ModelRunError(
    `${where}node '${node}' (${op}) failed with inputs ${fedText}: ${fix}. onnxruntime said: ${message
      .slice(message.indexOf('Status Message:') >= 0 ? message.indexOf('Status Message:') + 15 : 0)
      .trim()}`,
    { name: node!, op: op! },
  );
}
