import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import {
  calculate,
  CalculatorError,
  factorizationOf,
  primeFactors,
  rangeOf,
  RunningAverage,
  statistics,
  Summation,
} from '../src/calculator.js';

// Messages as proto-loader decodes them (keepCase, longs: String, enums: String, oneofs).
const int = (value) => ({ integer: String(value), value: 'integer' });
const real = (value) => ({ real: value, value: 'real' });
const op = (name) => `OPERATION_${name}`;

function refusal(code, message, violation = null) {
  return (error) => {
    assert.ok(error instanceof CalculatorError, `expected a CalculatorError, got ${error}`);
    assert.deepEqual(
      { code: error.code, message: error.message, violation: error.violation },
      { code, message, violation },
    );
    return true;
  };
}

const invalid = (message, field, description) =>
  refusal(status.INVALID_ARGUMENT, message, { field, description });
const overflow = refusal(status.OUT_OF_RANGE, 'integer overflow');

describe('calculate', () => {
  test('adds, subtracts and multiplies int64 exactly', () => {
    assert.deepEqual(
      calculate({ operation: op('ADD'), left: int('9223372036854775806'), right: int(1) }),
      {
        result: { integer: '9223372036854775807' },
      },
    );
    assert.deepEqual(calculate({ operation: op('SUBTRACT'), left: int(-5), right: int(7) }), {
      result: { integer: '-12' },
    });
    assert.deepEqual(
      calculate({ operation: op('MULTIPLY'), left: int('3037000499'), right: int('3037000499') }),
      {
        result: { integer: '9223372030926249001' },
      },
    );
  });

  test('divides integers truncating toward zero', () => {
    const divide = (a, b) =>
      calculate({ operation: op('DIVIDE'), left: int(a), right: int(b) }).result;
    assert.deepEqual(divide(7, -2), { integer: '-3' });
    assert.deepEqual(divide(-7, 2), { integer: '-3' });
    assert.deepEqual(divide(-7, -2), { integer: '3' });
    assert.deepEqual(divide('-9223372036854775808', 1), { integer: '-9223372036854775808' });
  });

  test('reports int64 overflow with OUT_OF_RANGE', () => {
    const compute = (operation, a, b) => () =>
      calculate({ operation: op(operation), left: int(a), right: int(b) });
    assert.throws(compute('ADD', '9223372036854775807', 1), overflow);
    assert.throws(compute('SUBTRACT', '-9223372036854775808', 1), overflow);
    assert.throws(compute('MULTIPLY', '-9223372036854775808', -1), overflow);
    assert.throws(compute('DIVIDE', '-9223372036854775808', -1), overflow);
  });

  test('uses double arithmetic when either operand is real', () => {
    assert.deepEqual(calculate({ operation: op('ADD'), left: int(1), right: real(0.5) }), {
      result: { real: 1.5 },
    });
    assert.deepEqual(calculate({ operation: op('DIVIDE'), left: real(1), right: int(3) }), {
      result: { real: 1 / 3 },
    });
    // 2^63 - 1 converts to 2^63 as a double: no int64 survives the conversion unrounded.
    assert.deepEqual(
      calculate({ operation: op('SUBTRACT'), left: int('9223372036854775807'), right: real(0) }),
      {
        result: { real: 9223372036854775808 },
      },
    );
    assert.deepEqual(calculate({ operation: op('MULTIPLY'), left: real(1e308), right: real(10) }), {
      result: { real: Infinity },
    });
    assert.ok(
      Number.isNaN(calculate({ operation: op('ADD'), left: real(NaN), right: int(1) }).result.real),
    );
    assert.ok(
      Object.is(
        calculate({ operation: op('MULTIPLY'), left: real(-0), right: int(5) }).result.real,
        -0,
      ),
    );
  });

  test('refuses division by integer 0, 0.0 and -0.0', () => {
    const divisionByZero = invalid('division by zero', 'right', 'must not be zero');
    for (const zero of [int(0), real(0), real(-0)]) {
      assert.throws(
        () => calculate({ operation: op('DIVIDE'), left: int(1), right: zero }),
        divisionByZero,
      );
      assert.throws(
        () => calculate({ operation: op('DIVIDE'), left: real(1.5), right: zero }),
        divisionByZero,
      );
    }
  });

  test('checks the request in the order the contract gives', () => {
    assert.throws(
      () => calculate({ operation: 'OPERATION_UNSPECIFIED', left: null, right: null }),
      invalid('operation is required', 'operation', 'is required'),
    );
    assert.throws(
      () => calculate({ operation: 9, left: null, right: null }),
      invalid('unknown operation 9', 'operation', 'unknown value 9'),
    );
    assert.throws(
      () => calculate({ operation: op('DIVIDE'), left: null, right: null }),
      invalid('left operand is required', 'left', 'is required'),
    );
    assert.throws(
      () => calculate({ operation: op('DIVIDE'), left: int(1), right: null }),
      invalid('right operand is required', 'right', 'is required'),
    );
    // A Number with neither member set holds no operand either.
    assert.throws(
      () => calculate({ operation: op('ADD'), left: {}, right: int(1) }),
      invalid('left operand is required', 'left', 'is required'),
    );
  });
});

