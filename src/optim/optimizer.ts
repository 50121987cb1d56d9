/**
 * The optimizer base class, with PyTorch's semantics: parameter groups that each carry their own
 * options, per-parameter state, `zeroGrad`, `step(closure?)`, and state dicts that refer to
 * parameters by their index across the groups (so a state dict survives rebuilding the model).
 *
 * A subclass validates its options in `checkOptions` and implements `updateGroup`, which runs under
 * `noGrad` and must update each parameter in place (`sub_`, `mul_`, `copy_`, ...), skipping the
 * parameters whose `grad` is null.
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { keep, tidy } from '../tensor/scope.js';
import { checkNonNegative } from './check.js';

/** Options every optimizer has. */
export interface OptimizerOptions {
  lr: number;
}

/**
 * A parameter group: its parameters and its options. `initialLr` is written by LR schedules (the lr
 * their schedule starts from), as PyTorch's `initial_lr`.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & { params: Tensor[]; initialLr?: number };

/** A group as users pass it: options left out take the optimizer's defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> = Partial<O> & {
  params: Tensor | Iterable<Tensor>;
  initialLr?: number;
};

/** What an optimizer is built from: parameters, or parameter groups. */
export type Params<O extends OptimizerOptions = OptimizerOptions> = Tensor | Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** The state of one parameter: moment buffers and counters. */
export type ParamState = Record<string, Tensor | number>;

/** A group in a state dict: its options, and its parameters as indices. */
export type SavedParamGroup = { params: number[] } & Record<string, unknown>;

