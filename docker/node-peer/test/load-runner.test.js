// RunLoad end to end on loopback: loads of every streaming kind driven against the peer itself,
// what they count, and the refusals of RunLoad's contract (proto/interop/v1/peer_control.proto).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { decodeRichStatus } from '../src/rich-status.js';
import { CALCULATOR, catalog, int, LoopbackPeer, protos, unary } from './loopback-peer.js';

const ADD = { operation: 'OPERATION_ADD', left: int(1), right: int(2) };
const millis = (milliseconds) => ({ seconds: 0, nanos: milliseconds * 1e6 });
const toMillis = ({ seconds, nanos }) => Number(seconds) * 1000 + nanos / 1e6;

let peer;

before(async () => {
  peer = await LoopbackPeer.start();
});

after(() => peer.stop());

/** RunLoad of `call` (a RunCallRequest) with the rest of the RunLoadRequest; its report. */
async function runLoad(call, load) {
  const { response, error } = await unary(peer.control, 'RunLoad', { call, ...load });
  if (error) throw error;
  return response;
}

/** What holds for every histogram: ascending buckets whose counts add up, min <= max. */
function assertHistogram(latency, count) {
  assert.equal(Number(latency.count), count);
  const indices = latency.buckets.map(({ index }) => index);
  assert.deepEqual(
    indices,
    [...indices].sort((a, b) => a - b),
    'buckets ascending',
  );
  assert.equal(new Set(indices).size, indices.length, 'each bucket once');
  assert.equal(
    latency.buckets.reduce((sum, { count: n }) => sum + Number(n), 0),
    count,
    'bucket counts add up to count',
  );
  if (count > 0) {
    assert.ok(Number(latency.min_nanos) > 0);
    assert.ok(Number(latency.min_nanos) <= Number(latency.max_nanos));
    assert.ok(Number(latency.sum_nanos) >= Number(latency.min_nanos) * count);
  }
}

