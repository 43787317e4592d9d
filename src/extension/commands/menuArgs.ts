/**
 * What a menu passes to a node command (no VS Code API here, so it is unit-tested): the graph's context menu
 * gives its `data-vscode-context` (`{ webviewSection: 'node', nodeName }`, webview/main.ts) for the focused
 * editor's model; a Layer Costs row gives its tree element (`{ kind: 'node', node: LayerCost }`).
 */
export function menuNodeName(arg: unknown): string | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as { nodeName?: unknown; kind?: unknown; node?: { name?: unknown } };
  if (typeof o.nodeName === 'string') return o.nodeName;
  return o.kind === 'node' && typeof o.node?.name === 'string' ? o.node.name : undefined;
}
