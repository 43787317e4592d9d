/**
 * A name → value map that sees through to its enclosing scope, as ONNX subgraphs see outer-scope values.
 * Lookups walk the chain; writes stay local. This avoids copying the outer graph's maps into every nested
 * subgraph (Silero VAD nests ~50 of them).
 */
export interface Lookup<V> {
  get(name: string): V | undefined;
  has(name: string): boolean;
}

export class Scope<V> implements Lookup<V> {
  private readonly local = new Map<string, V>();
  constructor(private readonly parent?: Lookup<V>) {}

  get(name: string): V | undefined {
    return this.local.has(name) ? this.local.get(name) : this.parent?.get(name);
  }

  has(name: string): boolean {
    return this.local.has(name) || (this.parent?.has(name) ?? false);
  }

  set(name: string, value: V): void {
    this.local.set(name, value);
  }

  /** Entries defined in this scope only. */
  ownEntries(): IterableIterator<[string, V]> {
    return this.local.entries();
  }
}
