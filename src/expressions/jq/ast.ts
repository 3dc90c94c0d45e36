import type { Json } from '../../model/json.js';

/**
 * The jq syntax tree: what `parser.ts` produces and `compiler.ts` turns into closures. Sugar is removed by the
 * parser where jq itself defines it as sugar (`.a` is `.["a"]`, `..` is `recurse`, `E?` is `try E`, `{a}` is
 * `{a: .a}`, `{$x}` is `{x: $x}`), so the compiler sees one shape per meaning. `at` is the node's offset in the
 * source (UTF-16 index), for compile errors and `$__loc__`.
 */
export type JqNode =
  | IdentityNode
  | RecurseDefaultNode
  | LiteralNode
  | StringNode
  | FormatNode
  | IndexNode
  | SliceNode
  | IterateNode
  | ArrayNode
  | ObjectNode
  | PipeNode
  | CommaNode
  | NegateNode
  | BinaryNode
  | AndNode
  | OrNode
  | AlternativeNode
  | AssignNode
  | IfNode
  | TryNode
  | ReduceNode
  | ForeachNode
  | FunctionDefinitionsNode
  | CallNode
  | VariableNode
  | LocationNode
  | BindNode
  | LabelNode
  | BreakNode;

interface NodeBase {
  readonly at: number;
}

/** `.` */
export interface IdentityNode extends NodeBase {
  readonly kind: 'identity';
}

/** `..` (jq: `recurse`) */
export interface RecurseDefaultNode extends NodeBase {
  readonly kind: 'recurseDefault';
}

/** `1`, `"text"` without interpolation, `true`, `false`, `null`; also `{}` and `[]` never need a node of their own. */
export interface LiteralNode extends NodeBase {
  readonly kind: 'literal';
  readonly value: Json;
}

/** `"a\(.b)c"`, `@base64 "x\(.)"`: literal parts and interpolated filters; `format` applies to interpolations only. */
export interface StringNode extends NodeBase {
  readonly kind: 'string';
  readonly format: string | undefined;
  readonly parts: readonly (string | JqNode)[];
}

/** `@base64` used as a filter (the name without `@`). */
export interface FormatNode extends NodeBase {
  readonly kind: 'format';
  readonly name: string;
}

/** `T[K]`, `T.name`, `T."name"`: `target` is `identity` for a leading `.name`. */
export interface IndexNode extends NodeBase {
  readonly kind: 'index';
  readonly target: JqNode;
  readonly key: JqNode;
}

/** `T[from:to]`, either bound may be absent. */
export interface SliceNode extends NodeBase {
  readonly kind: 'slice';
  readonly target: JqNode;
  readonly from: JqNode | undefined;
  readonly to: JqNode | undefined;
}

/** `T[]` */
export interface IterateNode extends NodeBase {
  readonly kind: 'iterate';
  readonly target: JqNode;
}

/** `[E]`; `[]` has no body. */
export interface ArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly body: JqNode | undefined;
}

/**
 * `{k: v, …}` after desugaring: `{a}` → key `"a"`, value `.a`; `{$x}` → key `"x"`, value `$x`; `{"a\(.b)"}` →
 * key the string, value `.[that string]`; `{$__loc__}` → key `"__loc__"`, value the location; `{(e): v}` → key e.
 */
export interface ObjectNode extends NodeBase {
  readonly kind: 'object';
  readonly entries: readonly ObjectEntry[];
}

export interface ObjectEntry {
  readonly key: JqNode;
  readonly value: JqNode;
}

/** `L | R` */
export interface PipeNode extends NodeBase {
  readonly kind: 'pipe';
  readonly left: JqNode;
  readonly right: JqNode;
}

/** `L, R` */
export interface CommaNode extends NodeBase {
  readonly kind: 'comma';
  readonly left: JqNode;
  readonly right: JqNode;
}

