import type { Json } from '../../../model/json.js';
import {
  besselJ0,
  besselJ1,
  besselJn,
  besselY0,
  besselY1,
  besselYn,
  erf,
  erfc,
  lgammaWithSign,
  tgamma,
} from './math-special.js';
import type { NativeFunction, NativeFunctionTable } from './native-function.js';
import { typeError } from './type-error.js';

/**
 * The libm functions jq 1.7.1 exposes (src/libm.h, plus frexp, modf, lgamma_r), with the C semantics where JS's
 * Math differs (rounding halves, pow's special cases, remainder). Every argument must be a number: jq's error is
 * `<type> (<value>) number required`. One-argument functions take the input (`2 | sqrt`); two- and three-argument
 * ones ignore the input and take their jq arguments (`pow(2; 10)`). Approximations: see math-special.ts.
 */

function requireNumber(value: Json): number {
  if (typeof value !== 'number') throw typeError(value, 'number required');
  return value;
}

function unary(f: (x: number) => number): NativeFunction {
  return (input) => f(requireNumber(input));
}

function binary(f: (a: number, b: number) => number): NativeFunction {
  return (_input, a, b) => {
    const x = requireNumber(a);
    return f(x, requireNumber(b));
  };
}

function bitsOf(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

function fromBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** frexp: [m, e] with x = m·2^e and 0.5 ≤ |m| < 1; 0, infinities and NaN give [x, 0]. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exponent = Math.max(-1023, Math.floor(Math.log2(Math.abs(x))) + 1);
  let mantissa = x * Math.pow(2, -exponent);
  // log2 can be off by one near powers of two, and subnormals need two steps.
  while (Math.abs(mantissa) < 0.5) {
    mantissa *= 2;
    exponent--;
  }
  while (Math.abs(mantissa) >= 1) {
    mantissa /= 2;
    exponent++;
  }
  return [mantissa, exponent];
}

/** ldexp / scalbn: x·2^n without intermediate overflow or underflow. */
export function ldexp(x: number, n: number): number {
  if (x === 0 || !Number.isFinite(x) || Number.isNaN(n)) return Number.isNaN(n) ? Number.NaN : x;
  let exponent = Math.trunc(Math.max(-2200, Math.min(2200, n)));
  let result = x;
  while (exponent > 1023) {
    result *= 2 ** 1023;
    exponent -= 1023;
  }
  while (exponent < -1022) {
    result *= 2 ** -1022;
    exponent += 1022;
  }
  return result * 2 ** exponent;
}

function modf(x: number): [number, number] {
  if (Number.isNaN(x)) return [x, x];
  if (!Number.isFinite(x)) return [x < 0 ? -0 : 0, x];
  const whole = Math.trunc(x);
  const fraction = x - whole;
  return [fraction === 0 && (x < 0 || Object.is(x, -0)) ? -0 : fraction, whole];
}

/** C round: halves away from zero (Math.round rounds -2.5 to -2). */
function roundHalfAway(x: number): number {
  if (!Number.isFinite(x)) return x;
  const whole = Math.trunc(x);
  return Math.abs(x - whole) >= 0.5 ? whole + Math.sign(x) : whole;
}

/** rint / nearbyint in the default rounding mode: halves to even. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 52) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  let result = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  if (result === 0 && (x < 0 || Object.is(x, -0))) result = -0;
  return result;
}

/** logb: the unbiased exponent as a double. */
function logb(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return -Infinity;
  if (!Number.isFinite(x)) return Infinity;
  return frexp(x)[1] - 1;
}

/** significand: x scaled into [1, 2) (glibc's significand(x) = scalb(x, -ilogb(x))). */
function significand(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return frexp(x)[0] * 2;
}

/** C pow: unlike Math.pow, pow(1, y) and pow(-1, ±∞) are 1, and pow(x, ±0) is 1 even for NaN. */
function pow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** IEEE remainder (remainder, drem): x − n·y with n = x/y rounded to nearest, ties to even. */
function remainder(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || y === 0) return Number.NaN;
  if (!Number.isFinite(y)) return x;
  const ay = Math.abs(y);
  // fmod by 2|y| keeps the quotient's parity, so the tie can go to the even multiple.
  let r = Number.isFinite(2 * ay) ? x % (2 * ay) : x;
  const ar = Math.abs(r);
  if (ar > ay) {
    r -= Math.sign(r) * ay;
  }
  const ar2 = Math.abs(r);
  if (ar2 * 2 > ay || (ar2 * 2 === ay && ar > ay)) r -= Math.sign(r) * ay;
  if (r === 0) return x < 0 || Object.is(x, -0) ? -0 : 0;
  return r;
}

