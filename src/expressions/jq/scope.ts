import type { FunctionDefinition } from './ast.js';
import type { Code } from './environment.js';
import type { TailFilter } from './tail-calls.js';

/**
 * What a name means at one point of a program, known at compile time. Variables, closure parameters and labels
 * each add one link to the runtime environment (`depth` counts them), so the compiler turns a name into a fixed
 * distance up the chain. Function definitions add no runtime link: a call finds its definition's environment by
 * the same distance arithmetic.
 */
export type Binding =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'closure'; readonly name: string }
  | { readonly kind: 'label'; readonly name: string }
  | { readonly kind: 'function'; readonly info: FunctionInfo };

export class Scope {
  private constructor(
    readonly parent: Scope | null,
    readonly binding: Binding | null,
    /** Runtime links from the root to here: a binding that adds a link sits at this depth. */
    readonly depth: number,
  ) {}

  static root(): Scope {
    return new Scope(null, null, 0);
  }

  with(binding: Binding): Scope {
    return new Scope(this, binding, binding.kind === 'function' ? this.depth : this.depth + 1);
  }

  /** The depth at which `$name` was bound, or undefined. */
  findVariable(name: string): number | undefined {
    return this.find((binding) => binding.kind === 'variable' && binding.name === name)?.depth;
  }

  findLabel(name: string): number | undefined {
    return this.find((binding) => binding.kind === 'label' && binding.name === name)?.depth;
  }

  /** The innermost function or closure parameter named `name` taking `arity` arguments. */
  findFunction(name: string, arity: number): Scope | undefined {
    return this.find(
      (binding) =>
        (binding.kind === 'closure' && arity === 0 && binding.name === name) ||
        (binding.kind === 'function' && binding.info.name === name && binding.info.arity === arity),
    );
  }

  private find(test: (binding: Binding) => boolean): Scope | undefined {
    if (this.binding !== null && test(this.binding)) return this;
    return this.parent?.find(test);
  }
}

/**
 * A `def`. Its body is compiled once: at the definition for the program's own functions (so errors in an unused
 * one still surface, as in jq), on first call for the builtins written in jq. `depth` is the runtime depth of the
 * definition site; a call from depth d finds the definition's environment d - depth links up.
 */
export class FunctionInfo {
  body: Code | undefined;
  /** The body compiled for tail calls, when it calls itself in tail position (see tail-calls.ts). */
  tailBody: TailFilter | undefined;
  /** Set while the body compiles, so a recursive call does not compile it again. */
  isCompiling = false;

  constructor(
    readonly definition: FunctionDefinition,
    /** The scope the body sees: the definition site plus the function itself. Set right after construction. */
    public scope: Scope,
    readonly depth: number,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  get arity(): number {
    return this.definition.params.length;
  }
}
