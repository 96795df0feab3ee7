// RunCall in raw mode, RunCalls, and calls to the control service's own methods, driven against
// the peer itself and against a probe server that answers raw bytes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import {
  catalog,
  CALCULATOR,
  CONTROL,
  int,
  LoopbackPeer,
  pack,
  unary,
  unpack,
} from './loopback-peer.js';

const LARGE_RESPONSE_BYTES = 5 * 1024 * 1024;
const asBytes = (bytes) => bytes;

/** A method of raw bytes at `path`, for the probe server. */
function rawMethod(path) {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: asBytes,
    requestDeserialize: asBytes,
    responseSerialize: asBytes,
    responseDeserialize: asBytes,
  };
}

/**
 * A server that answers test.Probe/Peer with the caller's address, so that calls on one connection
 * get the same answer, and test.Probe/Large with more than gRPC's default 4 MiB.
 */
async function startProbe() {
  const server = new grpc.Server();
  server.addService(
    { Peer: rawMethod('/test.Probe/Peer'), Large: rawMethod('/test.Probe/Large') },
    {
      Peer: (call, callback) => callback(null, Buffer.from(call.getPeer())),
      Large: (call, callback) => callback(null, Buffer.alloc(LARGE_RESPONSE_BYTES, 7)),
    },
  );
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, target: `127.0.0.1:${port}` };
}

let peer;
let probe;

before(async () => {
  peer = await LoopbackPeer.start();
  probe = await startProbe();
});

after(async () => {
  probe.server.forceShutdown();
  await peer.stop();
});

const calculateRequest = (left, right) =>
  catalog
    .find(`${CALCULATOR}/Calculate`)
    .requestSerialize({ operation: 'OPERATION_ADD', left: int(left), right: int(right) });

describe('a raw RunCall', () => {
  test('reaches a method that the server does not implement, of a service it has or not', async () => {
    for (const method of [`${CALCULATOR}/Nope`, 'nope.v1.Nope/Nope']) {
      const observed = await peer.runRawCall(method, [Buffer.alloc(0)]);
      assert.equal(observed.status.code, grpc.status.UNIMPLEMENTED, method);
      assert.deepEqual(observed.responses, []);
    }
  });

  test('sends bytes that do not parse, which the server refuses and then keeps serving', async () => {
    const observed = await peer.runRawCall(`${CALCULATOR}/Calculate`, [Buffer.from([0xff, 0x01])]);
    assert.notEqual(observed.status.code, grpc.status.OK);
    assert.notEqual(observed.status.message, '');
    const next = await peer.runRawCall(`${CALCULATOR}/Calculate`, [calculateRequest(1, 2)]);
    assert.equal(next.status.code, grpc.status.OK);
  });

  test('reports the response bytes as an Any with no type, even past an unknown field', async () => {
    // Field 99 as a varint: tag (99 << 3 | 0) = 792, then the value 7.
    const unknownField = Buffer.from([0x98, 0x06, 0x07]);
    const observed = await peer.runRawCall(`${CALCULATOR}/Calculate`, [
      Buffer.concat([calculateRequest(40, 2), unknownField]),
    ]);
    assert.equal(observed.status.code, grpc.status.OK);
    assert.equal(observed.responses.length, 1);
    assert.equal(observed.responses[0].type_url, '');
    const response = catalog
      .find(`${CALCULATOR}/Calculate`)
      .responseDeserialize(observed.responses[0].value);
    assert.equal(response.result.integer, '42');
  });

  test('applies metadata, compression, ping-pong and cancellation as any call does', async () => {
    const average = catalog.find(`${CALCULATOR}/RunningAverage`);
    const observed = await peer.runRawCall(
      `${CALCULATOR}/RunningAverage`,
      [1, 3].map((value) => average.requestSerialize({ value })),
      {
        compression: 'gzip',
        ping_pong: true,
        metadata: [{ key: 'x-grpc-test-echo-initial', text: 'raw' }],
      },
    );
    assert.equal(observed.status.code, grpc.status.OK);
    assert.deepEqual(
      observed.responses.map(({ value }) => average.responseDeserialize(value).average),
      [1, 2],
    );
    assert.ok(
      observed.headers.some(
        ({ key, text }) => key === 'x-grpc-test-echo-initial' && text === 'raw',
      ),
    );

    const cancelled = await peer.runRawCall(`${CALCULATOR}/Calculate`, [calculateRequest(1, 2)], {
      cancel: { after_begin: true },
    });
    assert.equal(cancelled.status.code, grpc.status.CANCELLED);
  });

  test('receives a response above 4 MiB, up to 64 MiB', async () => {
    const observed = await peer.runRawCall('test.Probe/Large', [Buffer.alloc(0)], {
      target: probe.target,
    });
    assert.equal(observed.status.code, grpc.status.OK, observed.status.message);
    assert.equal(observed.responses[0].value.length, LARGE_RESPONSE_BYTES);
  });

  test('still needs a method', async () => {
    const { error } = await unary(peer.control, 'RunCall', {
      target: peer.target,
      method: '',
      requests: [],
      timeout: { seconds: 1, nanos: 0 },
      raw: true,
    });
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /^unknown method ""/);
  });
});