function nextafter(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? 5e-324 : -5e-324;
  const bits = bitsOf(x);
  return fromBits(x < y === x > 0 ? bits + 1n : bits - 1n);
}

function fmax(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}

function fmin(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.min(a, b);
}

function copysign(a: number, b: number): number {
  const negative = b < 0 || Object.is(b, -0) || (Number.isNaN(b) && bitsOf(b) >> 63n === 1n);
  return negative ? -Math.abs(a) : Math.abs(a);
}

export const mathFunctions: NativeFunctionTable = {
  'acos/0': unary(Math.acos),
  'acosh/0': unary(Math.acosh),
  'asin/0': unary(Math.asin),
  'asinh/0': unary(Math.asinh),
  'atan/0': unary(Math.atan),
  'atanh/0': unary(Math.atanh),
  'cbrt/0': unary(Math.cbrt),
  'ceil/0': unary(Math.ceil),
  'cos/0': unary(Math.cos),
  'cosh/0': unary(Math.cosh),
  'erf/0': unary(erf),
  'erfc/0': unary(erfc),
  'exp/0': unary(Math.exp),
  'exp10/0': unary((x) => pow(10, x)),
  'exp2/0': unary((x) => pow(2, x)),
  'expm1/0': unary(Math.expm1),
  'fabs/0': unary(Math.abs),
  'floor/0': unary(Math.floor),
  // glibc's gamma is lgamma (the log of |Γ|), not Γ.
  'gamma/0': unary((x) => lgammaWithSign(x)[0]),
  'j0/0': unary(besselJ0),
  'j1/0': unary(besselJ1),
  'lgamma/0': unary((x) => lgammaWithSign(x)[0]),
  'log/0': unary(Math.log),
  'log10/0': unary(Math.log10),
  'log1p/0': unary(Math.log1p),
  'log2/0': unary(Math.log2),
  'logb/0': unary(logb),
  'nearbyint/0': unary(roundHalfEven),
  'pow10/0': unary((x) => pow(10, x)),
  'rint/0': unary(roundHalfEven),
  'round/0': unary(roundHalfAway),
  'significand/0': unary(significand),
  'sin/0': unary(Math.sin),
  'sinh/0': unary(Math.sinh),
  'sqrt/0': unary(Math.sqrt),
  'tan/0': unary(Math.tan),
  'tanh/0': unary(Math.tanh),
  'tgamma/0': unary(tgamma),
  'trunc/0': unary(Math.trunc),
  'y0/0': unary(besselY0),
  'y1/0': unary(besselY1),
  'frexp/0': (input) => frexp(requireNumber(input)),
  'modf/0': (input) => modf(requireNumber(input)),
  'lgamma_r/0': (input) => lgammaWithSign(requireNumber(input)),
  'atan2/2': binary(Math.atan2),
  'copysign/2': binary(copysign),
  'drem/2': binary(remainder),
  'fdim/2': binary((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a > b ? a - b : 0)),
  'fmax/2': binary(fmax),
  'fmin/2': binary(fmin),
  'fmod/2': binary((a, b) => a % b),
  'hypot/2': binary(Math.hypot),
  'jn/2': binary(besselJn),
  'ldexp/2': binary(ldexp),
  'nextafter/2': binary(nextafter),
  'nexttoward/2': binary(nextafter),
  'pow/2': binary(pow),
  'remainder/2': binary(remainder),
  'scalb/2': binary((x, n) => (Number.isInteger(n) || !Number.isFinite(n) ? scalbInfinite(x, n) : Number.NaN)),
  'scalbln/2': binary(ldexp),
  'yn/2': binary(besselYn),
  'fma/3': (_input, a, b, c) => {
    const x = requireNumber(a);
    const y = requireNumber(b);
    return x * y + requireNumber(c);
  },
};

/** scalb with an infinite exponent: x·2^±∞. */
function scalbInfinite(x: number, n: number): number {
  if (n === Infinity) return x === 0 ? Number.NaN : x * Infinity;
  if (n === -Infinity) return Number.isFinite(x) ? x * 0 : Number.NaN;
  return ldexp(x, n);
}
