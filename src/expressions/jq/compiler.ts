import type { Json, JsonObject } from '../../model/json.js';
import type {
  BinaryNode,
  CallNode,
  FunctionDefinitionsNode,
  IfNode,
  IndexNode,
  JqNode,
  ObjectNode,
  SliceNode,
  StringNode,
  TryNode,
} from './ast.js';
import { compileAssign } from './assignment.js';
import { negate } from './builtins/arithmetic.js';
import { applyFormat } from './builtins/formats.js';
import { indexValue, iterateValues, sliceValue } from './builtins/indexing.js';
import type { Intrinsic } from './builtins/intrinsics.js';
import { valueForMessage, toJsonText } from './builtins/json-text.js';
import type { NativeFunction, NativeFunctionTable } from './builtins/native-function.js';
import { setKey, typeName } from './builtins/values.js';
import { compileCall, selfCallEnter } from './calls.js';
import { compileReduce, compileForeach, compileBind, compileLabel } from './control.js';
import {
  BreakSignal,
  caughtValue,
  type Code,
  isCatchable,
  type Env,
  type Filter,
  makeCode,
  nonPathFilter,
  type PathFilter,
  type SingleFilter,
  singleCode,
  upEnv,
  valueCode,
} from './environment.js';
import { JqError, JqSyntaxError } from './errors.js';
import { indexStep, iterateStep } from './paths.js';
import { FunctionInfo, Scope } from './scope.js';
import {
  binaryOperation,
  compileAlternative,
  compileComma,
  compileCondition,
  compileLogic,
  compilePipe,
  mapSingle,
  tryFilter,
} from './operators.js';
import { compileTailBody, type TailFilter } from './tail-calls.js';

/**
 * AST → closures (STYLE.md §1). Each node becomes a {@link Code}: `run` for values, `paths()` for path mode, and
 * `single` when the node always has exactly one output, so pipelines of simple steps run as plain function calls.
 * Names resolve here, once: variables and closure parameters to a distance up the environment, calls to a
 * definition (the program's own, then the intrinsics, the natives in TypeScript, the builtins written in jq).
 */

export interface CompilerTables {
  readonly natives: NativeFunctionTable;
  readonly intrinsics: Readonly<Record<string, Intrinsic>>;
  /** The builtins written in jq, keyed `name/arity`; bodies compile on first use. */
  readonly builtins: ReadonlyMap<string, FunctionInfo>;
}

export class Compiler {
  /** The engine-bound `$names` the program reads. */
  readonly usedGlobals = new Set<string>();

  constructor(
    readonly source: string,
    readonly tables: CompilerTables,
    /** The depth of the engine-bound variables (they sit at depths 1..n, in `globals` order). */
    private readonly globals: readonly string[] = [],
  ) {}

