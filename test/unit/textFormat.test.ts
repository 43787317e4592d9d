/** Text output formatting: units with spaces, names shortened in the middle to the terminal's width. */
import * as assert from 'node:assert/strict';
import { formatQuantity, middleEllipsis, table } from '../../src/engine/report/format';

describe('text formatting', () => {
  it('writes counts with their unit, spaced as SI does', () => {
    assert.equal(formatQuantity(7, 'FLOPs'), '7 FLOPs');
    assert.equal(formatQuantity(0, 'MACs'), '0 MACs');
    assert.equal(formatQuantity(34_947_456, 'FLOPs'), '34.9 MFLOPs');
    assert.equal(formatQuantity(1_230_000_000, 'MACs'), '1.23 GMACs');
    assert.equal(formatQuantity(null, 'FLOPs'), '? FLOPs');
  });

  it('cuts names in the middle, keeping both ends', () => {
    assert.equal(middleEllipsis('short', 10), 'short');
    const name = 'backbone/stage3/block7/attention/output/dense/MatMul';
    const cut = middleEllipsis(name, 21);
    assert.equal(cut.length, 21);
    assert.equal(cut, 'backbone/s…nse/MatMul');
  });

  it('fits a table to a width by shortening only the first column', () => {
    const long = `model/${'x'.repeat(180)}/Conv`;
    const text = table(['node', 'op', 'p50 ms'], [[long, 'Conv', '1.25']], 60);
    for (const line of text.split('\n')) assert.ok(line.length <= 60, `${line.length}: ${line}`);
    assert.match(text, /model\/x+…x+\/Conv\s+Conv\s+1\.25/);
    assert.match(table(['node', 'op'], [[long, 'Conv']]), new RegExp(long), 'no width: nothing cut');
  });
});
