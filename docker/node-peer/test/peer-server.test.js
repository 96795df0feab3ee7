// The peer end to end on loopback: the server's own gRPC surface, and RunCall driving the peer's
// client against the peer's own server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { decodeRichStatus } from '../src/rich-status.js';
import { api, CALCULATOR, CONTROL, int, LoopbackPeer, unary } from './loopback-peer.js';

let peer;
let target;
let calculator;
let control;
let health;

before(async () => {
  peer = await LoopbackPeer.start();
  ({ target, calculator, control, health } = peer);
});

after(() => peer.stop());

const runCall = (...args) => peer.runCall(...args);
const CALL_ID = 'x-interop-call-id';

describe('the server', () => {
  test('answers Calculate', async () => {
    const { response } = await unary(calculator, 'Calculate', {
      operation: 'OPERATION_DIVIDE',
      left: int(7),
      right: int(-2),
    });
    assert.equal(response.result.integer, '-3');
  });

  test('fails with the status repeated in grpc-status-details-bin, with a BadRequest', async () => {
    const { error } = await unary(calculator, 'Calculate', {
      operation: 'OPERATION_DIVIDE',
      left: int(1),
      right: { real: -0 },
    });
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(error.details, 'division by zero');
    assert.deepEqual(decodeRichStatus(error.metadata.get('grpc-status-details-bin')[0]), {
      code: grpc.status.INVALID_ARGUMENT,
      message: 'division by zero',
      details: [
        {
          typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
          value: { fieldViolations: [{ field: 'right', description: 'must not be zero' }] },
        },
      ],
    });
  });

  test('answers Factorize about the number when the interval is out of range too', async () => {
    const call = calculator.Factorize(
      { number: '0', interval: { seconds: 11, nanos: 0 } },
      { deadline: Date.now() + 5000 },
    );
    const status = await new Promise((resolve) => {
      call.on('data', () => {});
      call.on('error', () => {});
      call.on('status', resolve);
    });
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(status.details, 'number must be between 1 and 1000000000000');
    const [details] = status.metadata.get('grpc-status-details-bin');
    assert.deepEqual(decodeRichStatus(details).details[0].value, {
      fieldViolations: [{ field: 'number', description: 'out of range' }],
    });
  });

  test('streams Range, as many integers as asked from start, and none for count 0', async () => {
    const values = async (request) => {
      const call = calculator.Range(request, { deadline: Date.now() + 5000 });
      return (await call.toArray()).map(({ value }) => value);
    };
    assert.deepEqual(await values({ start: '9223372036854775805', count: '3' }), [
      '9223372036854775805',
      '9223372036854775806',
      '9223372036854775807',
    ]);
    const many = await values({ start: '-500', count: '1000' });
    assert.equal(many.length, 1000);
    assert.deepEqual([many[0], many[500], many[999]], ['-500', '0', '499']);
    assert.deepEqual(await values({ start: '9223372036854775807', count: '0' }), []);
  });

  test("refuses Range out of range, with the contract's details, before any message", async () => {
    const outcome = (request) => {
      const call = calculator.Range(request, { deadline: Date.now() + 5000 });
      let messages = 0;
      return new Promise((resolve) => {
        call.on('data', () => (messages += 1));
        call.on('error', () => {});
        call.on('status', (status) => resolve({ status, messages }));
      });
    };
    const badCount = await outcome({ start: '0', count: '1000001' });
    assert.equal(badCount.status.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(badCount.status.details, 'count must be between 0 and 1000000');
    assert.deepEqual(decodeRichStatus(badCount.status.metadata.get('grpc-status-details-bin')[0]), {
      code: grpc.status.INVALID_ARGUMENT,
      message: 'count must be between 0 and 1000000',
      details: [
        {
          typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
          value: { fieldViolations: [{ field: 'count', description: 'out of range' }] },
        },
      ],
    });
    const overflow = await outcome({ start: '9223372036854775800', count: '10' });
    assert.deepEqual(
      { code: overflow.status.code, message: overflow.status.details, messages: overflow.messages },
      { code: grpc.status.OUT_OF_RANGE, message: 'integer overflow', messages: 0 },
    );
    assert.deepEqual(decodeRichStatus(overflow.status.metadata.get('grpc-status-details-bin')[0]), {
      code: grpc.status.OUT_OF_RANGE,
      message: 'integer overflow',
      details: [],
    });
  });

  test('stops Range when the call is cancelled, and keeps serving', async () => {
    const metadata = new grpc.Metadata();
    metadata.set(CALL_ID, 'range-cancelled');
    const call = calculator.Range({ start: '0', count: '1000000' }, metadata, {
      deadline: Date.now() + 5000,
    });
    const status = await new Promise((resolve) => {
      call.on('data', ({ value }) => {
        if (value === '10') call.cancel();
      });
      call.on('error', () => {});
      call.on('status', resolve);
    });
    assert.equal(status.code, grpc.status.CANCELLED);
    const { response } = await unary(control, 'GetServerCall', { call_id: 'range-cancelled' });
    assert.equal(response.cancelled, true);
  });

  test('echoes the test metadata into headers and trailers, also on failure', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('x-grpc-test-echo-initial', 'hello');
    metadata.set('x-grpc-test-echo-trailing-bin', Buffer.from([0, 1, 0xfe]));
    const { error, headers, trailers } = await unary(
      calculator,
      'Calculate',
      { operation: 'OPERATION_UNSPECIFIED' },
      metadata,
    );
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(headers.get('x-grpc-test-echo-initial'), ['hello']);
    assert.deepEqual(trailers.get('x-grpc-test-echo-trailing-bin'), [Buffer.from([0, 1, 0xfe])]);
  });

  test('reports health', async () => {
    for (const service of ['', CALCULATOR, CONTROL]) {
      const { response } = await unary(health, 'Check', { service });
      assert.equal(response.status, 'SERVING', `health of "${service}"`);
    }
  });

  test('lists its services by reflection', async () => {
    const reflection = new api.grpc.reflection.v1.ServerReflection(
      target,
      grpc.credentials.createInsecure(),
    );
    const call = reflection.ServerReflectionInfo({ deadline: Date.now() + 5000 });
    call.end({ list_services: '' });
    const [response] = await call.toArray();
    reflection.close();
    assert.deepEqual(response.list_services_response.service.map(({ name }) => name).sort(), [
      CALCULATOR,
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      CONTROL,
    ]);
  });

  test('describes itself', async () => {
    const { response } = await unary(control, 'Describe', {});
    assert.equal(response.language, 'node');
    assert.match(response.grpc_library, /^@grpc\/grpc-js \d+\.\d+\.\d+/);
    assert.match(response.protobuf_library, /^protobufjs \d+\.\d+\.\d+/);
    assert.equal(response.runtime, `Node.js ${process.versions.node}`);
  });

  test('ends EchoStatus with exactly the status asked for, and no details', async () => {
    const message = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';
    for (const code of [grpc.status.UNKNOWN, grpc.status.UNAUTHENTICATED]) {
      const { error, trailers } = await unary(control, 'EchoStatus', { code, message });
      assert.equal(error.code, code);
      assert.equal(error.details, message);
      assert.deepEqual(trailers.get('grpc-status-details-bin'), []);
    }
    const { error, response } = await unary(control, 'EchoStatus', { code: 0, message: 'ignored' });
    assert.equal(error, null);
    assert.deepEqual(response, {});
  });

  test("refuses a message above gRPC's default 4 MiB, and keeps serving", async () => {
    // 5 MiB of doubles.
    const values = new Array((5 * 1024 * 1024) / 8).fill(0.5);
    const { error } = await unary(calculator, 'Statistics', { values });
    assert.equal(error.code, grpc.status.RESOURCE_EXHAUSTED);
    const { response } = await unary(calculator, 'Statistics', { values: [1, 2] });
    assert.equal(response.count, '2');
  });
});

