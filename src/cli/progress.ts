/**
 * How the CLI shows a command's progress on stderr. On a terminal: one line rewritten in place ("onnx-tuner
 * profile · measuring 12/25 (48%) · 6 s"), cleared before any other output so it never mixes with results.
 * Anywhere else (a pipe, a CI log): a plain line per step, not per update, so logs stay short. Nothing shows
 * until the command has run a second (counted from its first report, so a slow process start does not count),
 * so quick commands print nothing extra. `ONNX_TUNER_PROGRESS=off|plain|line` overrides the choice.
 */
import type { ProgressInfo } from '../engine/runtime/protocol';
import { middleEllipsis } from '../engine/report/format';
import { terminalSafe } from '../engine/report/terminalText';

export type ProgressMode = 'line' | 'plain' | 'off';

/** The mode for a stderr that is (or is not) a terminal, unless the environment variable names one. */
export function progressMode(env: string | undefined, isTerminal: boolean): ProgressMode {
  if (env === 'off' || env === 'plain' || env === 'line') return env;
  return isTerminal ? 'line' : 'plain';
}

/** "measuring 12/25 (48%)"; a step without a count is just its name. */
export function progressText(p: ProgressInfo): string {
  const step = terminalSafe(p.phase);
  if (!(p.total > 0)) return step;
  const done = Math.min(p.done, p.total);
  return `${step} ${done}/${p.total} (${Math.floor((100 * done) / p.total)}%)`;
}

/** Where the progress goes: what the CLI host's terminal offers. */
export interface ProgressSink {
  /** Writes a whole line (with its newline). */
  line(text: string): void;
  /** Writes raw text with no newline (to redraw the in-place line). */
  raw(text: string): void;
  readonly columns?: number;
}

const CLEAR_LINE = '\r\x1b[2K';

/** Shows one command's progress; `clear()` before other output, `end()` when the command is done. */
export class ProgressView {
  private latest: ProgressInfo | undefined;
  private lastPlainStep: string | undefined;
  private shown = false;
  private open = false;
  private gate: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private started = 0;

  constructor(
    private readonly mode: ProgressMode,
    private readonly label: string,
    private readonly sink: ProgressSink,
    private readonly showAfterMs = 1000,
  ) {}

  update(p: ProgressInfo): void {
    this.latest = p;
    if (this.mode === 'off') return;
    if (!this.open) {
      if (this.gate) return;
      this.started = Date.now();
      const show = (): void => {
        this.open = true;
        if (this.latest) this.update(this.latest);
      };
      if (this.showAfterMs <= 0) show();
      else this.gate = setTimeout(show, this.showAfterMs).unref();
      return;
    }
    if (this.mode === 'plain') {
      // A line per step: counts within a step would fill a log with near-identical lines.
      if (p.phase === this.lastPlainStep) return;
      this.lastPlainStep = p.phase;
      this.sink.line(`${this.label}: ${terminalSafe(p.phase)}…`);
    } else if (this.mode === 'line') {
      this.draw();
      // The elapsed seconds keep moving during a long step with no updates of its own (a big constant fold).
      this.ticker ??= setInterval(() => this.draw(), 1000).unref();
    }
  }

  /** Removes the in-place line so the next output starts on a clean line (it comes back on the next update). */
  clear(): void {
    if (this.shown) this.sink.raw(CLEAR_LINE);
    this.shown = false;
  }

  end(): void {
    clearTimeout(this.gate);
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.open = false;
    this.clear();
  }

  private draw(): void {
    if (!this.latest) return;
    const seconds = Math.floor((Date.now() - this.started) / 1000);
    const text = `${this.label} · ${progressText(this.latest)} · ${seconds} s`;
    const width = Math.max(20, (this.sink.columns ?? 80) - 1); // never wrap: a wrapped line cannot be redrawn
    this.sink.raw(`${CLEAR_LINE}${middleEllipsis(text, width)}`);
    this.shown = true;
  }
}
