/**
 * Whether a graph input's name says it is recurrent state (LSTM h/c, Silero's `state`, `*_states`), which
 * synthetic inputs start at zero and whose leading dims are [layers, batch]. Transformer exports name their
 * activations `hidden_states` / `encoder_hidden_states` (Hugging Face): those are data, not state — read as
 * state, a BERT-style block was fed all zeros and its sequence dim was taken for a batch dim.
 */
export function isStateName(name: string): boolean {
  if (/hidden_states$/i.test(name)) return false;
  return /(^|_)(state|states|h0|c0|hn|cn)(_|$|\d)/i.test(name);
}
