/**
 * Issue 14: static int8 with int8 activations (S8S8) against uint8 activations (U8S8, our default on x86),
 * both with int8 symmetric per-channel weights, Q/DQ on outputs and 32 calibration samples, on the ResNet-style
 * and MobileNet-style CNNs. Each model is compared with fp32, and S8S8 with U8S8 directly, in alternating A/B
 * runs (spinning off, 2 threads). Whether VNNI makes S8S8 faster is this CPU's answer, printed, not assumed.
 */
import type { ModelProto } from '../src/engine/onnx/types';
import { quantizeModel } from '../src/engine/transform/quantize/quantize';
import { simplify } from '../src/engine/transform/simplify/simplify';
import { compare } from '../src/engine/verify/compare';
import { mobilenetModel } from '../test/support/mobilenetModel';
import { resnetModel } from '../test/support/resnetModel';

const runtime = { intraOpThreads: 2 };

async function staticInt8(model: ModelProto, activationType: 'int8' | 'uint8'): Promise<ModelProto> {
  const r = await quantizeModel(model, {
    mode: 'static',
    perChannel: true,
    quantizeOutputs: true,
    calibrationSamples: 32,
    activationType,
  });
  return r.model;
}

async function pair(label: string, model: ModelProto): Promise<void> {
  const float = (await simplify(model)).model;
  const u8 = await staticInt8(float, 'uint8');
  const s8 = await staticInt8(float, 'int8');
  const opts = { runtime, latencyRuns: 30, warmupRuns: 3, inputSets: 2 };
  const line = async (name: string, a: ModelProto, b: ModelProto): Promise<void> => {
    const r = await compare(a, b, opts);
    const ratio = r.latency ? r.latency.bMedianMs / r.latency.aMedianMs : NaN;
    const cos = Math.min(...r.outputs.map((o) => o.cosine));
    console.log(`  ${name.padEnd(22)} latency ×${ratio.toFixed(3)} (below 1 = faster)  min cosine ${cos.toFixed(5)}`);
  };
  console.log(`\n${label}`);
  await line('U8S8 vs fp32', float, u8);
  await line('S8S8 vs fp32', float, s8);
  await line('S8S8 vs U8S8', u8, s8);
}

export async function bench(): Promise<void> {
  await pair('ResNet-style 64×64, widths 32/64/128', resnetModel({ size: 64, widths: [32, 64, 128], blocks: 2 }).model);
  await pair('MobileNet-style 96×96', mobilenetModel({ size: 96 }).model);
}
