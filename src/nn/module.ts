/**
 * The Module base class and Parameter, PyTorch's `nn.Module` in TypeScript.
 *
 * A module's parameters, buffers and children are found in two places:
 * - its own enumerable fields, in declaration order: a field holding a `Parameter` is a parameter, a
 *   field holding a `Module` is a child (a plain Tensor field is neither, as in PyTorch);
 * - explicit registrations: `registerParameter(name, p | null)`, `registerBuffer(name, t, persistent)`
 *   and `registerModule(name, m)`. A registered name also becomes a property of the module (a
 *   non-enumerable accessor reading and writing the registry), so `this.running_mean` works and
 *   `this.running_mean = t` replaces the buffer.
 * Both kinds land in one ordered registry per kind (first sight wins the position), which gives the
 * state dict its key order. Fields are re-read on every query, so reassigning `this.weight` is seen.
 *
 * ```ts
 * class Affine extends nn.Module {
 *   weight = new nn.Parameter(ones([3]));
 *   bias: nn.Parameter | null = new nn.Parameter(zeros([3]));
 *   constructor() { super(); this.registerBuffer('count', zeros([], { dtype: 'int32' })); }
 *   override forward(x: Tensor): Tensor { const y = x.mul(this.weight); return this.bias ? y.add(this.bias) : y; }
 * }
 * const m = new Affine();
 * m.stateDict(); // { weight, bias, count }
 * ```
 */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { formatModule } from './summary.js';

/**
 * A tensor that is a module parameter: a leaf that requires grad (unless `requiresGrad` is false),
 * sharing storage with the tensor it was made from (detached from that tensor's graph).
 *
 * ```ts
 * const w = new nn.Parameter(randn([3, 4]));   // w.requiresGrad === true, w.isLeaf === true
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new Error(`Parameter: expects a Tensor, got ${data === null ? 'null' : typeof data}`);
    if (requiresGrad && !isFloating(data.dtype)) {
      throw new Error(`Parameter: only floating-point tensors can require gradients, got ${data.dtype}; pass requiresGrad = false`);
    }
    // The parameter stands for the same tensor (PyTorch's Parameter shares its TensorImpl), so it is a
    // view only when `data` is one.
    super(data.storage, data.shape, data.strides, data.offset, data.base);
    this.requiresGrad_(requiresGrad);
  }
}

/** What `registerForwardHook` returns: `remove()` unregisters the hook. */
export interface HookHandle {
  remove(): void;
}

/** Called after `forward` with the module, its arguments and its output; a non-undefined return replaces the output. */
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
/** Called before `forward` with the module and its arguments; a returned array replaces the arguments. */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | void;

export interface StateDictOptions {
  /** Prepended to every key. */
  prefix?: string;
  /** Keep the tensors themselves (attached to the graph) instead of detached views of them. */
  keepVars?: boolean;
}

export interface LoadStateDictOptions {
  /** Fail on missing or unexpected keys (default true). Shape mismatches always fail. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A state dict: dotted names (`0.weight`, `bn.running_mean`) to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

/** What a registered name holds. */
export type Kind = 'parameter' | 'buffer' | 'module';

/**
 * Base class of every layer and model. Subclasses declare parameters and children as fields (or
 * register them), and override `forward`. Call a module with `m.forward(x)` (or its alias `m.call(x)`).
 */
export class Module {
  /** Whether the module is in training mode (set by `train()` and `eval()`, recursively). */
  training = true;
  // Registries. Declared non-enumerable in the constructor so the field scan never sees them.
  private declare _parameters: Map<string, Parameter | null>;
  private declare _buffers: Map<string, Tensor | null>;
  protected declare _modules: Map<string, Module | null>;
  private declare _nonPersistent: Set<string>;
  /** Names whose value lives in a registry (accessor properties) rather than in a plain field. */
  private declare _registered: Map<string, Kind>;
  private declare _forwardHooks: Map<number, ForwardHook>;
  private declare _forwardPreHooks: Map<number, ForwardPreHook>;

  constructor() {
    const hidden = (name: string, value: unknown): void => {
      Object.defineProperty(this, name, { value, writable: true, enumerable: false, configurable: true });
    };
    hidden('_parameters', new Map());
    hidden('_buffers', new Map());
    hidden('_modules', new Map());
    hidden('_nonPersistent', new Set());
    hidden('_registered', new Map());
    hidden('_forwardHooks', new Map());
    hidden('_forwardPreHooks', new Map());
  }

  /** The computation. Subclasses override it with their own signature. */
  forward(..._args: any[]): any {
    throw new Error(`${this.constructor.name}: forward is not implemented (a container such as ModuleList has no forward of its own)`);
  }

