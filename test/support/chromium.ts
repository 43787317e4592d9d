/**
 * Debian's Chromium as the webview and e2e tests launch it: where it is, and the flags that keep it quiet on a
 * machine with no network (without them it keeps trying Google's hosts) and working as root in CI.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
