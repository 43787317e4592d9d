/**
 * The one shell of the standalone HTML reports (profile, sweep, comparison, the extension's exported layer
 * table): a self-contained page that runs no script and loads nothing — its policy allows only the inline
 * styles and data: images it carries — so a report opened from disk or mailed on is inert.
 */
import { escapeHtml } from '../../../protocol/escapeHtml';

export interface ReportPageOptions {
  readonly title: string;
  /** Report-authored CSS. */
  readonly style: string;
  /** Markup whose model-derived strings the caller escaped. */
  readonly body: string;
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function reportPageHtml(o: ReportPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>${escapeHtml(o.title)}</title>
<style>${o.style}</style>
</head><body>
${o.body}
</body></html>
`;
}