describe('factorize', () => {
  const factors = (n) => [...primeFactors(n)];

  test('finds the prime factors, smallest first, with multiplicity', () => {
    assert.deepEqual(factors(12), [2, 2, 3]);
    assert.deepEqual(factors(1), []);
    assert.deepEqual(factors(2), [2]);
    assert.deepEqual(factors(999_999_999_989), [999_999_999_989]);
    assert.deepEqual(factors(1_000_000_000_000), [...Array(12).fill(2), ...Array(12).fill(5)]);
    assert.deepEqual(factors(600_851_475_143), [71, 839, 1471, 6857]);
  });

  test('accepts numbers from 1 to 10^12 and intervals from 0 s to 10 s', () => {
    assert.deepEqual(
      factorizationOf({ number: '1000000000000', interval: { seconds: '10', nanos: 0 } }),
      {
        number: 1e12,
        intervalMillis: 10_000,
      },
    );
    assert.deepEqual(factorizationOf({ number: '1', interval: null }), {
      number: 1,
      intervalMillis: 0,
    });
    assert.deepEqual(
      factorizationOf({ number: '6', interval: { seconds: '0', nanos: 1_500_000 } }),
      {
        number: 6,
        intervalMillis: 1.5,
      },
    );
  });

  test('refuses numbers and intervals out of range, number first', () => {
    const badNumber = invalid(
      'number must be between 1 and 1000000000000',
      'number',
      'out of range',
    );
    const badInterval = invalid('interval must be between 0s and 10s', 'interval', 'out of range');
    for (const number of ['0', '-1', '1000000000001', '-9223372036854775808']) {
      assert.throws(
        () => factorizationOf({ number, interval: { seconds: '-1', nanos: 0 } }),
        badNumber,
      );
    }
    for (const interval of [
      { seconds: '-1', nanos: 0 },
      { seconds: '0', nanos: -1 },
      { seconds: '10', nanos: 1 },
      { seconds: '11', nanos: 0 },
    ]) {
      assert.throws(() => factorizationOf({ number: '12', interval }), badInterval);
    }
  });
});

