/**
 * Containers: Sequential (a pipeline), ModuleList (an indexable list of children) and ModuleDict
 * (children by key). Children are registered under '0', '1', ... (or their keys), which gives the
 * state-dict keys PyTorch uses (`0.weight`, `features.3.bias`).
 */
import { Module } from './module.js';

function checkModule(op: string, m: unknown): asserts m is Module {
  if (!(m instanceof Module)) {
    throw new Error(`${op}: expects a Module, got ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name ?? 'an object' : typeof m}`);
  }
}

/** A list of children with PyTorch's numbered names, shared by Sequential and ModuleList. */
abstract class IndexedModules extends Module {
  constructor(modules: readonly Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** The number of children. */
  get length(): number {
    return this._modules.size;
  }

  /** The child at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = this.normalize('at', index, this.length);
    return this._modules.get(String(i))!;
  }

  /** Replaces the child at `index`. */
  set(index: number, module: Module): void {
    checkModule(`${this.constructor.name}.set`, module);
    this.registerModule(String(this.normalize('set', index, this.length)), module);
  }

  /** Adds a child at the end; returns this. */
  append(module: Module): this {
    checkModule(`${this.constructor.name}.append`, module);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of [...modules]) this.append(m);
    return this;
  }

  /** Inserts a child before `index` (index = length appends). */
  insert(index: number, module: Module): this {
    checkModule(`${this.constructor.name}.insert`, module);
    const items = this.items();
    const i = this.normalize('insert', index, items.length + 1);
    items.splice(i, 0, module);
    this.renumber(items);
    return this;
  }

  /** Removes and returns the child at `index` (default: the last); the rest are renumbered. */
  pop(index = -1): Module {
    const items = this.items();
    const i = this.normalize('pop', index, items.length);
    const [removed] = items.splice(i, 1);
    this.renumber(items);
    return removed!;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.items()[Symbol.iterator]();
  }

  /** Children in registration order, repeats included (a layer appended twice runs twice). */
  protected items(): Module[] {
    return [...this._modules.values()].filter((c): c is Module => c !== null);
  }

  private renumber(items: Module[]): void {
    for (const name of [...this._modules.keys()]) this.unregister(name);
    items.forEach((m, i) => this.registerModule(String(i), m));
  }

  private normalize(op: string, index: number, size: number): number {
    if (!Number.isInteger(index)) throw new Error(`${this.constructor.name}.${op}: index must be an integer, got ${index}`);
    const i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) throw new Error(`${this.constructor.name}.${op}: index ${index} is out of range for ${this.length} module(s)`);
    return i;
  }
}

/**
 * Runs its children in order, each on the previous one's output (the first gets all the arguments).
 *
 * ```ts
 * const mlp = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const named = new nn.Sequential({ fc: new nn.Linear(4, 2), act: new nn.Tanh() }); // keys 'fc.weight', ...
 * mlp.at(0); mlp.append(new nn.Softmax(1)); for (const layer of mlp) { ... }
 * ```
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    const first = modules[0] as unknown;
    const named = modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null;
    super(named ? [] : (modules as Module[]));
    if (named) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first as Record<string, Module>);
      for (const [name, m] of entries) {
        checkModule('Sequential', m);
        this.registerModule(name, m);
      }
    }
  }

  /** The child at `index`, or the children in [start, end) as a new Sequential (sharing the modules). */
  slice(start = 0, end = this.length): Sequential {
    return new Sequential(...this.items().slice(start, end));
  }

  override forward(...args: any[]): any {
    const layers = this.items();
    if (layers.length === 0) return args[0];
    let out = layers[0]!.forward(...args);
    for (let i = 1; i < layers.length; i++) out = layers[i]!.forward(out);
    return out;
  }
}

/**
 * Holds children in a list so that they are registered (a plain array field is not). No forward:
 * iterate it in your own.
 *
 * ```ts
 * this.blocks = new nn.ModuleList(Array.from({ length: 4 }, () => new Block()));
 * for (const b of this.blocks) x = b.forward(x);
 * ```
 */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super([...modules]);
  }
}

/**
 * Holds children by key, like a Map (insertion order; any string key without '.'). Iterating yields
 * [key, module] pairs.
 *
 * ```ts
 * this.heads = new nn.ModuleDict({ cls: new nn.Linear(64, 10), box: new nn.Linear(64, 4) });
 * this.heads.get('cls').forward(h);
 * ```
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  get size(): number {
    return this._modules.size;
  }

  get(key: string): Module {
    const m = this._modules.get(key);
    if (m === undefined || m === null) throw new Error(`ModuleDict.get: no module under key '${key}' (keys: ${[...this.keys()].join(', ')})`);
    return m;
  }

  set(key: string, module: Module): this {
    checkModule('ModuleDict.set', module);
    this.register(key, 'module', module, false);
    return this;
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes the module under `key`; returns whether there was one. */
  delete(key: string): boolean {
    const had = this._modules.has(key);
    this.unregister(key);
    return had;
  }

  clear(): void {
    for (const k of [...this._modules.keys()]) this.unregister(k);
  }

  /** Adds (or replaces) every entry of `modules`. */
  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): this {
    const entries = modules instanceof Map || Symbol.iterator in Object(modules)
      ? [...(modules as Iterable<[string, Module]>)]
      : Object.entries(modules as Record<string, Module>);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  keys(): IterableIterator<string> {
    return this._modules.keys();
  }

  *values(): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }

  *entries(): IterableIterator<[string, Module]> {
    for (const [k, m] of this._modules) if (m !== null) yield [k, m];
  }

  [Symbol.iterator](): IterableIterator<[string, Module]> {
    return this.entries();
  }
}
