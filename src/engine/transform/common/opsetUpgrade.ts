/**
 * Raising a model from opset 9 to 10, the smallest step that makes ONNX's QuantizeLinear (and the
 * QLinearConv/QLinearMatMul ORT fuses QDQ into) available. Between 9 and 10 only a few default-domain ops
 * changed their signature (ONNX Changelog, opset 10): Slice and TopK take as inputs what were attributes,
 * Upsample is deprecated (no automatic rewrite here: the model is refused with a hint). Everything else
 * keeps its meaning, so the upgrade rewrites those nodes and relabels the import.
 */
import { attrInt, attrInts } from '../../graph/attributes';
import type { ModelProto, NodeProto } from '../../onnx/types';
import { forEachGraph } from '../../onnx/walk';
import type { TransformChange } from './changes';
import { GraphEditor } from './graphEdit';
import { opsetVersion, withOpset } from './opset';
import { int64Tensor } from './weights';

export interface OpsetUpgrade {
  readonly model?: ModelProto;
  readonly changes: TransformChange[];
  /** Why the model could not be upgraded (when `model` is undefined). */
  readonly refused?: string;
}

const REFUSED = new Set(['Upsample']);

export function upgradeOpset9To10(model: ModelProto): OpsetUpgrade {
  const v = opsetVersion(model) ?? 1;
  if (v >= 10) return { model, changes: [] };
  if (v < 9) return { changes: [], refused: `opset ${v} is older than 9; convert with onnx.version_converter first` };
  let refused: string | undefined;
  let nested = false;
  forEachGraph(model.graph ?? {}, (g, depth) => {
    for (const n of g.node ?? []) {
      if ((n.domain ?? '') !== '') continue;
      if (REFUSED.has(n.op_type ?? '')) refused ??= `${n.op_type} '${n.name ?? ''}' changed in opset 10`;
      if (depth > 0 && (n.op_type === 'Slice' || n.op_type === 'TopK')) nested = true;
    }
  });
  if (nested) refused ??= 'Slice/TopK inside subgraphs';
  if (refused) return { changes: [], refused: `${refused}; convert with onnx.version_converter first` };
  const ed = new GraphEditor(model.graph ?? {});
  const changes: TransformChange[] = [];
  (model.graph?.node ?? []).forEach((n, i) => {
    if ((n.domain ?? '') !== '') return;
    const name = n.name || `${n.op_type}_${i}`;
    const keep = (drop: string[]): NodeProto['attribute'] =>
      (n.attribute ?? []).filter((a) => !drop.includes(a.name ?? ''));
    if (n.op_type === 'Slice') {
      const starts = attrInts(n, 'starts') ?? [];
      const ends = attrInts(n, 'ends') ?? [];
      const axes = attrInts(n, 'axes');
      const inputs = [
        n.input![0]!,
        ed.addInitializer(int64Tensor(ed.fresh(`${name}_starts`), [starts.length], starts)),
        ed.addInitializer(int64Tensor(ed.fresh(`${name}_ends`), [ends.length], ends)),
      ];
      if (axes) inputs.push(ed.addInitializer(int64Tensor(ed.fresh(`${name}_axes`), [axes.length], axes)));
      ed.replace(i, [{ ...n, input: inputs, attribute: keep(['starts', 'ends', 'axes']) }]);
      changes.push({ kind: 'replaced', node: name, detail: 'Slice-1 attributes → Slice-10 inputs (opset upgrade)' });
    } else if (n.op_type === 'TopK') {
      const k = ed.addInitializer(int64Tensor(ed.fresh(`${name}_k`), [1], [attrInt(n, 'k', 1)]));
      ed.replace(i, [{ ...n, input: [n.input![0]!, k], attribute: keep(['k']) }]);
      changes.push({ kind: 'replaced', node: name, detail: 'TopK-1 attribute k → TopK-10 input (opset upgrade)' });
    }
  });
  changes.push({ kind: 'note', detail: 'default-domain opset raised from 9 to 10 for QuantizeLinear' });
  return { model: { ...model, opset_import: withOpset(model, '', 10), graph: ed.build() }, changes };
}