describe('range', () => {
  const badCount = invalid('count must be between 0 and 1000000', 'count', 'out of range');

  test('accepts counts from 0 to 10^6 whose last integer fits in int64', () => {
    assert.deepEqual(rangeOf({ start: '-5', count: '1000000' }), { start: -5n, count: 1_000_000 });
    assert.deepEqual(rangeOf({ start: '9223372036854775807', count: '1' }), {
      start: 9223372036854775807n,
      count: 1,
    });
    // An empty range has no last integer, so no start is too large for it.
    assert.deepEqual(rangeOf({ start: '9223372036854775807', count: '0' }), {
      start: 9223372036854775807n,
      count: 0,
    });
  });

  test('refuses a count out of range before an overflow', () => {
    for (const count of ['-1', '1000001', '-9223372036854775808']) {
      assert.throws(() => rangeOf({ start: '9223372036854775807', count }), badCount);
    }
    assert.throws(() => rangeOf({ start: '9223372036854775807', count: '2' }), overflow);
    assert.throws(() => rangeOf({ start: '9223372036854000000', count: '1000000' }), overflow);
  });
});

describe('sum', () => {
  const sumOf = (...values) => {
    const summation = new Summation();
    for (const value of values) summation.add(value);
    return summation.result();
  };

  test('adds integers exactly', () => {
    assert.deepEqual(sumOf(int('9223372036854775800'), int(7)), {
      count: '2',
      sum: { integer: '9223372036854775807' },
    });
    assert.deepEqual(sumOf(), { count: '0', sum: { integer: '0' } });
  });

  test('fails when a partial sum leaves int64, even if a later one would come back', () => {
    assert.throws(() => sumOf(int('9223372036854775807'), int(1), int(-1)), overflow);
  });

  test('adds every value as a double, in order, once any value is real', () => {
    assert.deepEqual(sumOf(int('9223372036854775807'), int(1), real(0.5)), {
      count: '3',
      sum: { real: 9223372036854775807 + 1 + 0.5 },
    });
    // Sequential, not compensated: 1e16 + 1 rounds back to 1e16.
    assert.deepEqual(sumOf(real(1e16), int(1), real(-1e16)), { count: '3', sum: { real: 0 } });
  });

  test('refuses a request without a value', () => {
    const summation = new Summation();
    summation.add(int(1));
    assert.throws(() => summation.add(null), invalid('value is required', 'value', 'is required'));
  });
});

describe('running average', () => {
  test('averages the values so far', () => {
    const average = new RunningAverage();
    assert.deepEqual(average.add(1), { count: '1', average: 1 });
    assert.deepEqual(average.add(2), { count: '2', average: 1.5 });
    assert.deepEqual(average.add(6), { count: '3', average: 3 });
  });
});

describe('statistics', () => {
  test('summarises the values and sorts -0.0 before 0.0', () => {
    const result = statistics({ values: [3, 0, -0, -1.5, 10], include_sorted: true });
    assert.deepEqual(result, {
      count: '5',
      sum: 11.5,
      min: -1.5,
      max: 10,
      mean: 2.3,
      sorted: [-1.5, -0, 0, 3, 10],
    });
    assert.ok(Object.is(result.sorted[1], -0) && Object.is(result.sorted[2], 0));
    assert.ok(Object.is(statistics({ values: [0, -0], include_sorted: false }).min, -0));
  });

  test('sums in the order given, without compensation', () => {
    assert.equal(statistics({ values: [1e16, 1, -1e16], include_sorted: false }).sum, 0);
  });

  test('leaves every field at its default with no values', () => {
    assert.deepEqual(statistics({ values: [], include_sorted: true }), {
      count: '0',
      sum: 0,
      min: 0,
      max: 0,
      mean: 0,
      sorted: [],
    });
  });

  test('omits the sorted values unless asked', () => {
    assert.deepEqual(statistics({ values: [2, 1], include_sorted: false }).sorted, []);
  });

  test('refuses NaN', () => {
    assert.throws(
      () => statistics({ values: [1, NaN], include_sorted: false }),
      invalid('values must not contain NaN', 'values', 'must not contain NaN'),
    );
  });

  test('handles hundreds of thousands of values', () => {
    const values = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000);
    const result = statistics({ values, include_sorted: true });
    assert.equal(result.count, '300000');
    assert.equal(result.min, 0);
    assert.equal(result.max, 299_999);
    assert.equal(result.sorted[150_000], 150_000);
  });
});
