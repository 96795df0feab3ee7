import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketIndex, LatencyHistogram } from '../src/latency-histogram.js';

test('puts a latency of t ns in bucket floor(ln(t) / ln(1.01)), and below 1 ns in bucket 0', () => {
  for (const [nanos, index] of [
    [0, 0],
    [0.5, 0],
    [1, 0],
    [2, 69],
    [100, 462],
    [1e6, 1388],
    [1e9, 2082],
    [2 ** 63, 4388],
  ]) {
    assert.equal(bucketIndex(nanos), index, `${nanos} ns`);
    if (nanos >= 1) assert.ok(1.01 ** index <= nanos && nanos < 1.01 ** (index + 1));
  }
});

test('reports the non-empty buckets ascending, with count, min, max and sum', () => {
  const histogram = new LatencyHistogram();
  for (const nanos of [1e6, 100, 100, 1e9]) histogram.record(nanos);
  assert.equal(histogram.count, 4);
  assert.deepEqual(histogram.toMessage(), {
    buckets: [
      { index: 462, count: '2' },
      { index: 1388, count: '1' },
      { index: 2082, count: '1' },
    ],
    count: '4',
    min_nanos: '100',
    max_nanos: '1000000000',
    sum_nanos: '1001000200',
  });
});

test('reports an empty histogram as zeros', () => {
  assert.deepEqual(new LatencyHistogram().toMessage(), {
    buckets: [],
    count: '0',
    min_nanos: '0',
    max_nanos: '0',
    sum_nanos: '0',
  });
});
