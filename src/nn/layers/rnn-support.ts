/**
 * What the recurrent cells and layers share: one time step of each cell, written against a
 * precomputed input projection, and the reading of variable-length batches. Internal: nn/index.ts
 * does not re-export this file.
 *
 * Each step takes `xp = x W_ih^T + b_ih` already computed (a layer computes it for every time step
 * with one matmul), so a step costs one matmul with W_hh plus elementwise work. Gate order follows
 * PyTorch: LSTM i, f, g, o; GRU r, z, n.
 */
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { zeros } from '../../tensor/creation.js';
import { sigmoid, tanh, relu } from '../../ops/unary.js';
import { stack } from '../../ops/shape.js';
import { isRecording, record } from '../../autograd/record.js';

/** The recurrences, named as PyTorch's RNNBase modes. */
export type RnnMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Gate blocks stacked in W_ih / W_hh for each mode. */
export function gateCount(mode: RnnMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

/** `h W^T (+ b)`, with W^T given as a view. */
function hiddenProjection(h: Tensor, whhT: Tensor, bhh: Tensor | null): Tensor {
  const hp = h.matmul(whhT);
  return bhh === null ? hp : hp.add(bhh);
}

/** Elman step: h' = act(xp + h W_hh^T + b_hh). */
export function rnnStep(xp: Tensor, h: Tensor, whhT: Tensor, bhh: Tensor | null, relu_: boolean): Tensor {
  const pre = xp.add(hiddenProjection(h, whhT, bhh));
  return relu_ ? relu(pre) : tanh(pre);
}

/**
 * LSTM step: gates = xp + h W_hh^T + b_hh split as i, f, g, o; c' = f c + i g; h' = o tanh(c'),
 * then h' W_hr^T when there is a projection. Returns [h', c'].
 */
export function lstmStep(xp: Tensor, h: Tensor, c: Tensor, whhT: Tensor, bhh: Tensor | null, whrT: Tensor | null): [Tensor, Tensor] {
  const gates = xp.add(hiddenProjection(h, whhT, bhh));
  const n = gates.shape[gates.ndim - 1]! / 4;
  const d = gates.ndim - 1;
  // i and f are adjacent: one sigmoid over both.
  const ifGates = sigmoid(gates.narrow(d, 0, 2 * n));
  const i = ifGates.narrow(d, 0, n);
  const f = ifGates.narrow(d, n, n);
  const g = tanh(gates.narrow(d, 2 * n, n));
  const o = sigmoid(gates.narrow(d, 3 * n, n));
  const cNext = f.mul(c).add(i.mul(g));
  const hNext = o.mul(tanh(cNext));
  return [whrT === null ? hNext : hNext.matmul(whrT), cNext];
}

/**
 * GRU step: with hp = h W_hh^T + b_hh, r and z = sigmoid(xp + hp) on their blocks,
 * n = tanh(xp_n + r hp_n), h' = (1 - z) n + z h (computed as n + z (h - n)).
 */
export function gruStep(xp: Tensor, h: Tensor, whhT: Tensor, bhh: Tensor | null): Tensor {
  const hp = hiddenProjection(h, whhT, bhh);
  const d = hp.ndim - 1;
  const n3 = hp.shape[d]!;
  const n = n3 / 3;
  // r and z are adjacent: one add and one sigmoid over both.
  const rz = sigmoid(xp.narrow(d, 0, 2 * n).add(hp.narrow(d, 0, 2 * n)));
  const r = rz.narrow(d, 0, n);
  const z = rz.narrow(d, n, n);
  const cand = tanh(xp.narrow(d, 2 * n, n).add(r.mul(hp.narrow(d, 2 * n, n))));
  return cand.add(z.mul(h.sub(cand)));
}

/**
 * The steps of proj [time, ...] as views, like unbind(0), with a backward that costs O(size) in
 * total: select's backward embeds each step's gradient in a zero tensor of the full size and the
 * engine sums those, O(time * size). Here every step view hangs off one 0-d token whose node runs
 * after all of them (topological order) and stacks the step gradients they left (zeros for steps
 * that got none) into proj's gradient, with differentiable ops, so double backward still works.
 */
export function timeSteps(proj: Tensor): Tensor[] {
  const time = proj.shape[0]!;
  const data = proj.detach();
  if (!isRecording(proj)) return Array.from({ length: time }, (_, t) => data.select(0, t));
  const stepShape = proj.shape.slice(1);
  const grads: (Tensor | null)[] = new Array(time).fill(null);
  const token = record('rnnTimeSteps', zeros([], { dtype: proj.dtype }), [proj], () => {
    const parts = grads.map((g) => g ?? zeros(stepShape, { dtype: proj.dtype }));
    grads.fill(null); // a retained graph's next backward starts clean
    return [stack(parts, 0)];
  });
  const noGrad = zeros([], { dtype: proj.dtype });
  return Array.from({ length: time }, (_, t) =>
    record(
      'rnnTimeStep',
      data.select(0, t),
      [token],
      (g) => {
        grads[t] = g;
        return [noGrad];
      },
      [noGrad], // saved, so that a tidy() around the forward keeps it for backward
    ),
  );
}

/**
 * The valid length of each sequence of a padded batch, from `lengths` (numbers or an integer
 * tensor [batch]) or from a padding mask [batch, time] (true marks padding, which must come after
 * every valid step). Returns null when every sequence fills all `time` steps.
 */
export function sequenceLengths(op: string, batch: number, time: number, lengths: readonly number[] | Tensor | null | undefined, paddingMask: Tensor | null | undefined): number[] | null {
  if (lengths != null && paddingMask != null) throw new Error(`${op}: pass either lengths or paddingMask, not both`);
  let list: number[];
  if (lengths != null) {
    if (lengths instanceof Tensor) {
      if (lengths.dtype === 'bool' || lengths.ndim !== 1) throw new Error(`${op}: lengths must be a 1-D integer tensor or a number array, got a ${lengths.dtype} tensor of shape ${formatShape(lengths.shape)}`);
      list = Array.from(lengths.toArray(), Number);
    } else if (Array.isArray(lengths)) {
      list = [...lengths];
    } else {
      throw new Error(`${op}: lengths must be a number array or an integer tensor, got ${typeof lengths}`);
    }
    if (list.length !== batch) throw new Error(`${op}: lengths has ${list.length} entries, but the batch has ${batch} sequences`);
    list.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 0 || n > time) throw new Error(`${op}: lengths[${b}] must be an integer in [0, ${time}], got ${n}`);
    });
  } else if (paddingMask != null) {
    if (!(paddingMask instanceof Tensor) || paddingMask.dtype !== 'bool' || paddingMask.ndim !== 2 || paddingMask.shape[0] !== batch || paddingMask.shape[1] !== time) {
      const got = paddingMask instanceof Tensor ? `a ${paddingMask.dtype} tensor of shape ${formatShape(paddingMask.shape)}` : typeof paddingMask;
      throw new Error(`${op}: paddingMask must be a bool tensor [batch, time] = [${batch}, ${time}] (true marks padding), got ${got}`);
    }
    const flags = paddingMask.contiguous().toArray();
    list = [];
    for (let b = 0; b < batch; b++) {
      let n = 0;
      while (n < time && flags[b * time + n] === 0) n++;
      for (let t = n; t < time; t++) {
        if (flags[b * time + t] === 0) throw new Error(`${op}: paddingMask row ${b} has a valid step at ${t} after padding at ${n}; padding must come after every valid step`);
      }
      list.push(n);
    }
  } else {
    return null;
  }
  return list.every((n) => n === time) ? null : list;
}
