import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { MAX_TENSOR_ELEMENTS, numel } from '../../src/engine/graph/dims';
import { inferShapes } from '../../src/engine/graph/shapeInference';
import { writeModel } from '../../src/engine/onnx/writeModel';
import type { InspectReport } from '../../src/engine/report/inspectReport';
import { simplify } from '../../src/engine/transform/simplify';
import { terminalSafe, terminalSafeLines } from '../../src/engine/report/terminalText';
import { markdownText, nodeTooltipMarkdown } from '../../src/extension/views/markdownText';
import { captureIO } from '../support/capture';
import {
  CONTROL_NAME,
  controlCharNamesModel,
  foldingBombModel,
  hugeReshapeSliceModel,
  sliceStepZeroModel,
} from '../support/hostileModels';
import { makeTempDir, removeDir } from '../support/tmp';

// Every C0 control but LF (the text's own line breaks), DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('hostile models cannot hurt', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => removeDir(dir));

  it('Slice with steps = 0: shape inference returns, the dim is unknown', () => {
    const shapes = inferShapes(sliceStepZeroModel());
    assert.deepEqual(shapes.main.types.get('sliced')?.shape, [null]);
    assert.equal(shapes.main.values.get('sliced'), undefined);
  });

  it('Slice with steps = 0: inspect gives a clean result', async () => {
    const file = path.join(dir, 'step0.onnx');
    writeModel(sliceStepZeroModel(), file);
    const io = captureIO();
    assert.equal(await main(['inspect', file, '--json'], io), 0, io.stderr.join('\n'));
    const r = JSON.parse(io.stdout.join('')) as InspectReport;
    assert.equal(r.opCounts.Slice, 1);
    assert.equal(r.outputs[0]!.name, 'y');
  });

  it('Reshape to 1e12 then Slice: returns, no values walked, the tensor is reported too large', async () => {
    const shapes = inferShapes(hugeReshapeSliceModel());
    assert.deepEqual(shapes.main.types.get('big')?.shape, [1e12]);
    assert.deepEqual(shapes.main.types.get('y')?.shape, [1e12]);
    assert.equal(shapes.main.values.get('y'), undefined); // 3 tracked values cannot fill 1e12 positions
    assert.equal(numel([1e12]), null);
    assert.equal(numel([MAX_TENSOR_ELEMENTS]), MAX_TENSOR_ELEMENTS);
    const file = path.join(dir, 'huge.onnx');
    writeModel(hugeReshapeSliceModel(), file);
    const io = captureIO();
    assert.equal(await main(['inspect', file, '--json'], io), 0, io.stderr.join('\n'));
    const r = JSON.parse(io.stdout.join('')) as InspectReport;
    const tooLarge = r.problems.filter((p) => p.includes('too large'));
    assert.deepEqual(tooLarge.map((p) => p.split("'")[1]).sort(), ['big', 'y']);
    assert.ok(Number.isFinite(r.totals.flops) && Number.isFinite(r.peakMemory.activationBytes));
    assert.ok(r.peakMemory.unknownSizes >= 2, 'the too-large tensors count as unknown sizes');
  });

  it('control characters in names never reach the terminal from inspect', async () => {
    const file = path.join(dir, 'ctrl.onnx');
    writeModel(controlCharNamesModel(), file);
    const io = captureIO();
    assert.equal(await main(['inspect', file], io), 0, io.stderr.join('\n'));
    const text = io.stdout.join('\n');
    assert.doesNotMatch(text, CONTROL);
    assert.ok(!text.split('\n').some((l) => l.startsWith('FAKE LINE')), 'no fake line injected');
    assert.match(text, /producerevil\\x1b\[2J\\x1b\]52;c;cm0gLXJmIH4=\\x07\\x0dFAKE LINE\\x0a\\x9b31m/);
    assert.match(text, /inevil\\x1b/); // the input name is shown, escaped
  });

  it('control characters in error lines are made visible', async () => {
    const io = captureIO();
    const code = await main(['inspect', path.join(dir, `missing${CONTROL_NAME}.onnx`)], io);
    assert.notEqual(code, 0);
    const text = io.stderr.join('\n');
    assert.match(text, /missingevil/);
    assert.doesNotMatch(text, CONTROL);
  });

  it('terminalSafe escapes C0, C1, DEL and bidi overrides, keeps printable text', () => {
    assert.equal(terminalSafe('a\u001bb\u007fc\u0085d\u202ee é'), 'a\\x1bb\\x7fc\\x85d\\u202ee é');
    assert.equal(terminalSafeLines('one\ntwo\u001b[0m\tx'), 'one\ntwo\\x1b[0m\tx');
  });

  it('Markdown names in tooltips are escaped: no code-span break-out, image beacon or link', () => {
    const name =
      'x` ![b](https://evil.example/beacon.png) [click](command:workbench.action.terminal.new) <img src=x> `';
    const md = nodeTooltipMarkdown('MatMul', name, ['p50 1.00 ms']);
    // Every Markdown-significant character from the name is preceded by a backslash or became an entity.
    const escapedName = md.split('\n')[0]!.slice('**MatMul** '.length);
    assert.doesNotMatch(escapedName.replace(/\\[!-/:-@[-`{-~]/g, ''), /[`![\]()<>]/);
    assert.ok(!md.includes('](http') && !/(^|[^\\])</.test(md), md);
    assert.equal(markdownText('a_b*c'), 'a\\_b\\*c');
    assert.equal(markdownText('evil\u001b[2J'), 'evil\\\\x1b\\[2J');
  });
});

describe('constant folding refuses bombs', () => {
  it('a ConstantOfShape of unknown (4 GB) size behind Abs is not evaluated', async () => {
    const r = await simplify(foldingBombModel());
    const ops = (r.model.graph?.node ?? []).map((n) => n.op_type);
    assert.ok(ops.includes('ConstantOfShape'), ops.join(','));
    const skipped = r.changes.filter((c) => c.kind === 'skipped' && /output size is unknown/.test(c.detail));
    assert.equal(skipped.length, 1);
    // The shape computation before it still folds (Abs of a constant is small and known).
    assert.ok(!ops.includes('Abs') || ops.filter((o) => o === 'Abs').length === 1);
  });
});
