/** Web Worker entry (dist/webviewLayout.js): runs the layered layout off the UI thread. */
import { layeredLayout, type LayoutInput } from './layeredLayout';

interface WorkerScope {
  onmessage: ((e: MessageEvent<{ id: number; input: LayoutInput }>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { id, input } = e.data;
  const result = layeredLayout(input);
  scope.postMessage({ id, result }, [result.x.buffer, result.y.buffer, result.layer.buffer]);
};
