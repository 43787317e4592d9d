/**
 * Name scopes with very many sibling groups (a 334-layer encoder: `encoder/layer.0` … `encoder/layer.333`)
 * get a level of range groups in between (`layer.0 … layer.20`, …), at most BUCKETS of them, so opening any
 * group shows a handful of units rather than hundreds of boxes too small to read. Only the grouping path
 * (`scope`) changes: node names, search and reveal still use the real names.
 */

/** More sibling groups than this under one scope are bucketed. */
export const MAX_SIBLING_GROUPS = 32;
/** How many range groups replace them. */
export const BUCKETS = 16;

const collator = new Intl.Collator('en', { numeric: true });

/** The scopes with a range level inserted where a scope holds too many sibling groups (same array order). */
export function bucketWideScopes(scopes: readonly (readonly string[])[]): string[][] {
  // Per parent path: the distinct child groups (every part of a scope is a group: the leaf is dropped).
  // Parent paths are built part by part (a join per depth was quadratic in the depth, per node).
  const children = new Map<string, Set<string>>();
  for (const s of scopes) {
    let parent = '';
    for (let d = 0; d < s.length; d++) {
      let set = children.get(parent);
      if (!set) children.set(parent, (set = new Set()));
      set.add(s[d]!);
      parent = d === 0 ? s[0]! : `${parent}/${s[d]}`;
    }
  }
  const bucketOf = new Map<string, string>(); // `${parent}\u0000${child}` → bucket label
  for (const [parent, set] of children) {
    if (set.size <= MAX_SIBLING_GROUPS) continue;
    const sorted = [...set].sort(collator.compare);
    const size = Math.ceil(sorted.length / BUCKETS);
    for (let i = 0; i < sorted.length; i += size) {
      const part = sorted.slice(i, i + size);
      const label = part.length > 1 ? `${part[0]} … ${part[part.length - 1]}` : part[0]!;
      for (const c of part) bucketOf.set(`${parent}\u0000${c}`, label);
    }
  }
  if (!bucketOf.size) return scopes.map((s) => [...s]);
  return scopes.map((s) => {
    const out: string[] = [];
    let parent = '';
    for (let d = 0; d < s.length; d++) {
      const bucket = bucketOf.get(`${parent}\u0000${s[d]}`);
      if (bucket) out.push(bucket);
      out.push(s[d]!);
      parent = d === 0 ? s[0]! : `${parent}/${s[d]}`;
    }
    return out;
  });
}