describe('RunLoad', () => {
  test('runs a unary load for a duration, after a warm-up, on several channels', async () => {
    const report = await runLoad(peer.describeCall('Calculate', [ADD]), {
      concurrency: 4,
      channels: 2,
      warmup: millis(50),
      duration: millis(200),
    });
    const calls = Number(report.calls);
    assert.ok(calls > 0, 'some calls');
    assert.deepEqual(report.statuses, [{ code: grpc.status.OK, count: report.calls }]);
    assertHistogram(report.latency, calls);
    assert.equal(Number(report.messages_sent), calls);
    assert.equal(Number(report.messages_received), calls);
    assert.ok(Number(report.bytes_sent) > 0 && Number(report.bytes_received) > 0);
    // Only calls that ended within the measured period count, so the last one ends within it.
    const elapsed = toMillis(report.elapsed);
    assert.ok(elapsed > 0 && elapsed <= 200, `elapsed ${elapsed} ms`);
    assert.ok(toMillis(report.cpu_time) > 0);
    assert.equal(report.first_failure, null);
  });

  test('runs a unary load until a number of calls, counting exactly those', async () => {
    const report = await runLoad(peer.describeCall('Calculate', [ADD]), {
      concurrency: 3,
      calls: 100,
    });
    assert.equal(report.calls, '100');
    assert.deepEqual(report.statuses, [{ code: grpc.status.OK, count: '100' }]);
    assertHistogram(report.latency, 100);
    const method = catalog.find(`${CALCULATOR}/Calculate`);
    assert.equal(Number(report.bytes_sent), 100 * method.requestSerialize(ADD).length);
    assert.equal(report.messages_received, '100');
    assert.ok(Number(report.bytes_received) > 0);
    assert.ok(toMillis(report.cpu_time) > 0);
  });

  test('reads every response of a server-streaming load over Range', async () => {
    const report = await runLoad(peer.describeCall('Range', [{ start: '1', count: '50' }]), {
      concurrency: 2,
      calls: 20,
    });
    assert.deepEqual(report.statuses, [{ code: grpc.status.OK, count: '20' }]);
    assert.equal(report.messages_sent, '20');
    assert.equal(report.messages_received, String(20 * 50));
    // Each RangeResponse here is its tag and a one-byte varint.
    assert.equal(report.bytes_received, String(20 * 50 * 2));
    assertHistogram(report.latency, 20);
  });

  test('sends every request of a client-streaming load over Sum', async () => {
    const values = [{ value: int(1) }, { value: int(2) }, { value: { real: 0.5 } }];
    const report = await runLoad(peer.describeCall('Sum', values), { concurrency: 2, calls: 10 });
    assert.deepEqual(report.statuses, [{ code: grpc.status.OK, count: '10' }]);
    assert.equal(report.messages_sent, '30');
    assert.equal(report.messages_received, '10');
  });

  test('times each round trip of a ping-pong load over RunningAverage', async () => {
    const values = [{ value: 1 }, { value: 2 }, { value: 6 }];
    const report = await runLoad(peer.describeCall('RunningAverage', values, { ping_pong: true }), {
      concurrency: 2,
      calls: 10,
    });
    assert.deepEqual(report.statuses, [{ code: grpc.status.OK, count: '10' }]);
    assert.equal(report.messages_sent, '30');
    assert.equal(report.messages_received, '30');
    assertHistogram(report.latency, 30);
  });

  test('counts failing calls by status, with the first failure, and no latency', async () => {
    const report = await runLoad(peer.describeCall('Calculate', [{}]), {
      concurrency: 2,
      calls: 20,
    });
    assert.deepEqual(report.statuses, [{ code: grpc.status.INVALID_ARGUMENT, count: '20' }]);
    assertHistogram(report.latency, 0);
    const { code, message, details } = report.first_failure;
    assert.deepEqual(
      { code, message },
      {
        code: grpc.status.INVALID_ARGUMENT,
        message: 'operation is required',
      },
    );
    assert.deepEqual(decodeRichStatus(details).details[0].value, {
      fieldViolations: [{ field: 'operation', description: 'is required' }],
    });
  });

  test('counts no call outliving the period, and waits for it up to its deadline', async () => {
    const slow = { number: '1024', interval: millis(1000) };
    const startedAt = Date.now();
    const report = await runLoad(peer.describeCall('Factorize', [slow], { timeout: millis(150) }), {
      concurrency: 2,
      duration: millis(100),
    });
    const took = Date.now() - startedAt;
    assert.equal(report.calls, '0');
    assert.deepEqual(report.statuses, []);
    assert.equal(report.first_failure, null);
    assert.deepEqual(report.elapsed, { seconds: '0', nanos: 0 });
    assert.ok(took < 1000, `RunLoad took ${took} ms`);
  });

  test('spreads the slots over channels of their own, each on its own connection', async () => {
    // A server of the test's own, which sees the client address of each call.
    const addresses = new Set();
    const server = new grpc.Server();
    server.addService(protos[CALCULATOR], {
      calculate: (call, callback) => {
        addresses.add(call.getPeer());
        callback(null, { result: int(3) });
      },
    });
    const port = await new Promise((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    try {
      const report = await runLoad(
        peer.describeCall('Calculate', [ADD], { target: `127.0.0.1:${port}` }),
        { concurrency: 6, channels: 3, calls: 60 },
      );
      assert.equal(report.calls, '60');
      assert.equal(addresses.size, 3, [...addresses].join(', '));
    } finally {
      server.forceShutdown();
    }
  });
});

describe('RunLoad refuses', () => {
  // [what is wrong, how it breaks a good RunLoadRequest, the phrase of the refusal], in the order
  // of the contract: each row breaks what the rows below check as well, to show what comes first.
  const REFUSALS = [
    ['a call RunCall refuses', (load) => (load.call.target = ''), 'target is required'],
    ['no call at all', (load) => (load.call = null), 'target is required'],
    [
      "the call's own problem before what a load adds",
      (load) => Object.assign(load.call, { timeout: null, cancel: { after_begin: true } }),
      'timeout is required',
    ],
    [
      'a cancelled call',
      (load) => Object.assign(load, { call: { ...load.call, cancel: { after_responses: 2 } } }),
      'load calls cannot be cancelled or raw',
    ],
    [
      'a raw call',
      (load) => Object.assign(load, { call: { ...load.call, raw: true }, concurrency: 0 }),
      'load calls cannot be cancelled or raw',
    ],
    [
      'concurrency 0',
      (load) => Object.assign(load, { concurrency: 0, calls: 0, channels: 5 }),
      'concurrency must be at least 1',
    ],
    [
      'neither duration nor calls',
      (load) => Object.assign(load, { calls: undefined, channels: 5 }),
      'duration or calls is required',
    ],
    [
      'a calls of 0',
      (load) => Object.assign(load, { calls: 0, channels: 5 }),
      'duration or calls is required',
    ],
    [
      'a duration of 0',
      (load) => Object.assign(load, { calls: undefined, duration: millis(0), channels: 5 }),
      'duration or calls is required',
    ],
    [
      'channels above concurrency',
      (load) => (load.channels = 3),
      'channels must not exceed concurrency',
    ],
  ];

  for (const [row, breakLoad, phrase] of REFUSALS) {
    test(row, async () => {
      const load = { call: peer.describeCall('Calculate', [ADD]), concurrency: 2, calls: 1 };
      breakLoad(load);
      const { error } = await unary(peer.control, 'RunLoad', load);
      assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, `${row}: ${error?.details}`);
      assert.ok(error.details.includes(phrase), `${row}: "${error.details}" lacks "${phrase}"`);
    });
  }

  test('and the peer keeps serving', async () => {
    const report = await runLoad(peer.describeCall('Calculate', [ADD]), {
      concurrency: 1,
      calls: 1,
    });
    assert.equal(report.calls, '1');
  });
});
