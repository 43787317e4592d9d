/**
 * Version of the JSON report contract (`--json` output, the tree view, the graph overlay, HTML reports).
 * Bump on any breaking change to a report's shape; additive fields keep the version.
 */
export const REPORT_SCHEMA_VERSION = 1;
