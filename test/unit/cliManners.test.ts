/** CLI manners: a mistyped command or option gets one line with the closest known name, never the whole usage. */
import * as assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import { closestName, editDistance } from '../../src/cli/didYouMean';
import { captureIO } from '../support/capture';

describe('CLI: did you mean', function () {
  this.timeout(60_000);

  it('edit distance and the closest name', () => {
    assert.equal(editDistance('quantise', 'quantize'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(closestName('quantise', ['quantize', 'per-channel', 'simplify']), 'quantize');
    assert.equal(closestName('xyzzy', ['quantize', 'simplify']), undefined, 'nothing close: no guess');
  });

  it('a mistyped command: one line with the guess, exit 2', async () => {
    const io = captureIO();
    assert.equal(await main(['optimise', 'm.onnx'], io), 2);
    assert.deepEqual(io.stdout, []);
    assert.equal(io.stderr.join('').trim().split('\n').length, 1);
    assert.match(io.stderr[0]!, /unknown command 'optimise' — did you mean 'optimize'\?/);
  });

  it('a mistyped option: one line with the guess, exit 2', async () => {
    const io = captureIO();
    assert.equal(await main(['optimize', 'm.onnx', '--quantise', 'dynamic'], io), 2);
    const err = io.stderr.join('').trim();
    assert.equal(err.split('\n').length, 1, err);
    assert.match(err, /unknown option --quantise — did you mean --quantize\?/);
  });
});