  /** Alias of `forward` (PyTorch's `module(x)`). */
  call(...args: any[]): any {
    return this.forward(...args);
  }

  // ---- registration -------------------------------------------------------------------------------

  /**
   * Adds a parameter (or an empty slot, with null) under `name`, readable as `this[name]`. Use it for
   * names that are not fields, e.g. PyTorch's `weight_orig`; plain `weight = new Parameter(...)`
   * fields need no call.
   */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) {
      throw new Error(`registerParameter: '${name}' must be a Parameter or null, got ${describeValue(param)}; wrap a tensor with new nn.Parameter(t)`);
    }
    this.register(name, 'parameter', param);
  }

  /**
   * Adds a buffer: state that is not a parameter (running statistics). Persistent buffers are in the
   * state dict; non-persistent ones are not. Readable and assignable as `this[name]`.
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new Error(`registerBuffer: '${name}' must be a Tensor or null, got ${describeValue(tensor)}`);
    }
    this.register(name, 'buffer', tensor);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
  }

  /** Adds a child module under `name` (containers use it for names such as '0', '1'). */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new Error(`registerModule: '${name}' must be a Module or null, got ${describeValue(module)}`);
    }
    this.register(name, 'module', module);
  }

  /** Alias of `registerModule` (PyTorch's `add_module`). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /**
   * Internal: adds `value` to the registry of `kind`. With `accessor` (default) the name also becomes
   * a property; ModuleDict turns that off so that any key (even 'train') can name a child.
   */
  protected register(name: string, kind: Kind, value: Parameter | Tensor | Module | null, accessor = true): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`register${capitalize(kind)}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
    const own = Object.getOwnPropertyDescriptor(this, name);
    const registeredAs = this._registered.get(name);
    if (registeredAs !== undefined && registeredAs !== kind) {
      throw new Error(`register${capitalize(kind)}: '${name}' is already a ${registeredAs} of ${this.constructor.name}`);
    }
    if (registeredAs === undefined && accessor && (own !== undefined || name in this)) {
      // A plain field of the same name: take it over only when it is empty or of the same kind.
      const current: unknown = (this as Record<string, unknown>)[name];
      const sameKind = current === null || current === undefined || kindOf(current) === kind;
      if (!sameKind || (own === undefined && typeof current === 'function') || !(own === undefined || own.configurable)) {
        throw new Error(`register${capitalize(kind)}: '${name}' is already an attribute of ${this.constructor.name}`);
      }
    }
    this.sync(); // fields declared so far keep their place before this registration
    if (registeredAs === undefined) {
      this.mapOf(kind).delete(name);
      this._registered.set(name, kind);
      if (accessor) Object.defineProperty(this, name, {
        get: () => this.mapOf(kind).get(name) ?? null,
        set: (v: unknown) => this.setRegistered(name, kind, v),
        enumerable: false,
        configurable: true,
      });
    }
    this.setRegistered(name, kind, value);
  }

  /**
   * Removes a parameter, buffer or child by name, whether registered or a plain field (PyTorch's
   * `del module._parameters[name]`); the name is then free for anything, e.g. a computed plain tensor
   * where a parameter was (what weight and spectral normalization do). No-op for unknown names.
   */
  unregister(name: string): void {
    const kind = this._registered.get(name);
    this._parameters.delete(name);
    this._buffers.delete(name);
    this._modules.delete(name);
    this._nonPersistent.delete(name);
    this._registered.delete(name);
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own !== undefined && (kind !== undefined ? own.get !== undefined : own.value instanceof Parameter || own.value instanceof Module || own.value === null)) {
      delete (this as Record<string, unknown>)[name];
    }
  }

  private setRegistered(name: string, kind: Kind, value: unknown): void {
    if (value === undefined) value = null;
    if (value !== null && kindOf(value) !== kind && !(kind === 'buffer' && value instanceof Tensor && !(value instanceof Parameter))) {
      const expected = kind === 'parameter' ? 'a Parameter' : kind === 'buffer' ? 'a Tensor' : 'a Module';
      throw new Error(`${this.constructor.name}: cannot assign ${describeValue(value)} to ${kind} '${name}' (${expected} or null expected)`);
    }
    (this.mapOf(kind) as Map<string, unknown>).set(name, value);
  }

  private mapOf(kind: Kind): Map<string, Parameter | Tensor | Module | null> {
    return kind === 'parameter' ? this._parameters : kind === 'buffer' ? this._buffers : this._modules;
  }

  /** Brings the registries up to date with the module's plain fields. */
  private sync(): void {
    const seen = new Set<string>();
    for (const key of Object.keys(this)) {
      if (this._registered.has(key)) continue;
      const v: unknown = (this as Record<string, unknown>)[key];
      const kind = kindOf(v);
      if (kind === 'parameter') this.syncField(key, 'parameter', v as Parameter);
      else if (kind === 'module') this.syncField(key, 'module', v as Module);
      else if (v === null || v === undefined) {
        // An emptied field keeps its slot (bias = null), as PyTorch's None parameter does.
        if (this._parameters.has(key)) this._parameters.set(key, null);
        else if (this._modules.has(key)) this._modules.set(key, null);
      } else if (this._parameters.has(key) && v instanceof Tensor) {
        throw new Error(`${this.constructor.name}: field '${key}' holds a plain Tensor where a Parameter was; wrap it with new nn.Parameter(t)`);
      } else {
        this._parameters.delete(key);
        this._modules.delete(key);
      }
      seen.add(key);
    }
    // Fields deleted since the last look.
    for (const map of [this._parameters, this._modules] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (!seen.has(key) && !this._registered.has(key)) map.delete(key);
    }
  }

  private syncField(key: string, kind: 'parameter' | 'module', value: Parameter | Module): void {
    const other = kind === 'parameter' ? this._modules : this._parameters;
    other.delete(key);
    (this.mapOf(kind) as Map<string, unknown>).set(key, value);
  }

  // ---- traversal ----------------------------------------------------------------------------------

  /** This module's own parameters (not its children's), null slots included. */
  private ownParameters(): [string, Parameter | null][] {
    this.sync();
    return [...this._parameters.entries()];
  }

  /** Direct children with their names (null slots skipped). */
  *namedChildren(): IterableIterator<[string, Module]> {
    this.sync();
    const seen = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m === null || seen.has(m)) continue;
      seen.add(m);
      yield [name, m];
    }
  }

  *children(): IterableIterator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant, depth first, each once, with dotted names ('' for this one). */
  *namedModules(prefix = '', memo: Set<Module> = new Set()): IterableIterator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    this.sync();
    for (const [name, m] of this._modules) {
      if (m === null) continue;
      yield* m.namedModules(prefix === '' ? name : `${prefix}.${name}`, memo);
    }
  }

  *modules(): IterableIterator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Every parameter with its dotted name, each tensor once (shared parameters under their first name). */
  *namedParameters(options: { prefix?: string; recurse?: boolean } = {}): IterableIterator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = options.recurse === false ? [['', this]] : this.namedModules();
    for (const [modName, m] of mods) {
      for (const [name, p] of m.ownParameters()) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        yield [joinName(options.prefix ?? '', joinName(modName, name)), p];
      }
    }
  }

  /** Every parameter, recursively, each once: what an optimizer takes. */
  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters({ recurse })].map(([, p]) => p);
  }

  /** Every buffer with its dotted name, each tensor once. */
  *namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): IterableIterator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = options.recurse === false ? [['', this]] : this.namedModules();
    for (const [modName, m] of mods) {
      for (const [name, b] of m._buffers) {
        if (b === null || seen.has(b)) continue;
        seen.add(b);
        yield [joinName(options.prefix ?? '', joinName(modName, name)), b];
      }
    }
  }

  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers({ recurse })].map(([, b]) => b);
  }

  /** This module's own parameter `name` (null for an empty slot); throws if there is none. */
  getParameter(target: string): Parameter | null {
    const [m, name] = this.resolve('getParameter', target);
    m.sync();
    if (!m._parameters.has(name)) throw new Error(`getParameter: ${m.constructor.name} has no parameter '${name}'`);
    return m._parameters.get(name) ?? null;
  }

  /** The buffer at a dotted path (`'bn.running_mean'`); throws if there is none. */
  getBuffer(target: string): Tensor | null {
    const [m, name] = this.resolve('getBuffer', target);
    if (!m._buffers.has(name)) throw new Error(`getBuffer: ${m.constructor.name} has no buffer '${name}'`);
    return m._buffers.get(name) ?? null;
  }

  /** The descendant at a dotted path (`'features.0'`; '' is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let m: Module = this;
    for (const part of target.split('.')) {
      m.sync();
      const next = m._modules.get(part);
      if (next === undefined || next === null) throw new Error(`getSubmodule: ${m.constructor.name} has no submodule '${part}' (path '${target}')`);
      m = next;
    }
    return m;
  }

  private resolve(op: string, target: string): [Module, string] {
    const i = target.lastIndexOf('.');
    if (i < 0) return [this, target];
    try {
      return [this.getSubmodule(target.slice(0, i)), target.slice(i + 1)];
    } catch (e) {
      throw new Error(`${op}: ${(e as Error).message}`);
    }
  }

  // ---- modes, gradients, application ------------------------------------------------------------

  /** Sets training mode on this module and every descendant (dropout active, batch statistics). */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new Error(`train: mode must be a boolean, got ${describeValue(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Freezes (false) or unfreezes (true) every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Clears every parameter's gradient: to null (default, as PyTorch 2 does) or to zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else noGrad(() => p.grad!.zero_());
    }
  }

  /** Calls `fn` on every descendant, children first, then on this module (e.g. custom init). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Casts every floating parameter and buffer to `dtype` (float32 or float64), recursively; others
   * stay. Parameters are replaced by new Parameter objects (shared ones stay shared, requiresGrad and
   * gradients carry over), so build the optimizer after this call. Returns this.
   *
   * ```ts
   * const m = new nn.Linear(3, 2).to('float64');   // or .double()
   * ```
   */
  to(dtype: 'float32' | 'float64'): this {
    if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`to: dtype must be 'float32' or 'float64', got ${describeValue(dtype)}`);
    const converted = new Map<Tensor, Tensor>();
    const convert = <T extends Tensor>(t: T, make: (c: Tensor) => T): T => {
      if (!isFloating(t.dtype) || t.dtype === dtype) return t;
      let c = converted.get(t) as T | undefined;
      if (c === undefined) {
        c = make(noGrad(() => t.to(dtype)));
        converted.set(t, c);
      }
      return c;
    };
    for (const m of this.modules()) {
      for (const [name, p] of m.ownParameters()) {
        if (p === null) continue;
        const np = convert(p, (c) => {
          const q = new Parameter(c, p.requiresGrad);
          if (p.grad !== null) q.grad = noGrad(() => p.grad!.to(dtype));
          return q;
        });
        if (np !== p) m.assign(name, 'parameter', np);
      }
      for (const [name, b] of [...m._buffers]) {
        if (b !== null) m._buffers.set(name, convert(b, (c) => c));
      }
    }
    return this;
  }

  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }

  /** Replaces a parameter or child, whether registered or a field. */
  private assign(name: string, kind: Kind, value: Parameter | Module): void {
    if (this._registered.has(name)) this.setRegistered(name, kind, value);
    else (this as Record<string, unknown>)[name] = value;
    this.mapOf(kind).set(name, value);
  }

  /** Total number of parameter elements (only trainable ones with `{ trainable: true }`). */
  numParameters(options: { trainable?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainable || p.requiresGrad) n += p.numel;
    return n;
  }

  // ---- state dict ---------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, as detached tensors sharing storage with the
   * module's (so saving does not copy). Keys follow PyTorch's, so a PyTorch state dict maps 1:1.
   */
  stateDict(options: StateDictOptions = {}): StateDict {
    const out: StateDict = {};
    const prefix = options.prefix ?? '';
    const keep = options.keepVars === true;
    for (const [modName, m] of this.namedModulesAll()) {
      for (const [name, p] of m.ownParameters()) {
        if (p !== null) out[prefix + joinName(modName, name)] = keep ? p : p.detach();
      }
      for (const [name, b] of m._buffers) {
        if (b !== null && !m._nonPersistent.has(name)) out[prefix + joinName(modName, name)] = keep ? b : b.detach();
      }
    }
    return out;
  }

  /**
   * Copies values from a state dict into the parameters and buffers (in place, without recording
   * gradients). With `strict` (default) any missing or unexpected key is an error; a shape mismatch
   * always is. All problems are listed in one error. Returns the missing and unexpected keys.
   */
  loadStateDict(state: StateDict | Map<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (state === null || typeof state !== 'object') throw new Error(`loadStateDict: expects an object of tensors, got ${describeValue(state)}`);
    const entries = state instanceof Map ? new Map(state) : new Map(Object.entries(state));
    const targets = this.stateDict({ keepVars: true });
    const missingKeys: string[] = [];
    const problems: string[] = [];
    for (const key of Object.keys(targets)) if (!entries.has(key)) missingKeys.push(key);
    const unexpectedKeys = [...entries.keys()].filter((k) => !(k in targets));
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(targets)) {
      const src = entries.get(key);
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) {
        problems.push(`'${key}' is ${describeValue(src)}, not a Tensor`);
      } else if (!shapesEqual(src.shape, target.shape)) {
        problems.push(`size mismatch for ${key}: copying a tensor of shape ${formatShape(src.shape)} from the state dict, the shape in the current model is ${formatShape(target.shape)}`);
      } else {
        copies.push([target, src]);
      }
    }
    if (strict) {
      if (missingKeys.length > 0) problems.unshift(`missing key(s): ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
      if (unexpectedKeys.length > 0) problems.splice(missingKeys.length > 0 ? 1 : 0, 0, `unexpected key(s): ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    }
    if (problems.length > 0) {
      throw new Error(`loadStateDict: error(s) in loading the state dict for ${this.constructor.name}:\n  ${problems.join('\n  ')}`);
    }
    noGrad(() => {
      for (const [target, src] of copies) if (src !== target) target.copy_(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Every (name, module) pair of the tree without deduplication: a child shared under two names is
   * listed under both, as PyTorch's state_dict does (so `Sequential(lin, lin)` has `0.weight` and
   * `1.weight`). A module that contains itself is visited once per path, never in a loop.
   */
  private namedModulesAll(prefix = '', ancestors: Set<Module> = new Set()): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    ancestors.add(this);
    this.sync();
    for (const [name, m] of this._modules) {
      if (m === null || ancestors.has(m)) continue;
      out.push(...m.namedModulesAll(joinName(prefix, name), ancestors));
    }
    ancestors.delete(this);
    return out;
  }

  // ---- hooks --------------------------------------------------------------------------------------

  /**
   * Runs `hook(module, args, output)` after every `forward` (and `call`) of this module; a returned
   * value other than undefined replaces the output. Returns a handle whose `remove()` undoes it.
   */
  registerForwardHook(hook: ForwardHook): HookHandle {
    return this.addHook(this._forwardHooks, hook);
  }

  /** Runs `hook(module, args)` before every `forward`; a returned array replaces the arguments. */
  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    return this.addHook(this._forwardPreHooks, hook);
  }

  private addHook<H>(map: Map<number, H>, hook: H): HookHandle {
    if (typeof hook !== 'function') throw new Error(`registerForwardHook: hook must be a function, got ${describeValue(hook)}`);
    const id = nextHookId++;
    map.set(id, hook);
    this.wrapForward();
    return {
      remove: () => {
        map.delete(id);
        if (this._forwardHooks.size === 0 && this._forwardPreHooks.size === 0) this.unwrapForward();
      },
    };
  }

  /**
   * Hooks fire on `m.forward(x)` itself, because users call forward directly: the first hook installs
   * an own `forward` property that wraps the class's method; removing the last hook deletes it.
   */
  private wrapForward(): void {
    const own = Object.getOwnPropertyDescriptor(this, 'forward');
    if (own !== undefined && (own.value as { [HOOKED]?: unknown } | undefined)?.[HOOKED] !== undefined) return;
    // Wrap whatever forward the instance has: the class's, or one the user assigned to the instance.
    const inner = (own !== undefined ? own.value : Object.getPrototypeOf(this).forward) as (...a: unknown[]) => unknown;
    const wrapped = (...args: unknown[]): unknown => {
      let a = args;
      for (const pre of [...this._forwardPreHooks.values()]) {
        const r = pre(this, a);
        if (r !== undefined) a = r;
      }
      let out = inner.apply(this, a);
      for (const hook of [...this._forwardHooks.values()]) {
        const r = hook(this, a, out);
        if (r !== undefined) out = r;
      }
      return out;
    };
    Object.defineProperty(wrapped, HOOKED, { value: own ?? null });
    Object.defineProperty(this, 'forward', { value: wrapped, writable: true, enumerable: false, configurable: true });
  }

  private unwrapForward(): void {
    const own = Object.getOwnPropertyDescriptor(this, 'forward');
    const saved = (own?.value as { [HOOKED]?: PropertyDescriptor | null } | undefined)?.[HOOKED];
    if (saved === undefined) return; // replaced by the user since: leave it
    if (saved === null) delete (this as { forward?: unknown }).forward;
    else Object.defineProperty(this, 'forward', saved);
  }

  // ---- printing -----------------------------------------------------------------------------------

  /** One line of the module's settings, shown in its printed form: `Linear(inFeatures=4, ...)`. */
  extraRepr(): string {
    return '';
  }

  /** The module tree, as PyTorch prints it, with parameter counts. */
  toString(): string {
    return formatModule(this);
  }
}

let nextHookId = 0;
/** Marks the forward wrapper hooks install; holds the instance's own forward it replaced (or null). */
const HOOKED = Symbol('tessera.hookedForward');

function kindOf(v: unknown): Kind | null {
  if (v instanceof Parameter) return 'parameter';
  if (v instanceof Module) return 'module';
  return null;
}

function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : name === '' ? prefix : `${prefix}.${name}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a ${v.dtype} Tensor of shape ${formatShape(v.shape)}`;
  if (v instanceof Module) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
