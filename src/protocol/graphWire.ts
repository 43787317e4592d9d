/**
 * How the compact graph travels in Init: its JSON as UTF-8 bytes in one Uint8Array, not as a tree of objects.
 * VS Code's webview.postMessage and the page's message event copy a typed array as one block of bytes, where
 * an object tree is serialised and rebuilt object by object on every hop (a 10k-node chain: ~75 ms of the
 * page's time to first frame in structured clone alone). On the page one JSON.parse builds the tree: native
 * code, fast from the first call. A denser binary layout (strings once, Int32 structure; 0.5–0.6 of the JSON
 * size) was tried and measured slower there: its decoder is JavaScript that runs cold on every page load
 * (55–62 ms for that chain against JSON.parse's 20–28 ms), which outweighed the smaller copy.
 * No runtime dependencies, so both sides import it.
 */
import type { CompactGraph } from './webviewProtocol';

export function encodeGraph(graph: CompactGraph): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(graph));
}

/**
 * The graph from Init's bytes. A host that delivered the buffer as a plain ArrayBuffer, or as an array-like of
 * bytes (a transport that JSON-encodes typed arrays), is read the same way.
 */
export function decodeGraph(bytes: Uint8Array | ArrayBuffer | ArrayLike<number>): CompactGraph {
  const view =
    bytes instanceof Uint8Array
      ? bytes
      : bytes instanceof ArrayBuffer
        ? new Uint8Array(bytes)
        : Uint8Array.from(bytes as ArrayLike<number>);
  return JSON.parse(new TextDecoder().decode(view)) as CompactGraph;
}
