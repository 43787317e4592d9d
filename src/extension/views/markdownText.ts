/**
 * Model-provided strings (node names, op types) inside Markdown tooltips. A raw name is Markdown source: a
 * backtick closes the code span it sits in, and `![x](https://host/beacon)` then loads a remote image on hover
 * (a beacon) or `[text](command:…)` shows a fake link. Every Markdown-significant character is
 * backslash-escaped (HTML's < and & included), and control characters and line breaks are made
 * visible, so the name renders as the literal text it is.
 */
import { terminalSafe } from '../../engine/report/terminalText';

// CommonMark's ASCII punctuation: a backslash before any of these makes it literal.
const MARKDOWN_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** `s` as literal Markdown text (no code span, link, image, emphasis or HTML can start from it). */
export function markdownText(s: string): string {
  // `\<` and `\&` are literal too: no raw HTML or entity can start from the name.
  return terminalSafe(s).replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
}

/** The Layer Costs tooltip of one node, as Markdown source with every model-provided string escaped. */
export function nodeTooltipMarkdown(op: string, name: string, rest: readonly string[]): string {
  return [`**${markdownText(op)}** ${markdownText(name)}`, '', ...rest.map((line) => `${line}  `)].join('\n');
}