  /** A compile error at `at`, with jq's wording and line/column. */
  error(at: number, reason: string): JqSyntaxError {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.source.length; i++) {
      if (this.source[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new JqSyntaxError(reason, at, line, at - lineStart + 1);
  }

  compile(node: JqNode, scope: Scope): Code {
    switch (node.kind) {
      case 'identity':
        return singleCode(
          (input) => input,
          () => (input, path, _env, emit) => emit(input, path),
        );
      case 'recurseDefault':
        return this.compileCall({ kind: 'call', at: node.at, name: 'recurse', args: [] }, scope);
      case 'literal': {
        const value = node.value;
        return singleCode(() => value);
      }
      case 'string':
        return this.compileString(node, scope);
      case 'format': {
        const name = node.name;
        return singleCode((input) => applyFormat(name, input));
      }
      case 'index':
        return this.compileIndex(node, scope);
      case 'slice':
        return this.compileSlice(node, scope);
      case 'iterate':
        return this.compileIterate(this.compile(node.target, scope));
      case 'array':
        return this.compileArray(node.body === undefined ? undefined : this.compile(node.body, scope));
      case 'object':
        return this.compileObject(node, scope);
      case 'pipe':
        return compilePipe(this.compile(node.left, scope), this.compile(node.right, scope));
      case 'comma':
        return compileComma(this.compile(node.left, scope), this.compile(node.right, scope));
      case 'negate': {
        const body = this.compile(node.body, scope);
        return mapSingle(body, negate);
      }
      case 'binary':
        return this.compileBinary(node, scope);
      case 'and':
      case 'or':
        return compileLogic(node.kind, this.compile(node.left, scope), this.compile(node.right, scope));
      case 'alternative':
        return compileAlternative(this.compile(node.left, scope), this.compile(node.right, scope));
      case 'assign':
        return compileAssign(node.operator, this.compile(node.left, scope), this.compile(node.right, scope));
      case 'if':
        return this.compileIf(node, scope);
      case 'try':
        return this.compileTry(node, scope);
      case 'reduce':
        return compileReduce(this, node, scope);
      case 'foreach':
        return compileForeach(this, node, scope);
      case 'functionDefinitions':
        return this.compileDefinitions(node, scope);
      case 'call':
        return this.compileCall(node, scope);
      case 'variable':
        return this.compileVariable(node.name, node.at, scope);
      case 'location': {
        const line = node.line;
        return singleCode(() => ({ file: '<top-level>', line }));
      }
      case 'bind':
        return compileBind(this, node, scope);
      case 'label':
        return compileLabel(this, node, scope);
      case 'break': {
        const depth = scope.findLabel(node.name);
        if (depth === undefined) throw this.error(node.at, '$*label-' + node.name + ' is not defined');
        const distance = scope.depth - depth;
        const run: Filter = (_input, env) => {
          throw BreakSignal.to(upEnv(env, distance).value as Json);
        };
        return makeCode(run, () => (input, _path, env, emit) => run(input, env, (value) => emit(value, null)));
      }
    }
  }

  compileCall(node: CallNode, scope: Scope): Code {
    return compileCall(this, node, scope);
  }

  /** `native(args…)`: the arguments' outputs in jq's order for C functions (the last argument outermost). */
  nativeCall(native: NativeFunction, args: readonly Code[]): Code {
    if (args.length === 0) return singleCode((input) => native(input));
    const singles = args.map((arg) => arg.single);
    if (singles.every((single) => single !== undefined)) {
      const [a, b, c] = singles;
      if (args.length === 1) return singleCode((input, env) => native(input, (a as SingleFilter)(input, env)));
      // The last argument first, as in the general case below.
      if (args.length === 2) {
        return singleCode((input, env) => {
          const y = (b as SingleFilter)(input, env);
          return native(input, (a as SingleFilter)(input, env), y);
        });
      }
      if (args.length === 3) {
        return singleCode((input, env) => {
          const z = (c as SingleFilter)(input, env);
          const y = (b as SingleFilter)(input, env);
          return native(input, (a as SingleFilter)(input, env), y, z);
        });
      }
    }
    const count = args.length;
    return valueCode((input, env, emit) => {
      const values = new Array<Json>(count);
      const loop = (index: number): void => {
        if (index < 0) {
          emit(native(input, ...values));
          return;
        }
        (args[index] as Code).run(input, env, (value) => {
          values[index] = value;
          loop(index - 1);
        });
      };
      loop(count - 1);
    });
  }

  private compileVariable(name: string, at: number, scope: Scope): Code {
    const depth = scope.findVariable(name);
    if (depth === undefined) {
      if (name === 'ENV') return singleCode(() => ({}));
      throw this.error(at, `$${name} is not defined`);
    }
    if (depth <= this.globals.length && this.globals[depth - 1] === name) this.usedGlobals.add(name);
    const distance = scope.depth - depth;
    if (distance === 0) return singleCode((_input, env) => env.value as Json);
    if (distance === 1) return singleCode((_input, env) => (env.parent as Env).value as Json);
    return singleCode((_input, env) => upEnv(env, distance).value as Json);
  }

  private compileDefinitions(node: FunctionDefinitionsNode, scope: Scope): Code {
    return this.compile(node.body, this.defineFunctions(node, scope));
  }

  private defineFunctions(node: FunctionDefinitionsNode, scope: Scope): Scope {
    let current = scope;
    for (const definition of node.definitions) {
      const info = new FunctionInfo(definition, current, current.depth);
      current = current.with({ kind: 'function', info });
      info.scope = current;
      this.compileBody(info);
    }
    return current;
  }

  /** Compiles a function's body in its scope plus its parameters (closures first, then `$name` values). */
  compileBody(info: FunctionInfo): void {
    if (info.body !== undefined || info.isCompiling) return;
    info.isCompiling = true;
    let scope = info.scope;
    for (const param of info.definition.params) scope = scope.with({ kind: 'closure', name: param.name });
    for (const param of info.definition.params) {
      if (param.isValue) scope = scope.with({ kind: 'variable', name: param.name });
    }
    info.body = this.compile(info.definition.body, scope);
    info.tailBody = compileTailBody(this, info, scope, (node, callScope) => selfCallEnter(this, info, node, callScope));
    info.isCompiling = false;
  }

  /** Local definitions inside a tail-compiled body: defined as usual, the body compiled by `compileTail`. */
  compileDefinitionsTail(
    node: FunctionDefinitionsNode,
    scope: Scope,
    compileTail: (node: JqNode, scope: Scope) => TailFilter,
  ): TailFilter {
    return compileTail(node.body, this.defineFunctions(node, scope));
  }

  private compileString(node: StringNode, scope: Scope): Code {
    const format = node.format;
    const parts = node.parts.map((part) => (typeof part === 'string' ? part : this.compile(part, scope)));
    const text = (value: Json): string =>
      format === undefined ? (typeof value === 'string' ? value : toJsonText(value)) : applyFormat(format, value);
    if (parts.every((part) => typeof part === 'string' || part.single !== undefined)) {
      const pieces = parts.map((part) => (typeof part === 'string' ? part : (part.single as SingleFilter)));
      // Right to left, as jq evaluates the parts: when two fail, the last one's error is the one raised.
      return singleCode((input, env) => {
        let out = '';
        for (let i = pieces.length - 1; i >= 0; i--) {
          const piece = pieces[i] as string | SingleFilter;
          out = (typeof piece === 'string' ? piece : text(piece(input, env))) + out;
        }
        return out;
      });
    }
    // jq builds the string right to left: the last interpolation is the outermost loop.
    return valueCode((input, env, emit) => {
      const loop = (index: number, suffix: string): void => {
        if (index < 0) {
          emit(suffix);
          return;
        }
        const part = parts[index] as string | Code;
        if (typeof part === 'string') loop(index - 1, part + suffix);
        else part.run(input, env, (value) => loop(index - 1, text(value) + suffix));
      };
      loop(parts.length - 1, '');
    });
  }

  private compileIndex(node: IndexNode, scope: Scope): Code {
    const target = this.compile(node.target, scope);
    const key = this.compile(node.key, scope);
    const paths = (): PathFilter => {
      const targetPaths = target.paths();
      return (input, path, env, emit) =>
        key.run(input, env, (k) => targetPaths(input, path, env, (value, p) => indexStep(value, p, k, emit)));
    };
    const targetSingle = target.single;
    if (targetSingle !== undefined && node.key.kind === 'literal' && typeof node.key.value === 'string') {
      const name = node.key.value;
      // JSON values never hold undefined, so for a name Object.prototype lacks a plain load decides membership
      // (the own-property check costs more than the rest of `.a`).
      const get =
        name in Object.prototype
          ? (value: Json): Json => {
              if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
                return Object.prototype.hasOwnProperty.call(value, name) ? (value[name] as Json) : null;
              }
              return indexValue(value, name);
            }
          : (value: Json): Json => {
              if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value[name] ?? null;
              return indexValue(value, name);
            };
      if (node.target.kind === 'identity') return singleCode(get, paths);
      return singleCode((input, env) => get(targetSingle(input, env)), paths);
    }
    const keySingle = key.single;
    if (targetSingle !== undefined && keySingle !== undefined) {
      // jq evaluates the key first (it is the outer loop).
      return singleCode((input, env) => {
        const k = keySingle(input, env);
        return indexValue(targetSingle(input, env), k);
      }, paths);
    }
    return makeCode(
      (input, env, emit) => key.run(input, env, (k) => target.run(input, env, (value) => emit(indexValue(value, k)))),
      paths,
    );
  }

  private compileSlice(node: SliceNode, scope: Scope): Code {
    const target = this.compile(node.target, scope);
    const nullCode = singleCode(() => null);
    const from = node.from === undefined ? nullCode : this.compile(node.from, scope);
    const to = node.to === undefined ? nullCode : this.compile(node.to, scope);
    // jq evaluates `to` outermost, then `from`, then the target.
    const each = (input: Json, env: Env, body: (f: Json, t: Json) => void): void =>
      to.run(input, env, (t) => from.run(input, env, (f) => body(f, t)));
    const paths = (): PathFilter => {
      const targetPaths = target.paths();
      return (input, path, env, emit) =>
        each(input, env, (f, t) =>
          targetPaths(input, path, env, (value, p) => indexStep(value, p, { start: f, end: t }, emit)),
        );
    };
    return makeCode(
      (input, env, emit) =>
        each(input, env, (f, t) => target.run(input, env, (value) => emit(sliceValue(value, f, t)))),
      paths,
    );
  }

  private compileIterate(target: Code): Code {
    const single = target.single;
    const spread = single === undefined ? undefined : (input: Json, env: Env): readonly Json[] => iterateValues(single(input, env));
    const run: Filter =
      spread !== undefined
        ? (input, env, emit) => {
            const values = spread(input, env);
            for (let i = 0; i < values.length; i++) emit(values[i] as Json);
          }
        : (input, env, emit) =>
            target.run(input, env, (value) => {
              const values = iterateValues(value);
              for (let i = 0; i < values.length; i++) emit(values[i] as Json);
            });
    return makeCode(
      run,
      () => {
        const targetPaths = target.paths();
        return (input, path, env, emit) => targetPaths(input, path, env, (value, p) => iterateStep(value, p, emit));
      },
      undefined,
      { spread },
    );
  }

  private compileArray(body: Code | undefined): Code {
    if (body === undefined) return singleCode(() => []);
    const single = body.single;
    if (single !== undefined) return singleCode((input, env) => [single(input, env)]);
    return singleCode((input, env) => {
      const out: Json[] = [];
      body.run(input, env, (value) => {
        out.push(value);
      });
      return out;
    });
  }

  private compileObject(node: ObjectNode, scope: Scope): Code {
    const entries = node.entries.map((entry) => ({
      key: this.compile(entry.key, scope),
      value: this.compile(entry.value, scope),
    }));
    const checkKey = (key: Json): string => {
      if (typeof key !== 'string') throw new JqError(`Cannot use ${typeName(key)} (${valueForMessage(key)}) as object key`);
      return key;
    };
    if (entries.every((entry) => entry.key.single !== undefined && entry.value.single !== undefined)) {
      const constantKeys = node.entries.every((entry) => entry.key.kind === 'literal' && typeof entry.key.value === 'string');
      const keys = node.entries.map((entry) => (entry.key.kind === 'literal' ? entry.key.value : null));
      const singles = entries.map((entry) => ({
        key: entry.key.single as SingleFilter,
        value: entry.value.single as SingleFilter,
      }));
      const count = singles.length;
      if (constantKeys && !keys.includes('__proto__')) {
        const names = keys as string[];
        const values = singles.map((entry) => entry.value);
        return singleCode((input, env) => {
          const out: JsonObject = {};
          for (let i = 0; i < count; i++) out[names[i] as string] = (values[i] as SingleFilter)(input, env);
          return out;
        });
      }
      return singleCode((input, env) => {
        const out: JsonObject = {};
        for (let i = 0; i < count; i++) {
          const entry = singles[i] as { key: SingleFilter; value: SingleFilter };
          const key = entry.key(input, env);
          const value = entry.value(input, env);
          setKey(out, checkKey(key), value);
        }
        return out;
      });
    }
    // jq's gen_dictpair: the first entry is the outermost loop; in each entry the key is evaluated before the value,
    // and the key is checked only when the pair is inserted (INSERT), so a bad key with an empty value is no error.
    return valueCode((input, env, emit) => {
      const keys: string[] = [];
      const values: Json[] = [];
      const loop = (index: number): void => {
        const entry = entries[index];
        if (entry === undefined) {
          const out: JsonObject = {};
          for (let i = 0; i < keys.length; i++) setKey(out, keys[i] as string, values[i] as Json);
          emit(out);
          return;
        }
        entry.key.run(input, env, (key) => {
          entry.value.run(input, env, (value) => {
            keys[index] = checkKey(key);
            values[index] = value;
            loop(index + 1);
          });
        });
      };
      loop(0);
    });
  }

  private compileBinary(node: BinaryNode, scope: Scope): Code {
    const operation = binaryOperation(node.operator);
    const left = this.compile(node.left, scope);
    const right = this.compile(node.right, scope);
    const ls = left.single;
    const rs = right.single;
    if (ls !== undefined && rs !== undefined) {
      if (node.right.kind === 'literal') {
        const constant = node.right.value;
        const withNumber = typeof constant === 'number' ? numberOperation(node.operator, constant) : undefined;
        if (withNumber !== undefined) {
          return singleCode((input, env) => {
            const l = ls(input, env);
            return typeof l === 'number' ? withNumber(l) : operation(l, constant);
          });
        }
        return singleCode((input, env) => operation(ls(input, env), constant));
      }
      return singleCode((input, env) => {
        // jq evaluates the right operand first (it is the outer loop).
        const r = rs(input, env);
        return operation(ls(input, env), r);
      });
    }
    return valueCode((input, env, emit) =>
      right.run(input, env, (r) => left.run(input, env, (l) => emit(operation(l, r)))),
    );
  }

  private compileIf(node: IfNode, scope: Scope): Code {
    let code = node.otherwise === undefined ? this.compile({ kind: 'identity', at: node.at }, scope) : this.compile(node.otherwise, scope);
    for (let i = node.branches.length - 1; i >= 0; i--) {
      const branch = node.branches[i] as IfNode['branches'][number];
      code = compileCondition(this.compile(branch.condition, scope), this.compile(branch.then, scope), code);
    }
    return code;
  }

  private compileTry(node: TryNode, scope: Scope): Code {
    const body = this.compile(node.body, scope);
    const handler = node.handler === undefined ? undefined : this.compile(node.handler, scope);
    return makeCode(tryFilter(body.run, handler), () => {
      const bodyPaths = body.paths();
      const handlerPaths = handler === undefined ? undefined : nonPathFilter(handler.run);
      return (input, path, env, emit) => {
        let isDownstream = false;
        try {
          bodyPaths(input, path, env, (value, p) => {
            isDownstream = true;
            emit(value, p);
            isDownstream = false;
          });
        } catch (error) {
          if (isDownstream || !isCatchable(error)) throw error;
          if (handlerPaths !== undefined) handlerPaths(caughtValue(error), null, env, emit);
        }
      };
    });
  }

  /** The function a call at `scope` names, resolved lexically (user definitions and closure parameters). */
  lookupFunction(name: string, arity: number, scope: Scope): Scope | undefined {
    return scope.findFunction(name, arity);
  }
}

/**
 * `x OP n` for a number x and a number literal n, as jq's generic operation would answer it: `.n > 1`, `.n * 2` in a
 * loop skip the type dispatch. Undefined where NaN needs jq's ordering (NaN sorts below every number) or the
 * operation has cases of its own (`%`, `/` by zero).
 */
function numberOperation(operator: BinaryNode['operator'], n: number): ((x: number) => Json) | undefined {
  if (Number.isNaN(n)) return undefined;
  switch (operator) {
    case '+':
      return (x) => x + n;
    case '-':
      return (x) => x - n;
    case '*':
      return (x) => x * n;
    case '<':
      return (x) => (Number.isNaN(x) ? true : x < n);
    case '<=':
      return (x) => (Number.isNaN(x) ? true : x <= n);
    case '>':
      return (x) => (Number.isNaN(x) ? false : x > n);
    case '>=':
      return (x) => (Number.isNaN(x) ? false : x >= n);
    case '==':
      return (x) => x === n;
    case '!=':
      return (x) => x !== n;
    default:
      return undefined;
  }
}
