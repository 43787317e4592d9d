/**
 * One way to do each thing: each of these is defined once in src/ and webview/, so a second copy (which is how
 * the earlier ones drifted apart) fails here. The CSP shells are checked in htmlShells.test.ts, the settings
 * reader in sharedDefaults.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

const FILES = [...sources('src'), ...sources('webview')].map((f) => ({
  file: f,
  text: fs.readFileSync(path.join(ROOT, f), 'utf8'),
}));

function definedIn(pattern: RegExp): string[] {
  return FILES.filter((f) => pattern.test(f.text)).map((f) => f.file);
}

describe('one definition each', () => {
  const cases: [string, RegExp, string][] = [
    ['assertNever', /function assertNever\b/, path.join('src', 'protocol', 'assertNever.ts')],
    ['the cancellation error', /class \w*Cancel\w* extends Error/, path.join('src', 'engine', 'cancel.ts')],
    ['escapeHtml', /function escapeHtml\b/, path.join('src', 'protocol', 'escapeHtml.ts')],
    [
      'the job channel messages',
      /type \w*Message\w*(<[^>]*>)? =\s*\|\s*\{ readonly type: 'ready'/,
      path.join('src', 'protocol', 'jobChannel.ts'),
    ],
    [
      'the optimize-steps builder',
      /function optimizeSteps\b/,
      path.join('src', 'engine', 'optimize', 'optimizeSteps.ts'),
    ],
    ['output naming', /function optimizedFileName\b/, path.join('src', 'engine', 'transform', 'outputName.ts')],
  ];
  for (const [what, pattern, where] of cases)
    it(`${what}: only in ${where}`, () => assert.deepEqual(definedIn(pattern), [where]));

  it('every text/HTML renderer lives in src/engine/report', () => {
    const outside = definedIn(/export function render\w*\(/).filter(
      (f) => !f.startsWith(path.join('src', 'engine', 'report') + path.sep),
    );
    assert.deepEqual(outside, []);
    assert.ok(definedIn(/export function render\w*\(/).length >= 8, 'the renderers are found at all');
  });

  it('the scan finds a second copy (it is not vacuous)', () => {
    FILES.push({ file: 'fake.ts', text: 'export function assertNever(x: never): never { throw x; }' });
    try {
      assert.equal(definedIn(/function assertNever\b/).length, 2);
    } finally {
      FILES.pop();
    }
  });
});