/**
 * An optimizer's state dict. Parameters are numbered in group order, from 0, as in PyTorch; `state`
 * holds copies of the state tensors, keyed by those numbers.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: SavedParamGroup[];
}

const GROUP_KEYS = new Set(['params', 'initialLr']);

export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The options a group takes when it does not set them. */
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on the parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();

  /**
   * `params`: an iterable of tensors, or of groups `{ params, ...options }`.
   *
   * ```ts
   * new optim.SGD([{ params: body.parameters() }, { params: head.parameters(), lr: 1e-2 }], { lr: 1e-3, momentum: 0.9 });
   * ```
   */
  constructor(params: Params<O>, defaults: O) {
    this.checkOptions(defaults);
    this.defaults = defaults;
    if (params instanceof Tensor) params = [params];
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new Error(`${this.name}: params must be an iterable of tensors or of parameter groups, got ${params === null ? 'null' : typeof params}`);
    }
    const items = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (items.length === 0) throw new Error(`${this.name}: got an empty parameter list`);
    if (items.every((x) => x instanceof Tensor)) this.addParamGroup({ params: items as Tensor[] } as unknown as ParamGroupInput<O>);
    else if (items.some((x) => x instanceof Tensor)) throw new Error(`${this.name}: params mixes tensors and parameter groups; pass one kind`);
    else {
      items.forEach((x, i) => {
        if (x === null || typeof x !== 'object' || Array.isArray(x) || !('params' in x)) {
          const got = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
          throw new Error(`${this.name}: params[${i}] must be a Tensor or a parameter group { params, ...options }, got ${got}`);
        }
      });
      for (const group of items as ParamGroupInput<O>[]) this.addParamGroup(group);
    }
  }

  /** The class name, used in error messages. */
  protected get name(): string {
    return this.constructor.name;
  }

  /** Validates a group's options (the defaults, and each group after merging); throws on bad values. */
  protected checkOptions(options: O): void {
    checkNonNegative(this.name, 'lr', options.lr);
  }

  /** One update of every parameter of `group` that has a gradient. Runs under noGrad. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /**
   * Adds a group (for instance layers unfrozen during fine-tuning); options it leaves out take the
   * defaults. A parameter may belong to one group only.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new Error(`${this.name}: a parameter group must be an object with a 'params' entry`);
    }
    const index = this.paramGroups.length;
    const raw = group.params;
    const params = raw instanceof Tensor ? [raw] : [...(raw as Iterable<Tensor>)];
    const seen = new Set<Tensor>();
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${this.name}: parameter ${i} of group ${index} is not a Tensor (got ${p === null ? 'null' : typeof p})`);
      if (!p.isLeaf) throw new Error(`${this.name}: parameter ${i} of group ${index} is not a leaf tensor; optimize the leaves it was computed from`);
      if (!isFloating(p.dtype)) throw new Error(`${this.name}: parameter ${i} of group ${index} is ${p.dtype}; only floating-point tensors can be optimized`);
      if (seen.has(p)) throw new Error(`${this.name}: parameter ${i} of group ${index} appears twice in the group`);
      seen.add(p);
    });
    for (const [g, other] of this.paramGroups.entries()) {
      if (other.params.some((p) => seen.has(p))) throw new Error(`${this.name}: a parameter of the new group ${index} is already in group ${g}`);
    }
    const merged = { ...this.defaults } as Record<string, unknown>;
    for (const [key, value] of Object.entries(group)) {
      if (key === 'params' || value === undefined) continue;
      if (!(key in this.defaults) && !GROUP_KEYS.has(key)) {
        throw new Error(`${this.name}: unknown option '${key}' in parameter group ${index} (known: ${Object.keys(this.defaults).join(', ')})`);
      }
      merged[key] = Array.isArray(value) ? [...value] : value;
    }
    merged['params'] = params;
    this.checkOptions(merged as unknown as O);
    this.paramGroups.push(merged as unknown as ParamGroup<O>);
  }

  /**
   * Clears the gradients of every parameter: sets them to null (the default, as in PyTorch), or
   * fills them with zeros when `setToNone` is false.
   */
  zeroGrad(setToNone = true): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          if (setToNone) p.grad = null;
          else {
            if (p.grad.gradFn !== null) p.grad = p.grad.detach();
            p.grad.zero_();
          }
        }
      }
    });
  }

  /**
   * One optimization step. `closure`, when given, re-evaluates the model and returns the loss; it
   * runs first, with gradients enabled, and its result is returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) this.updateGroup(group);
        // State created during the step must outlive this block and any tidy around the step.
        for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) keep(v);
      }),
    );
    return loss;
  }

  /** The state of `p`, created by `init` on first use. */
  protected stateOf<S extends ParamState>(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined) {
      s = init();
      this.state.set(p, s);
    }
    return s as S;
  }

  /**
   * A copy of the optimizer's state: each group's options with its parameters as indices, and the
   * state of each parameter (tensors copied) under its index.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const saved: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') saved[key] = Array.isArray(value) ? [...value] : value;
      }
      saved['params'] = group.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return saved as SavedParamGroup;
    });
    const state: Record<number, ParamState> = {};
    noGrad(() => {
      for (const [p, s] of this.state) {
        const i = index.get(p);
        if (i === undefined) continue;
        const copy: ParamState = {};
        for (const [key, value] of Object.entries(s)) copy[key] = value instanceof Tensor ? value.clone() : value;
        state[i] = copy;
      }
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()`: group options are replaced by the saved ones and the
   * state tensors are copied (cast to each parameter's dtype). The groups must hold as many
   * parameters as when the dict was saved; nothing changes when the dict does not fit.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object' || !Array.isArray(stateDict.paramGroups) || typeof stateDict.state !== 'object' || stateDict.state === null) {
      throw new Error(`${op}: expected an object { state, paramGroups } from stateDict()`);
    }
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new Error(`${op}: the state dict has ${saved.length} parameter group(s), the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groups = saved.map((sg, g) => {
      const current = this.paramGroups[g]!;
      if (!Array.isArray(sg.params) || sg.params.length !== current.params.length) {
        const n = Array.isArray(sg.params) ? sg.params.length : 'no';
        throw new Error(`${op}: parameter group ${g} has ${n} parameters in the state dict, ${current.params.length} in the optimizer`);
      }
      sg.params.forEach((id, i) => byIndex.set(id, current.params[i]!));
      const merged: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(sg)) {
        if (key === 'params') continue;
        if (!(key in this.defaults) && !GROUP_KEYS.has(key)) throw new Error(`${op}: unknown option '${key}' in parameter group ${g}`);
        merged[key] = Array.isArray(value) ? [...value] : value;
      }
      for (const key of Object.keys(this.defaults)) {
        if (!(key in merged)) throw new Error(`${op}: parameter group ${g} lacks option '${key}'`);
      }
      this.checkOptions(merged as unknown as O);
      return merged;
    });
    const state = new Map<Tensor, ParamState>();
    noGrad(() => {
      for (const [key, s] of Object.entries(stateDict.state)) {
        const p = byIndex.get(Number(key));
        if (p === undefined) throw new Error(`${op}: the state dict has state for parameter ${key}, which no group holds`);
        const copy: ParamState = {};
        for (const [name, value] of Object.entries(s)) {
          if (value instanceof Tensor) {
            this.checkStateShape(op, key, name, value, p);
            copy[name] = keep(value.to(p.dtype).clone());
          } else if (typeof value === 'number') copy[name] = value;
          else throw new Error(`${op}: state '${name}' of parameter ${key} must be a Tensor or a number`);
        }
        state.set(p, copy);
      }
    });
    groups.forEach((merged, g) => Object.assign(this.paramGroups[g]!, merged));
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }

  /** State tensors here have their parameter's shape; an optimizer with other state overrides this. */
  protected checkStateShape(op: string, index: string, name: string, value: Tensor, p: Tensor): void {
    if (!shapesEqual(value.shape, p.shape)) {
      throw new Error(`${op}: state '${name}' of parameter ${index} has shape ${formatShape(value.shape)}, the parameter has ${formatShape(p.shape)}`);
    }
  }
}
