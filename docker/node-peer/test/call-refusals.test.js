// The rulebook of RunCall's contract (proto/interop/v1/peer_control.proto): every description it
// lists as bad is refused with INVALID_ARGUMENT and a message containing its phrase, by RunCall and
// by RunCalls alike, checked in the order given, and the peer keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { CALCULATOR, int, LoopbackPeer, pack, unary } from './loopback-peer.js';

const ADD = { operation: 'OPERATION_ADD', left: int(1), right: int(1) };
const CALCULATE_REQUEST = 'calculator.v1.CalculateRequest';
const UNPARSEABLE = {
  type_url: `type.googleapis.com/${CALCULATE_REQUEST}`,
  value: Buffer.from([0xff]),
};
// Only their presence counts before a channel is made; none of these is ever dialled.
const PEM = Buffer.from('-----BEGIN CERTIFICATE-----\n');

let peer;

before(async () => {
  peer = await LoopbackPeer.start();
});

after(() => peer.stop());

/** A Calculate to the peer itself that can be carried out, with `change` applied. */
const described = (change = {}) => ({ ...peer.describeCall('Calculate', [ADD]), ...change });

// [row of the rulebook, the change that breaks a good description, phrases the message contains]
const RULEBOOK = [
  ['no target', { target: '' }, ['target is required']],
  ['raw with an empty method', { raw: true, method: '' }, ['unknown method', '""']],
  ['a method of no service known', { method: 'a.B/C' }, ['unknown method', '"a.B/C"']],
  [
    'a method the calculator does not declare',
    { method: `${CALCULATOR}/Nothing` },
    ['unknown method', `"${CALCULATOR}/Nothing"`],
  ],
  [
    'a request of another type',
    { requests: [pack('Sum', { value: int(1) })] },
    ['is not the input type', CALCULATE_REQUEST],
  ],
  [
    'a request that does not parse',
    { requests: [UNPARSEABLE] },
    ['does not parse as', CALCULATE_REQUEST],
  ],
  ['a unary call with no request', { requests: [] }, ['takes exactly one request']],
  [
    'a unary call with two requests',
    { requests: [pack('Calculate', ADD), pack('Calculate', ADD)] },
    ['takes exactly one request'],
  ],
  [
    'a server-streaming call with two requests',
    {
      method: `${CALCULATOR}/Factorize`,
      requests: [pack('Factorize', { number: '6' }), pack('Factorize', { number: '6' })],
    },
    ['takes exactly one request'],
  ],
  ['no timeout', { timeout: null }, ['timeout is required']],
  ['a timeout of zero', { timeout: { seconds: 0, nanos: 0 } }, ['timeout is required']],
  ['a negative timeout', { timeout: { seconds: -1, nanos: 0 } }, ['timeout is required']],
  ['an unknown compression', { compression: 'br' }, ['unknown compression']],
  [
    'a "-bin" key with a text value',
    { metadata: [{ key: 'x-trace-bin', text: 'abc' }] },
    ['must be binary'],
  ],
  [
    'a text key with a binary value',
    { metadata: [{ key: 'x-trace', binary: Buffer.from([1]) }] },
    ['must be text'],
  ],
  [
    'an unknown load-balancing policy',
    { channel: { load_balancing_policy: 'grpclb' } },
    ['unknown load_balancing_policy'],
  ],
  [
    'TLS without ca_cert',
    { channel: { tls: { client_cert: PEM, client_key: PEM } } },
    ['ca_cert is required'],
  ],
  [
    'client_cert without client_key',
    { channel: { tls: { ca_cert: PEM, client_cert: PEM } } },
    ['client_cert and client_key go together'],
  ],
  [
    'client_key without client_cert',
    { channel: { tls: { ca_cert: PEM, client_key: PEM } } },
    ['client_cert and client_key go together'],
  ],
  [
    'a cancellation after 0 responses',
    { cancel: { after_responses: 0 } },
    ['after_responses must be at least 1'],
  ],
];

function assertRefused(error, phrases, what) {
  assert.equal(
    error?.code,
    grpc.status.INVALID_ARGUMENT,
    `${what}: ${error?.details ?? 'not refused'}`,
  );
  for (const phrase of phrases) {
    assert.ok(error.details.includes(phrase), `${what}: "${error.details}" lacks "${phrase}"`);
  }
}

describe('RunCall refuses', () => {
  for (const [row, change, phrases] of RULEBOOK) {
    test(row, async () => {
      const { error } = await unary(peer.control, 'RunCall', described(change));
      assertRefused(error, phrases, row);
    });
  }
});

describe('RunCalls refuses the whole batch', () => {
  for (const [row, change, phrases] of RULEBOOK) {
    test(row, async () => {
      const { error } = await unary(peer.control, 'RunCalls', {
        calls: [described(), described(change)],
      });
      assertRefused(error, ['call 1: ', ...phrases], row);
    });
  }
});

test('RunCall reports the first problem in the rulebook order, and then makes the call', async () => {
  // Every problem at once; each fix in turn uncovers the next one.
  const call = described({
    target: '',
    method: 'a.B/C',
    requests: [pack('Sum', { value: int(1) }), UNPARSEABLE],
    timeout: null,
    compression: 'br',
    metadata: [
      { key: 'x-trace-bin', text: 'abc' },
      { key: 'x-trace', binary: Buffer.from([1]) },
    ],
    channel: { load_balancing_policy: 'grpclb', tls: { client_cert: PEM } },
    cancel: { after_responses: 0 },
  });
  const steps = [
    ['target is required', () => Object.assign(call, { target: peer.target })],
    ['unknown method', () => Object.assign(call, { method: `${CALCULATOR}/Calculate` })],
    ['is not the input type', () => call.requests.splice(0, 1, pack('Calculate', ADD))],
    ['does not parse as', () => call.requests.splice(1, 1, pack('Calculate', ADD))],
    ['takes exactly one request', () => call.requests.splice(1)],
    ['timeout is required', () => Object.assign(call, { timeout: { seconds: 5, nanos: 0 } })],
    ['unknown compression', () => Object.assign(call, { compression: 'gzip' })],
    ['must be binary', () => call.metadata.splice(0, 1)],
    ['must be text', () => call.metadata.splice(0, 1)],
    ['unknown load_balancing_policy', () => (call.channel.load_balancing_policy = 'round_robin')],
    ['ca_cert is required', () => (call.channel.tls.ca_cert = PEM)],
    ['client_cert and client_key go together', () => (call.channel = null)],
    ['after_responses must be at least 1', () => (call.cancel = null)],
  ];
  for (const [phrase, fix] of steps) {
    const { error } = await unary(peer.control, 'RunCall', call);
    assertRefused(error, [phrase], `before fixing "${phrase}"`);
    fix();
  }
  const { error, response } = await unary(peer.control, 'RunCall', call);
  assert.equal(error, null);
  assert.equal(response.status.code, grpc.status.OK);
});

test('other descriptions that cannot be carried out are refused too, and the peer keeps serving', async () => {
  for (const [change, message] of [
    [{ metadata: [{ key: 'Bad Key', text: 'x' }] }, /^metadata entry 0 \(Bad Key\): /],
    [
      { channel: { tls: { ca_cert: Buffer.from('not PEM') } } },
      /tls\.ca_cert does not parse as PEM/,
    ],
  ]) {
    const { error } = await unary(peer.control, 'RunCall', described(change));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(change));
    assert.match(error.details, message);
  }
  const observed = await peer.runCall('Calculate', [ADD]);
  assert.equal(observed.responses[0].result.integer, '2');
});