describe('RunCall against the peer itself', () => {
  test('makes a unary call and reports the response', async () => {
    const observed = await runCall('Calculate', [
      { operation: 'OPERATION_ADD', left: int('9223372036854775806'), right: int(1) },
    ]);
    assert.equal(observed.status.code, grpc.status.OK);
    assert.equal(observed.responses[0].result.integer, '9223372036854775807');
  });

  test('reports a failure as an observation, with the details as received', async () => {
    const observed = await runCall('Calculate', [
      { operation: 'OPERATION_MULTIPLY', left: int('-9223372036854775808'), right: int(-1) },
    ]);
    assert.deepEqual(observed.responses, []);
    assert.equal(observed.status.code, grpc.status.OUT_OF_RANGE);
    assert.equal(observed.status.message, 'integer overflow');
    assert.deepEqual(decodeRichStatus(observed.status.details), {
      code: grpc.status.OUT_OF_RANGE,
      message: 'integer overflow',
      details: [],
    });
  });

  test('sends metadata and reports headers and trailers', async () => {
    const observed = await runCall(
      'Calculate',
      [{ operation: 'OPERATION_ADD', left: int(1), right: int(2) }],
      {
        metadata: [
          { key: 'x-grpc-test-echo-initial', text: 'ping' },
          { key: 'x-grpc-test-echo-trailing-bin', binary: Buffer.from([9, 8, 7]) },
        ],
      },
    );
    assert.deepEqual(
      observed.headers
        .filter(({ key }) => key.startsWith('x-grpc-test-'))
        .map(({ key, text }) => [key, text]),
      [['x-grpc-test-echo-initial', 'ping']],
    );
    assert.deepEqual(
      observed.trailers.map(({ key, binary }) => [key, binary]),
      [['x-grpc-test-echo-trailing-bin', Buffer.from([9, 8, 7])]],
    );
  });

  test('streams Factorize', async () => {
    const observed = await runCall('Factorize', [{ number: '12' }]);
    assert.equal(observed.status.code, grpc.status.OK);
    assert.deepEqual(
      observed.responses.map(({ factor }) => factor),
      ['2', '2', '3'],
    );
  });

  test('cancels after the first response, and the server sees it cancelled', async () => {
    const observed = await runCall(
      'Factorize',
      [{ number: '1024', interval: { seconds: 0, nanos: 50_000_000 } }],
      {
        cancel: { after_responses: 1 },
        metadata: [{ key: CALL_ID, text: 'cancel-after-first' }],
      },
    );
    assert.equal(observed.status.code, grpc.status.CANCELLED);
    assert.equal(observed.responses.length, 1);
    const { response } = await unary(control, 'GetServerCall', { call_id: 'cancel-after-first' });
    assert.equal(response.method, `${CALCULATOR}/Factorize`);
    assert.equal(response.cancelled, true);
  });

  test('cancels right after the call starts', async () => {
    const observed = await runCall('Sum', [{ value: int(1) }], { cancel: { after_begin: true } });
    assert.equal(observed.status.code, grpc.status.CANCELLED);
    assert.deepEqual(observed.responses, []);
  });

  test('applies the timeout as a deadline, which the server sees', async () => {
    const observed = await runCall(
      'Factorize',
      [{ number: '1024', interval: { seconds: 1, nanos: 0 } }],
      {
        timeout: { seconds: 0, nanos: 300_000_000 },
        metadata: [{ key: CALL_ID, text: 'deadline' }],
      },
    );
    assert.equal(observed.status.code, grpc.status.DEADLINE_EXCEEDED);
    const elapsed = Number(observed.elapsed.seconds) * 1000 + observed.elapsed.nanos / 1e6;
    assert.ok(elapsed >= 250 && elapsed < 2000, `elapsed ${elapsed} ms`);
    // The server's deadline timer may fire a moment after the client's.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { response } = await unary(control, 'GetServerCall', { call_id: 'deadline' });
    const remaining =
      Number(response.deadline_remaining.seconds) * 1000 + response.deadline_remaining.nanos / 1e6;
    assert.ok(remaining > 0 && remaining <= 300, `deadline remaining ${remaining} ms`);
    assert.equal(response.cancelled, true);
  });

  test('records a call that finished as not cancelled, and answers NOT_FOUND for unknown ids', async () => {
    await runCall('Statistics', [{ values: [1, 2] }], {
      metadata: [{ key: CALL_ID, text: 'finished' }],
    });
    const { response } = await unary(control, 'GetServerCall', { call_id: 'finished' });
    assert.deepEqual(
      {
        method: response.method,
        cancelled: response.cancelled,
        deadline: response.deadline_remaining !== null,
      },
      { method: `${CALCULATOR}/Statistics`, cancelled: false, deadline: true },
    );
    const { error } = await unary(control, 'GetServerCall', { call_id: 'nobody' });
    assert.equal(error.code, grpc.status.NOT_FOUND);
    assert.equal(error.details, 'no call with id nobody');
  });

  test('records the address of the client, which tells one connection from another', async () => {
    const peerOf = async (client, callId) => {
      const metadata = new grpc.Metadata();
      metadata.set(CALL_ID, callId);
      await unary(client, 'Statistics', { values: [0.5] }, metadata);
      return (await unary(control, 'GetServerCall', { call_id: callId })).response.peer;
    };
    // grpc-js shares connections between clients with equal options unless told otherwise.
    const elsewhere = new api.calculator.v1.CalculatorService(
      target,
      grpc.credentials.createInsecure(),
      { 'grpc.use_local_subchannel_pool': 1 },
    );
    const first = await peerOf(calculator, 'first');
    const again = await peerOf(calculator, 'again');
    const other = await peerOf(elsewhere, 'elsewhere');
    elsewhere.close();
    assert.match(first, /^(127\.0\.0\.1|\[::1\]):\d+$/);
    assert.equal(again, first);
    assert.notEqual(other, first);
  });

  test('sums a gzip-compressed client stream', async () => {
    const observed = await runCall(
      'Sum',
      [{ value: int(1) }, { value: { real: 0.5 } }, { value: int(2) }],
      {
        compression: 'gzip',
      },
    );
    assert.equal(observed.status.code, grpc.status.OK);
    assert.deepEqual(observed.responses[0].count, '3');
    assert.equal(observed.responses[0].sum.real, 3.5);
  });

  test('ends Sum at a missing value', async () => {
    const observed = await runCall('Sum', [{ value: int(1) }, {}, { value: int(2) }]);
    assert.equal(observed.status.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(observed.status.message, 'value is required');
  });

  test('plays ping-pong on RunningAverage', async () => {
    const observed = await runCall('RunningAverage', [{ value: 1 }, { value: 2 }, { value: 6 }], {
      ping_pong: true,
    });
    assert.equal(observed.status.code, grpc.status.OK);
    assert.deepEqual(
      observed.responses.map(({ count, average }) => [count, average]),
      [
        ['1', 1],
        ['2', 1.5],
        ['3', 3],
      ],
    );
  });
});