/** `-E` */
export interface NegateNode extends NodeBase {
  readonly kind: 'negate';
  readonly body: JqNode;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Arithmetic and comparison: both sides run on the same input; jq iterates the right side outermost. */
export interface BinaryNode extends NodeBase {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: JqNode;
  readonly right: JqNode;
}

/** `L and R` */
export interface AndNode extends NodeBase {
  readonly kind: 'and';
  readonly left: JqNode;
  readonly right: JqNode;
}

/** `L or R` */
export interface OrNode extends NodeBase {
  readonly kind: 'or';
  readonly left: JqNode;
  readonly right: JqNode;
}

/** `L // R` */
export interface AlternativeNode extends NodeBase {
  readonly kind: 'alternative';
  readonly left: JqNode;
  readonly right: JqNode;
}

export type AssignOperator = '=' | '|=' | '+=' | '-=' | '*=' | '/=' | '%=' | '//=';

/** `P op E`: `P` is a path expression. */
export interface AssignNode extends NodeBase {
  readonly kind: 'assign';
  readonly operator: AssignOperator;
  readonly left: JqNode;
  readonly right: JqNode;
}

/** `if c then t elif c2 then t2 else e end`; without `else`, jq 1.7 behaves as `else .`. */
export interface IfNode extends NodeBase {
  readonly kind: 'if';
  readonly branches: readonly { readonly condition: JqNode; readonly then: JqNode }[];
  readonly otherwise: JqNode | undefined;
}

/** `try B catch C`, `try B`, and the postfix `B?` (no catch). */
export interface TryNode extends NodeBase {
  readonly kind: 'try';
  readonly body: JqNode;
  readonly handler: JqNode | undefined;
}

/** `reduce SOURCE as PATTERN (INIT; UPDATE)` */
export interface ReduceNode extends NodeBase {
  readonly kind: 'reduce';
  readonly source: JqNode;
  readonly patterns: readonly JqPattern[];
  readonly init: JqNode;
  readonly update: JqNode;
}

/** `foreach SOURCE as PATTERN (INIT; UPDATE)` and `(INIT; UPDATE; EXTRACT)` */
export interface ForeachNode extends NodeBase {
  readonly kind: 'foreach';
  readonly source: JqNode;
  readonly patterns: readonly JqPattern[];
  readonly init: JqNode;
  readonly update: JqNode;
  readonly extract: JqNode | undefined;
}

/** `def f: …; def g(a; $b): …; BODY` — definitions in order, visible to later ones, to themselves and to BODY. */
export interface FunctionDefinitionsNode extends NodeBase {
  readonly kind: 'functionDefinitions';
  readonly definitions: readonly FunctionDefinition[];
  readonly body: JqNode;
}

export interface FunctionDefinition {
  readonly at: number;
  readonly name: string;
  /** `f` is a closure parameter; `$f` a value parameter (jq: `def g($f): …` is `def g(f): f as $f | …`). */
  readonly params: readonly { readonly name: string; readonly isValue: boolean }[];
  readonly body: JqNode;
}

/** `f`, `f(a; b)`: user functions and builtins alike; resolved by name and arity at compile time. */
export interface CallNode extends NodeBase {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly JqNode[];
}

/** `$name` (also `$ENV`) */
export interface VariableNode extends NodeBase {
  readonly kind: 'variable';
  readonly name: string;
}

/** `$__loc__`: `{"file":"<stdin>","line":N}`, 1-based line of the token. */
export interface LocationNode extends NodeBase {
  readonly kind: 'location';
  readonly line: number;
}

/** `SOURCE as P1 ?// P2 ?// … | BODY` */
export interface BindNode extends NodeBase {
  readonly kind: 'bind';
  readonly source: JqNode;
  readonly patterns: readonly JqPattern[];
  readonly body: JqNode;
}

/** `label $name | BODY` */
export interface LabelNode extends NodeBase {
  readonly kind: 'label';
  readonly name: string;
  readonly body: JqNode;
}

/** `break $name` */
export interface BreakNode extends NodeBase {
  readonly kind: 'break';
  readonly name: string;
}

/** Destructuring patterns of `as`, `reduce` and `foreach`. */
export type JqPattern = VariablePattern | ArrayPattern | ObjectPattern;

export interface VariablePattern {
  readonly kind: 'variable';
  readonly name: string;
}

/** `[$a, [$b]]` */
export interface ArrayPattern {
  readonly kind: 'array';
  readonly elements: readonly JqPattern[];
}

/**
 * `{a: $x, $b, "c": [$y], (expr): $z, $d: {e: $w}}`: `key` is evaluated against the pattern's input; `variable`
 * (from `$b` or `$d: …`) binds the whole value at that key; `value` destructures it further.
 */
export interface ObjectPattern {
  readonly kind: 'object';
  readonly entries: readonly {
    readonly key: JqNode;
    readonly variable: string | undefined;
    readonly value: JqPattern | undefined;
  }[];
}
