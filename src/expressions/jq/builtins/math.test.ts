import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mathFunctions } from './math.js';
import { runNativeCases, type NativeCase } from './native-test-case.js';

const approx = 1e-12;
const bessel = 1e-7; // Numerical Recipes fits, see math-special.ts

const cases: NativeCase[] = [
  { name: 'sqrt/0', input: 16, out: 4 },
  { name: 'sqrt/0', input: 'a', error: 'string ("a") number required' },
  { name: 'pow/2', input: null, args: [2, 10], out: 1024 },
  { name: 'pow/2', input: null, args: [1, Number.NaN], out: 1, why: 'C pow, not Math.pow' },
  { name: 'pow/2', input: null, args: [-1, Infinity], out: 1 },
  { name: 'pow/2', input: null, args: [Number.NaN, 0], out: 1 },
  { name: 'pow/2', input: null, args: ['a', 1], error: 'string ("a") number required' },
  { name: 'pow/2', input: null, args: [1, null], error: 'null (null) number required' },
  { name: 'log2/0', input: 8, out: 3 },
  { name: 'exp10/0', input: 2, out: 100 },
  { name: 'exp2/0', input: 10, out: 1024 },
  { name: 'floor/0', input: -1.5, out: -2 },
  { name: 'ceil/0', input: -1.5, out: -1 },
  { name: 'trunc/0', input: -1.5, out: -1 },
  { name: 'fabs/0', input: -1.5, out: 1.5 },
  { name: 'round/0', input: -2.5, out: -3, why: 'halves away from zero' },
  { name: 'round/0', input: 0.49999999999999994, out: 0 },
  { name: 'rint/0', input: 2.5, out: 2, why: 'halves to even' },
  { name: 'nearbyint/0', input: -3.5, out: -4 },
  { name: 'rint/0', input: -0.4, out: -0 },
  { name: 'frexp/0', input: 8, out: [0.5, 4] },
  { name: 'frexp/0', input: 0, out: [0, 0] },
  { name: 'frexp/0', input: 5e-324, out: [0.5, -1073] },
  { name: 'modf/0', input: -3.5, out: [-0.5, -3] },
  { name: 'modf/0', input: Infinity, out: [0, Infinity] },
  { name: 'ldexp/2', input: null, args: [3, 4], out: 48 },
  { name: 'ldexp/2', input: null, args: [1, -1074], out: 5e-324 },
  { name: 'scalb/2', input: null, args: [3, 2], out: 12 },
  { name: 'scalbln/2', input: null, args: [3, 2], out: 12 },
  { name: 'significand/0', input: 10, out: 1.25 },
  { name: 'logb/0', input: 10, out: 3 },
  { name: 'logb/0', input: 0, out: -Infinity },
  { name: 'drem/2', input: null, args: [10, 3], out: 1 },
  { name: 'remainder/2', input: null, args: [5, 2], out: 1, why: 'a tie goes to the even quotient 2' },
  { name: 'remainder/2', input: null, args: [7, 2], out: -1, why: 'a tie goes to the even quotient 4' },
  { name: 'remainder/2', input: null, args: [-7, 2], out: 1 },
  { name: 'fmod/2', input: null, args: [-7, 2], out: -1 },
  { name: 'fdim/2', input: null, args: [2, 5], out: 0 },
  { name: 'fmax/2', input: null, args: [Number.NaN, 1], out: 1 },
  { name: 'fmin/2', input: null, args: [2, Number.NaN], out: 2 },
  { name: 'copysign/2', input: null, args: [3, -0], out: -3 },
  { name: 'nextafter/2', input: null, args: [1, 2], out: 1.0000000000000002 },
  { name: 'nextafter/2', input: null, args: [0, -1], out: -5e-324 },
  { name: 'nexttoward/2', input: null, args: [1, 0], out: 0.9999999999999999 },
  { name: 'atan2/2', input: null, args: [1, 1], out: Math.PI / 4 },
  { name: 'hypot/2', input: null, args: [3, 4], out: 5 },
  { name: 'fma/3', input: null, args: [2, 3, 4], out: 10 },
  { name: 'fma/3', input: null, args: [2, 'x', 4], error: 'string ("x") number required' },
  { name: 'tgamma/0', input: 5, out: 24 },
  { name: 'tgamma/0', input: 0.5, out: Math.sqrt(Math.PI), tolerance: approx },
  { name: 'tgamma/0', input: -1.5, out: 2.3632718012073544, tolerance: approx },
  { name: 'lgamma/0', input: 100, out: 359.1342053695754, tolerance: approx },
  { name: 'gamma/0', input: 10, out: Math.log(362880), tolerance: approx, why: "glibc's gamma is lgamma" },
  { name: 'erf/0', input: 0.5, out: 0.5204998778130465, tolerance: approx },
  { name: 'erf/0', input: -2, out: -0.9953222650189527, tolerance: approx },
  { name: 'erfc/0', input: 3, out: 2.209049699858544e-5, tolerance: 1e-10 },
  { name: 'erfc/0', input: 10, out: 2.088487583762545e-45, tolerance: 1e-10 },
  { name: 'j0/0', input: 1, out: 0.7651976865579666, tolerance: bessel },
  { name: 'j0/0', input: 10, out: -0.2459357644513483, tolerance: bessel },
  { name: 'j1/0', input: 2, out: 0.5767248077568734, tolerance: bessel },
  { name: 'y0/0', input: 1, out: 0.08825696421567697, tolerance: bessel * 10 },
  { name: 'y1/0', input: 2, out: -0.10703243154093754, tolerance: bessel },
  { name: 'jn/2', input: null, args: [3, 2.5], out: 0.216600391039118, tolerance: bessel },
  { name: 'yn/2', input: null, args: [2, 3], out: -0.16040039348492374, tolerance: bessel },
];
runNativeCases(mathFunctions, cases);

test('lgamma_r agrees with its test value to 1e-12', () => {
  const [value, sign] = (mathFunctions['lgamma_r/0'] as (x: number) => [number, number])(-0.5);
  assert.ok(Math.abs(value - 1.2655121234846454) < 1e-12);
  assert.equal(sign, -1);
});

test('every libm name of jq 1.7.1 is present with its arity', () => {
  const names = [
    'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'cos', 'cosh', 'exp', 'exp2', 'floor', 'j0', 'j1', 'log',
    'log10', 'log2', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tgamma', 'y0', 'y1', 'ceil', 'erf', 'erfc', 'exp10', 'expm1',
    'fabs', 'gamma', 'lgamma', 'log1p', 'logb', 'nearbyint', 'pow10', 'rint', 'round', 'significand', 'trunc', 'frexp',
    'modf', 'lgamma_r',
  ].map((n) => `${n}/0`);
  const binary = ['atan2', 'hypot', 'pow', 'remainder', 'jn', 'yn', 'copysign', 'drem', 'fdim', 'fmax', 'fmin', 'fmod',
    'nextafter', 'nexttoward', 'scalb', 'scalbln', 'ldexp'].map((n) => `${n}/2`);
  for (const name of [...names, ...binary, 'fma/3']) assert.ok(name in mathFunctions, name);
});