describe('RunCall of the control service', () => {
  test('brings back the status EchoStatus was asked for, exactly', async () => {
    const message = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';
    const method = `${CONTROL}/EchoStatus`;
    const failed = await peer.runCall(method, [{ code: grpc.status.UNKNOWN, message }]);
    assert.deepEqual(failed.status, {
      code: grpc.status.UNKNOWN,
      message,
      details: Buffer.alloc(0),
    });
    const succeeded = await peer.runCall(method, [{ code: 0, message: '' }]);
    assert.equal(succeeded.status.code, grpc.status.OK);
    assert.deepEqual(succeeded.responses, [{}]);
  });
});

describe('RunCalls', () => {
  /** RunCalls of RunCallRequests; resolves to {results, error}. */
  async function runCalls(calls) {
    const { response, error } = await unary(peer.control, 'RunCalls', { calls });
    return { results: response?.results, error };
  }

  test('makes 60 mixed calls at once and reports each in order', async () => {
    // 15 Factorize calls wait 3 x 100 ms each: about 0.3 s together, 4.5 s one after another.
    const interval = { seconds: 0, nanos: 100_000_000 };
    const kinds = [
      (i) =>
        peer.describeCall('Calculate', [
          { operation: 'OPERATION_ADD', left: int(i), right: int(1) },
        ]),
      (i) => peer.describeCall('Factorize', [{ number: '343', interval }]),
      (i) => peer.describeCall('Sum', [{ value: int(i) }, { value: int(i) }]),
      (i) =>
        peer.describeCall('RunningAverage', [{ value: i }, { value: i + 2 }], { ping_pong: true }),
    ];
    const calls = Array.from({ length: 60 }, (_, i) => kinds[i % kinds.length](i));
    calls[59] = peer.describeCall('Statistics', [{ values: [3, 1, 2] }]);
    calls[58] = peer.describeCall('Calculate', [
      { operation: 'OPERATION_DIVIDE', left: int(1), right: int(0) },
    ]);

    const started = performance.now();
    const { results, error } = await runCalls(calls);
    const elapsedMillis = performance.now() - started;

    assert.equal(error, null);
    assert.equal(results.length, 60);
    assert.ok(elapsedMillis < 3000, `60 calls took ${elapsedMillis} ms: not concurrent`);
    results.forEach((result, i) => {
      const method = calls[i].method.slice(CALCULATOR.length + 1);
      const responses = result.responses.map((any) => unpack(method, any));
      if (i === 58) {
        assert.equal(result.status.code, grpc.status.INVALID_ARGUMENT);
        assert.equal(result.status.message, 'division by zero');
        return;
      }
      assert.equal(result.status.code, grpc.status.OK, `call ${i}: ${result.status.message}`);
      if (i === 59) {
        assert.equal(responses[0].count, '3');
      } else if (method === 'Calculate') {
        assert.equal(responses[0].result.integer, String(i + 1));
      } else if (method === 'Factorize') {
        assert.deepEqual(
          responses.map(({ factor }) => factor),
          ['7', '7', '7'],
        );
      } else if (method === 'Sum') {
        assert.equal(responses[0].sum.integer, String(2 * i));
      } else {
        assert.deepEqual(
          responses.map(({ average }) => average),
          [i, i + 1],
        );
      }
    });
  });

  test('multiplexes the calls to one target on one connection', async () => {
    const calls = Array.from({ length: 20 }, () => ({
      target: probe.target,
      method: 'test.Probe/Peer',
      requests: [{ type_url: '', value: Buffer.alloc(0) }],
      timeout: { seconds: 5, nanos: 0 },
      raw: true,
    }));
    const { results } = await runCalls(calls);
    const callers = new Set(results.map(({ responses }) => responses[0].value.toString()));
    assert.equal(callers.size, 1, `calls came from ${[...callers].join(', ')}`);
  });

  test('refuses the whole batch, naming the call, when one cannot be made', async () => {
    const callId = 'batch-refused';
    const calls = [
      peer.describeCall(
        'Calculate',
        [{ operation: 'OPERATION_ADD', left: int(1), right: int(1) }],
        {
          metadata: [{ key: 'x-interop-call-id', text: callId }],
        },
      ),
      peer.describeCall('Statistics', [{ values: [1] }]),
      peer.describeCall('Statistics', [{ values: [1] }]),
      peer.describeCall('Statistics', [{ values: [1] }], { timeout: null }),
    ];
    const { error } = await runCalls(calls);
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(error.details, 'call 3: timeout is required');
    // Call 0 was never made.
    const { error: notFound } = await unary(peer.control, 'GetServerCall', { call_id: callId });
    assert.equal(notFound.code, grpc.status.NOT_FOUND);
  });

  test('answers an empty batch with no results', async () => {
    assert.deepEqual(await runCalls([]), { results: [], error: null });
  });

  test('keeps the type check of RunCall', async () => {
    const call = peer.describeCall('Calculate', []);
    call.requests = [pack('Sum', { value: int(1) })];
    const { error } = await runCalls([call]);
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /^call 0: request 0: type_url /);
  });
});
