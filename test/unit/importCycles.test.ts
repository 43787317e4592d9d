/**
 * No import cycles in src/ or webview/ (type-only imports included: a cycle of types still ties two modules
 * together). Found by a depth-first search over the relative imports of every .ts file; the cycle it reports is
 * the path to fix. The sweep ↔ recommend and cli/commands/* ↔ commands/index loops were the last two.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? tsFiles(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

/** The files a module imports or re-exports through a relative specifier. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/gms)].map((m) => m[1]!);
  return specs.flatMap((s) => {
    const base = path.resolve(path.dirname(file), s);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
    return hit ? [hit] : [];
  });
}

/** One cycle as a list of repository-relative paths, or undefined. */
export function findCycle(files: readonly string[]): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const g of importsOf(f)) {
      const c = visit(g);
      if (c) return c;
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of files) {
    const c = visit(f);
    if (c) return c.map((x) => path.relative(ROOT, x));
  }
  return undefined;
}

describe('import graph', () => {
  it('has no cycles in src/ and webview/', () => {
    const cycle = findCycle([...tsFiles(path.join(ROOT, 'src')), ...tsFiles(path.join(ROOT, 'webview'))]);
    assert.equal(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
  });

  it('finds a cycle when there is one (the search is not vacuous)', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.test-tmp-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c';\nexport type B = typeof c;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), "export { a } from './a';\nexport const c = 1;\n");
      const cycle = findCycle([path.join(dir, 'a.ts')]);
      assert.deepEqual(
        cycle?.map((f) => path.basename(f)),
        ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
