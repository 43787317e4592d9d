/** Compile-time exhaustiveness for a `switch` over a union (webview messages, job messages): one for all. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
