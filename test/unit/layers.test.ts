/**
 * The layers of DESIGN.md are enforced by lint: for each forbidden direction, ESLint (the project's own
 * eslint.config.mjs, through its Node API) rejects an import placed in the importing layer, with the layer
 * rule's message; the allowed directions lint clean, so the rule is not simply rejecting everything.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
let eslint: ESLint;

/** Lints `code` as if it were the file at `file` (relative to the repository root); nothing is written. */
async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const FORBIDDEN: readonly { from: string; file: string; spec: string; message: RegExp }[] = [
  {
    from: 'engine → extension',
    file: 'src/engine/graph/probe.ts',
    spec: '../../extension/settings',
    message: /src\/engine must not import src\/extension/,
  },
  {
    from: 'engine → cli',
    file: 'src/engine/probe.ts',
    spec: '../cli/args',
    message: /src\/engine must not import src\/cli/,
  },
  {
    from: 'engine → webview',
    file: 'src/engine/report/html/probe.ts',
    spec: '../../../../webview/view/heatMap',
    message: /src\/engine must not import webview/,
  },
  {
    from: 'webview → engine',
    file: 'webview/view/probe.ts',
    spec: '../../src/engine/graph/costModel',
    message: /webview must not import src\/engine/,
  },
  {
    from: 'cli → extension',
    file: 'src/cli/commands/probe.ts',
    spec: '../../extension/settings',
    message: /src\/cli must not import src\/extension/,
  },
  {
    from: 'protocol → engine',
    file: 'src/protocol/probe.ts',
    spec: '../engine/report/profileReport',
    message: /src\/protocol must not import src\/engine/,
  },
];

describe('layers enforced by lint (eslint.config.mjs)', function () {
  this.timeout(120_000);
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  for (const f of FORBIDDEN) {
    it(`rejects ${f.from}`, async () => {
      for (const code of [
        `import { x } from '${f.spec}';\nexport const y = x;\n`,
        `import type { X } from '${f.spec}';\nexport type Y = X;\n`,
        `export { x } from '${f.spec}';\n`,
      ]) {
        const errors = await importErrors(f.file, code);
        assert.equal(errors.length, 1, `${code}: ${JSON.stringify(errors)}`);
        assert.match(errors[0]!, f.message);
      }
    });
  }

  it('rejects vscode outside src/extension', async () => {
    for (const file of ['src/engine/probe.ts', 'src/cli/probe.ts', 'src/protocol/probe.ts', 'webview/probe.ts'])
      assert.match(
        (await importErrors(file, "import * as vscode from 'vscode';\nexport { vscode };\n"))[0] ?? '',
        /vscode/,
      );
  });

  it('accepts the allowed directions', async () => {
    const allowed: [string, string][] = [
      [
        'src/extension/views/probe.ts',
        "import * as vscode from 'vscode';\nimport { x } from '../../engine/a';\nexport { vscode, x };\n",
      ],
      ['src/cli/commands/probe.ts', "import { x } from '../../engine/a';\nexport { x };\n"],
      ['src/engine/graph/probe.ts', "import type { X } from '../../protocol/webviewProtocol';\nexport type Y = X;\n"],
      ['webview/view/probe.ts', "import type { X } from '../../src/protocol/webviewProtocol';\nexport type Y = X;\n"],
      ['src/protocol/probe.ts', "import { x } from './escapeHtml';\nexport { x };\n"],
    ];
    for (const [file, code] of allowed) assert.deepEqual(await importErrors(file, code), [], file);
  });
});
