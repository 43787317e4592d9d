/**
 * Typed errors for everything that reads or checks a model. Each names the file and, where known, the
 * node or tensor, and says what to do next, so the CLI can print one line and the extension one message.
 */
export type ModelErrorCode =
  | 'not-found'
  | 'empty'
  | 'not-onnx'
  | 'truncated'
  | 'corrupt'
  | 'unsupported-ir'
  | 'invalid-graph'
  | 'external-data'
  | 'unsafe-path'
  | 'too-large'
  | 'write-failed';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    readonly file: string,
    readonly detail: string,
    readonly hint?: string,
  ) {
    super(`${file}: ${detail}${hint ? ` (${hint})` : ''}`);
  }
}

/** Thrown by the wire decoder; converted to a ModelError with the file name by the reader. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    message: string,
    readonly offset: number,
    readonly truncated: boolean,
    /** 'nesting' when the data is well-formed but nests deeper than the reader allows. */
    readonly reason?: 'nesting',
  ) {
    super(message);
  }
}
