// The calculator's arithmetic, as calculator.proto's comments define it, on the plain objects that
// @grpc/proto-loader produces (int64 as decimal strings, enums as names, oneofs named in `value`).
// Integers are BigInt throughout, so no int64 ever passes through a double.
import { status } from '@grpc/grpc-js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const LARGEST_FACTORIZABLE = 1_000_000_000_000n;
const LONGEST_INTERVAL_SECONDS = 10n;
const LONGEST_RANGE = 1_000_000n;

/** A request the calculator refuses: its status code, message and, where a field is at fault, the violation. */
export class CalculatorError extends Error {
  constructor(code, message, violation = null) {
    super(message);
    this.name = 'CalculatorError';
    this.code = code;
    this.violation = violation;
  }
}

function invalidArgument(message, field, description) {
  return new CalculatorError(status.INVALID_ARGUMENT, message, { field, description });
}

function integerOverflow() {
  return new CalculatorError(status.OUT_OF_RANGE, 'integer overflow');
}

function fitsInt64(value) {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** The value of a calculator.v1.Number: a BigInt for an integer, a number for a real, null when unset. */
function operandOf(number) {
  switch (number?.value) {
    case 'integer':
      return BigInt(number.integer);
    case 'real':
      return number.real;
    default:
      return null;
  }
}

function isZero(operand) {
  // -0 === 0, so this also catches -0.0.
  return typeof operand === 'bigint' ? operand === 0n : operand === 0;
}

function integerNumber(value) {
  if (!fitsInt64(value)) throw integerOverflow();
  return { integer: value.toString() };
}

// JavaScript's operators do exactly what the contract asks of both kinds of operand: on two BigInts
// they are exact and `/` truncates toward zero; on two numbers they are IEEE 754 double arithmetic.
const OPERATIONS = new Map([
  ['OPERATION_ADD', (a, b) => a + b],
  ['OPERATION_SUBTRACT', (a, b) => a - b],
  ['OPERATION_MULTIPLY', (a, b) => a * b],
  ['OPERATION_DIVIDE', (a, b) => a / b],
]);

/** Calculate: one operation on two operands, checked in the order the contract lists. */
export function calculate({ operation, left, right }) {
  if (operation === 'OPERATION_UNSPECIFIED') {
    throw invalidArgument('operation is required', 'operation', 'is required');
  }
  const apply = OPERATIONS.get(operation);
  // proto-loader hands over a value outside the enum as its number.
  if (apply === undefined) {
    throw invalidArgument(
      `unknown operation ${operation}`,
      'operation',
      `unknown value ${operation}`,
    );
  }
  const a = operandOf(left);
  if (a === null) throw invalidArgument('left operand is required', 'left', 'is required');
  const b = operandOf(right);
  if (b === null) throw invalidArgument('right operand is required', 'right', 'is required');
  if (operation === 'OPERATION_DIVIDE' && isZero(b)) {
    throw invalidArgument('division by zero', 'right', 'must not be zero');
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    return { result: integerNumber(apply(a, b)) };
  }
  return { result: { real: apply(Number(a), Number(b)) } };
}

/**
 * Factorize's request, checked: the number (at most 10^12, so a safe integer for plain numbers) and
 * the wait before each factor in milliseconds.
 */
export function factorizationOf({ number, interval }) {
  const n = BigInt(number);
  if (n < 1n || n > LARGEST_FACTORIZABLE) {
    throw invalidArgument('number must be between 1 and 1000000000000', 'number', 'out of range');
  }
  let intervalMillis = 0;
  if (interval) {
    const seconds = BigInt(interval.seconds);
    const { nanos } = interval;
    const negative = seconds < 0n || nanos < 0;
    const tooLong =
      seconds > LONGEST_INTERVAL_SECONDS || (seconds === LONGEST_INTERVAL_SECONDS && nanos > 0);
    if (negative || tooLong) {
      throw invalidArgument('interval must be between 0s and 10s', 'interval', 'out of range');
    }
    intervalMillis = Number(seconds) * 1000 + nanos / 1e6;
  }
  return { number: Number(n), intervalMillis };
}

/**
 * Range's request, checked: the first integer and how many there are. The last integer,
 * start + count - 1, must fit in int64; an empty range has none, so count 0 goes with any start.
 */
export function rangeOf({ start, count }) {
  const first = BigInt(start);
  const n = BigInt(count);
  if (n < 0n || n > LONGEST_RANGE) {
    throw invalidArgument('count must be between 0 and 1000000', 'count', 'out of range');
  }
  if (n > 0n && !fitsInt64(first + n - 1n)) throw integerOverflow();
  return { start: first, count: Number(n) };
}

/** The prime factors of n, smallest first, with multiplicity; lazily, so the first comes at once. */
export function* primeFactors(n) {
  let rest = n;
  for (let p = 2; p * p <= rest; p += p === 2 ? 1 : 2) {
    while (rest % p === 0) {
      yield p;
      rest /= p;
    }
  }
  if (rest > 1) yield rest;
}

/**
 * Sum over a stream: the integer sum while every value is an integer, and all along the double sum
 * of every value converted, since a single real anywhere makes that the answer.
 */
export class Summation {
  #count = 0;
  #integerSum = 0n;
  #overflowed = false;
  #realSum = 0;
  #sawReal = false;

  add(number) {
    const value = operandOf(number);
    if (value === null) throw invalidArgument('value is required', 'value', 'is required');
    this.#count += 1;
    this.#realSum += Number(value);
    if (typeof value === 'number') {
      this.#sawReal = true;
    } else if (!this.#overflowed) {
      this.#integerSum += value;
      this.#overflowed = !fitsInt64(this.#integerSum);
    }
  }

  result() {
    const count = String(this.#count);
    if (this.#sawReal) return { count, sum: { real: this.#realSum } };
    if (this.#overflowed) throw integerOverflow();
    return { count, sum: integerNumber(this.#integerSum) };
  }
}

/** RunningAverage: the average of the values so far, summed in the order received. */
export class RunningAverage {
  #count = 0;
  #sum = 0;

  add(value) {
    this.#count += 1;
    this.#sum += value;
    return { count: String(this.#count), average: this.#sum / this.#count };
  }
}

/** Statistics over a list of doubles. */
export function statistics({ values, include_sorted: includeSorted }) {
  if (values.some(Number.isNaN)) {
    throw invalidArgument('values must not contain NaN', 'values', 'must not contain NaN');
  }
  if (values.length === 0) {
    return { count: '0', sum: 0, min: 0, max: 0, mean: 0, sorted: [] };
  }
  let sum = 0;
  for (const value of values) sum += value;
  // A typed array sorts numerically and puts -0 before +0, which Array.prototype.sort does not.
  const sorted = Float64Array.from(values).sort();
  return {
    count: String(values.length),
    sum,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sum / values.length,
    sorted: includeSorted ? Array.from(sorted) : [],
  };
}
