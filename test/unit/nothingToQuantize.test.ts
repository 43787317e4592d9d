/** "No node to quantize" says why, per node: an fp16 model, weights computed at run time, no covered op. */
import * as assert from 'node:assert/strict';
import type { ModelProto } from '../../src/engine/onnx/types';
import type { TransformResult } from '../../src/engine/transform/common/changes';
import { quantizeDynamic } from '../../src/engine/transform/quantize/dynamic';
import { convertToFp16 } from '../../src/engine/transform/quantize/fp16';
import { quantizeStatic } from '../../src/engine/transform/quantize/staticQdq';
import { ifModel, mlp } from '../support/models';

function note(r: TransformResult): string {
  return r.changes.find((c) => c.kind === 'note' && /no node to quantize/.test(c.detail))?.detail ?? '';
}

describe('quantize: why nothing was quantized', () => {
  it('an fp16 model: every MatMul/Gemm is counted as having float16 weights', () => {
    const fp32: ModelProto = mlp();
    const fp16 = convertToFp16(fp32).model;
    const dense = (fp32.graph?.node ?? []).filter((n) => n.op_type === 'MatMul' || n.op_type === 'Gemm').length;
    assert.ok(dense >= 2, `${dense} dense nodes in the test model`);
    const dyn = quantizeDynamic(fp16);
    assert.equal(dyn.model, fp16, 'nothing changed');
    assert.match(
      note(dyn),
      new RegExp(
        `^no node to quantize \\(dynamic\\): of the ${dense} .* node\\(s\\), ${dense} have float16 weights \\(int8 starts from float32`,
      ),
    );
    const stat = quantizeStatic(fp16, new Map());
    assert.match(
      note(stat),
      new RegExp(`^no node to quantize \\(static\\): of the ${dense} .*${dense} have float16 weights`),
    );
  });

  it('a model without a covered op says so', () => {
    const r = quantizeDynamic(ifModel());
    assert.match(note(r), /^no node to quantize \(dynamic\): the model has no MatMul\/Gemm\/Conv\/Gather node$/);
  });

  it('a float32 model is quantized and carries no such note', () => {
    const r = quantizeDynamic(mlp());
    assert.equal(note(r), '');
    assert.ok(r.changes.some((c) => c.kind === 'replaced'));
  });
});
