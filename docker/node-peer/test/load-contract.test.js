// LoadContract end to end on loopback: the peer's client calls unseen.v1, a contract its image was
// never built from, once it is given that contract's FileDescriptorSet.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { CALCULATOR, CONTROL, int, LoopbackPeer, pack, unary } from './loopback-peer.js';
import {
  ALPHA_FILE,
  descriptorSet,
  DURATION_FILE,
  ECHO_FILE,
  SAY,
  sayRequest,
  sayResponse,
  startEchoServer,
} from './unseen-contract.js';

let peer;
let echo;

before(async () => {
  peer = await LoopbackPeer.start();
  echo = await startEchoServer();
});

after(async () => {
  echo.server.forceShutdown();
  await peer.stop();
});

const loadContract = (bytes) => unary(peer.control, 'LoadContract', { file_descriptor_set: bytes });

/** RunCall of unseen.v1.Echo/Say to the echo server: {error, response}. */
const say = (text) =>
  unary(peer.control, 'RunCall', {
    target: echo.target,
    method: SAY,
    requests: [sayRequest({ text, delay: { seconds: 2, nanos: 5 } })],
    timeout: { seconds: 5, nanos: 0 },
  });

test('before any LoadContract, the unseen method is unknown', async () => {
  const { error } = await say('hello');
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error.details, /unknown method "unseen\.v1\.Echo\/Say"/);
});

test('answers the services of the set, sorted, and calls a method it was never built from', async () => {
  // The set leaves out google/protobuf/duration.proto, which the runtime carries.
  const loaded = await loadContract(descriptorSet(ECHO_FILE, ALPHA_FILE));
  assert.equal(loaded.error, null);
  assert.deepEqual(loaded.response.services, ['unseen.v1.Alpha', 'unseen.v1.Echo']);

  const { error, response } = await say('hello');
  assert.equal(error, null);
  assert.equal(response.status.code, grpc.status.OK, response.status.message);
  assert.equal(response.responses.length, 1);
  const [answer] = response.responses;
  assert.equal(answer.type_url, 'type.googleapis.com/unseen.v1.SayResponse');
  assert.deepEqual(sayResponse(answer.value), {
    text: 'HELLO',
    length: '5',
    delay: { seconds: '2', nanos: 5 },
  });
});

test('takes a well-known file from the set when the set carries it', async () => {
  const loaded = await loadContract(descriptorSet(DURATION_FILE, ECHO_FILE));
  assert.deepEqual(loaded.response.services, ['unseen.v1.Echo']);
  const { response } = await say('again');
  assert.equal(response.status.code, grpc.status.OK, response.status.message);
  assert.equal(sayResponse(response.responses[0].value).text, 'AGAIN');
});

test("keeps the peer's own services callable", async () => {
  await loadContract(descriptorSet(ECHO_FILE));
  const echoed = await peer.runCall(`${CONTROL}/EchoStatus`, [{ code: 5, message: 'not here' }]);
  assert.deepEqual(echoed.status, { code: 5, message: 'not here', details: Buffer.alloc(0) });
  const added = await peer.runCall('Calculate', [
    { operation: 'OPERATION_ADD', left: int(1), right: int(2) },
  ]);
  assert.equal(added.responses[0].result.integer, '3');
});

test("uses the loaded contract's method where both define it", async () => {
  // A calculator.v1.CalculatorService whose Calculate takes an unseen.v1.SayRequest.
  const shadow = {
    name: 'shadow/calculator.proto',
    package: 'calculator.v1',
    syntax: 'proto3',
    dependency: ['unseen/v1/echo.proto'],
    service: [
      {
        name: 'CalculatorService',
        method: [
          {
            name: 'Calculate',
            inputType: '.unseen.v1.SayRequest',
            outputType: '.unseen.v1.SayResponse',
          },
        ],
      },
    ],
  };
  await loadContract(descriptorSet(ECHO_FILE, shadow));
  const { error } = await unary(
    peer.control,
    'RunCall',
    peer.describeCall('Calculate', [{ operation: 'OPERATION_ADD', left: int(1), right: int(2) }]),
  );
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error.details, /is not the input type unseen\.v1\.SayRequest of /);
  // Once a later set no longer defines it, the peer's own Calculate is used again.
  await loadContract(descriptorSet(ECHO_FILE));
  const observed = await peer.runCall('Calculate', [
    { operation: 'OPERATION_ADD', left: int(1), right: int(2) },
  ]);
  assert.equal(observed.responses[0].result.integer, '3');
});

test('replaces the contract at each LoadContract', async () => {
  await loadContract(descriptorSet(ECHO_FILE));
  const other = {
    name: 'unseen/v1/other.proto',
    package: 'unseen.v1',
    syntax: 'proto3',
    messageType: [{ name: 'Nothing' }],
    service: [
      {
        name: 'Other',
        method: [{ name: 'Do', inputType: '.unseen.v1.Nothing', outputType: '.unseen.v1.Nothing' }],
      },
    ],
  };
  const loaded = await loadContract(descriptorSet(other));
  assert.deepEqual(loaded.response.services, ['unseen.v1.Other']);
  const { error } = await say('gone');
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error.details, /unknown method "unseen\.v1\.Echo\/Say"/);
});

test('refuses bytes that are no FileDescriptorSet, and keeps the contract it had', async () => {
  await loadContract(descriptorSet(ECHO_FILE));
  const { error } = await loadContract(Buffer.from([0xff, 0xff, 0xff]));
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error.details, /does not parse as a FileDescriptorSet: /);
  const { response } = await say('still');
  assert.equal(response.status.code, grpc.status.OK, response.status.message);
});

test('refuses a set missing an import, naming the file and the import, and keeps the contract', async () => {
  await loadContract(descriptorSet(ECHO_FILE));
  const { error } = await loadContract(descriptorSet(ALPHA_FILE));
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.equal(
    error.details,
    'file "unseen/v1/alpha.proto" does not link: it imports "unseen/v1/echo.proto", which the set does not carry',
  );
  const { response } = await say('kept');
  assert.equal(response.status.code, grpc.status.OK, response.status.message);
});

test('an empty set declares no services and leaves only the own ones', async () => {
  const loaded = await loadContract(Buffer.alloc(0));
  assert.deepEqual(loaded.response.services, []);
  const { error } = await say('none');
  assert.match(error.details, /unknown method/);
  const observed = await peer.runCall(`${CALCULATOR}/Factorize`, [{ number: '6' }]);
  assert.deepEqual(
    observed.responses.map(({ factor }) => factor),
    ['2', '3'],
  );
  // The own types still check requests.
  const refused = await unary(peer.control, 'RunCall', {
    ...peer.describeCall('Factorize', [{ number: '6' }]),
    requests: [pack('Calculate', {})],
  });
  assert.match(refused.error.details, /is not the input type calculator\.v1\.FactorizeRequest/);
});
