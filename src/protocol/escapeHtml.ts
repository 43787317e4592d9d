/**
 * The one HTML escaper (text and attribute values in generated HTML/SVG): every model- or system-derived string
 * that reaches markup goes through here — webview shells, panels and the standalone reports alike. It lives in
 * src/protocol because every layer may import protocol and protocol imports nothing.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
