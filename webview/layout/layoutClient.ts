/**
 * Runs layouts in a Web Worker when one can be started, else on the UI thread. VS Code webviews cannot start a
 * worker from a vscode-resource URL directly (different origin), so the script is fetched and started from a
 * blob: URL; the host's CSP must allow `worker-src blob:`.
 */
import { layeredLayout, type LayoutInput, type LayoutResult } from './layeredLayout';

export class LayoutClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (r: LayoutResult) => void>();
  private readonly inputs = new Map<number, LayoutInput>();
  /** 'worker' once the worker answered; 'inline' when it could not start. */
  mode: 'worker' | 'inline' = 'inline';

  static async create(workerUrl: string | undefined): Promise<LayoutClient> {
    const client = new LayoutClient();
    if (workerUrl && typeof Worker !== 'undefined') {
      try {
        const source = await (await fetch(workerUrl)).blob();
        const worker = new Worker(URL.createObjectURL(source));
        worker.onmessage = (e: MessageEvent<{ id: number; result: LayoutResult }>) => {
          const done = client.pending.get(e.data.id);
          client.pending.delete(e.data.id);
          client.inputs.delete(e.data.id);
          done?.(e.data.result);
        };
        // A worker blocked by CSP or failing to load: finish pending layouts on the UI thread instead.
        worker.onerror = () => {
          client.worker = undefined;
          client.mode = 'inline';
          for (const [id, done] of client.pending) done(layeredLayout(client.inputs.get(id)!));
          client.pending.clear();
        };
        client.worker = worker;
        client.mode = 'worker';
      } catch {
        client.worker = undefined;
      }
    }
    return client;
  }

  layout(input: LayoutInput): Promise<LayoutResult> {
    if (!this.worker) return Promise.resolve(layeredLayout(input));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.inputs.set(id, input);
      this.worker!.postMessage({ id, input });
    });
  }
}
