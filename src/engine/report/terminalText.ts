/**
 * Terminal hygiene for strings a model provides (node, tensor, producer and graph names, op types, error
 * lines quoting them). A name can carry ESC sequences (clear screen, cursor moves, OSC 52 clipboard writes),
 * bare CR/LF (fake output lines) or C1 controls (8-bit CSI); printed raw, the terminal obeys them. Every such
 * character is shown as a visible escape instead, so the name stays recognisable and the terminal inert.
 */

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides that can
// reorder or split what the reader sees.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A single-line, control-free rendering of a model-provided string. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/**
 * Like terminalSafe but keeps line feeds and tabs: for whole messages (error lines) whose line structure is
 * ours; any ESC, CR or other control inside them is still made visible.
 */
export function terminalSafeLines(s: string): string {
  return s
    .split('\n')
    .map((line) => line.split('\t').map(terminalSafe).join('\t'))
    .join('\n');
}
