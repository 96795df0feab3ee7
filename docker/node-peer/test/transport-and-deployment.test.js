// What a deployment relies on: the server id header, health set by SetServing, TLS and mTLS on
// both ends, and RunCall's channel configs (load balancing, keepalive, one channel per config).
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { channelOptions, ClientChannels } from '../src/client-channels.js';
import { serverIdFromEnvironment } from '../src/peer-server.js';
import { CALCULATOR, CONTROL, int, LoopbackPeer, unary } from './loopback-peer.js';
import { makeTestCertificates } from './test-certificates.js';

const SERVER_ID_KEY = 'x-interop-server-id';
const ADD = [{ operation: 'OPERATION_ADD', left: int(40), right: int(2) }];
const SHORT_TIMEOUT = { seconds: 2, nanos: 0 };

const certificates = makeTestCertificates();
let peerA;
let peerB;
let tlsPort;
let mtlsPeer;
let mtlsPort;

before(async () => {
  peerA = await LoopbackPeer.start({ serverId: 'replica-a' });
  peerB = await LoopbackPeer.start({ serverId: 'replica-b' });
  const { server } = certificates;
  tlsPort = await peerA.startTls({ certChain: server.cert, privateKey: server.key });
  mtlsPeer = await LoopbackPeer.start({ serverId: 'replica-mtls' });
  mtlsPort = await mtlsPeer.startTls({
    certChain: server.cert,
    privateKey: server.key,
    clientCa: certificates.ca,
  });
});

after(() => Promise.all([peerA, peerB, mtlsPeer].map((peer) => peer.stop())));

const serverIdOf = ({ headers }) => headers.find(({ key }) => key === SERVER_ID_KEY)?.text;
const millis = ({ seconds, nanos }) => Number(seconds) * 1000 + nanos / 1e6;

describe('the server id', () => {
  test('is in the headers of every call, next to the echo', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('x-grpc-test-echo-initial', 'hello');
    const { headers } = await unary(
      peerA.calculator,
      'Calculate',
      { operation: 'OPERATION_ADD', left: int(1), right: int(1) },
      metadata,
    );
    assert.deepEqual(headers.get(SERVER_ID_KEY), ['replica-a']);
    assert.deepEqual(headers.get('x-grpc-test-echo-initial'), ['hello']);
    const described = await unary(peerA.control, 'Describe', {});
    assert.deepEqual(described.headers.get(SERVER_ID_KEY), ['replica-a']);
  });

  test('is SERVER_ID, else the host name', () => {
    const saved = process.env.SERVER_ID;
    try {
      process.env.SERVER_ID = 'from-env';
      assert.equal(serverIdFromEnvironment(), 'from-env');
      delete process.env.SERVER_ID;
      assert.equal(serverIdFromEnvironment(), hostname());
    } finally {
      if (saved === undefined) delete process.env.SERVER_ID;
      else process.env.SERVER_ID = saved;
    }
  });
});

describe('SetServing', () => {
  test('sets the health that Check and Watch report, for the server and every service', async () => {
    const watch = peerB.health.Watch({ service: '' }, { deadline: Date.now() + 10_000 });
    const watched = [];
    watch.on('data', ({ status }) => watched.push(status));
    watch.on('error', () => {});
    const setServing = async (serving) => {
      const { error } = await unary(peerB.control, 'SetServing', { serving });
      assert.equal(error, null);
    };
    const statuses = async () =>
      Promise.all(
        ['', CALCULATOR, CONTROL].map(
          async (service) => (await unary(peerB.health, 'Check', { service })).response.status,
        ),
      );
    await setServing(false);
    assert.deepEqual(await statuses(), ['NOT_SERVING', 'NOT_SERVING', 'NOT_SERVING']);
    await setServing(true);
    assert.deepEqual(await statuses(), ['SERVING', 'SERVING', 'SERVING']);
    watch.cancel();
    assert.deepEqual(watched, ['SERVING', 'NOT_SERVING', 'SERVING']);
  });
});

describe('RunCall over TLS', () => {
  const tls = { ca_cert: certificates.ca };

  test('verifies the server certificate for the host in the target', async () => {
    const observed = await peerA.runCall('Calculate', ADD, {
      target: `localhost:${tlsPort}`,
      channel: { tls },
    });
    assert.equal(observed.status.code, grpc.status.OK, observed.status.message);
    assert.equal(observed.responses[0].result.integer, '42');
    assert.equal(serverIdOf(observed), 'replica-a');
  });

  const refusals = [
    ['a host name the certificate does not carry', () => `127.0.0.1:${tlsPort}`, { tls }],
    ['a plaintext client on the TLS port', () => `localhost:${tlsPort}`, {}],
    [
      'a TLS client on the plaintext port',
      () => peerA.target.replace('127.0.0.1', 'localhost'),
      { tls },
    ],
    [
      'a server certificate from another CA',
      () => `localhost:${tlsPort}`,
      { tls: { ca_cert: makeTestCertificates().ca } },
    ],
  ];
  for (const [what, target, channel] of refusals) {
    test(`reports UNAVAILABLE within the deadline for ${what}`, async () => {
      const observed = await peerA.runCall('Calculate', ADD, {
        target: target(),
        channel,
        timeout: SHORT_TIMEOUT,
      });
      assert.equal(observed.status.code, grpc.status.UNAVAILABLE, observed.status.message);
      assert.ok(millis(observed.elapsed) < 2000, `elapsed ${millis(observed.elapsed)} ms`);
    });
  }

  test('refuses certificates that do not parse, as a description it cannot carry out', async () => {
    const { error } = await unary(peerA.control, 'RunCall', {
      ...peerA.describeCall('Calculate', ADD),
      channel: { tls: { ca_cert: Buffer.from('not PEM') } },
    });
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /^target 127\.0\.0\.1:\d+: tls\.ca_cert does not parse as PEM: /);
  });
});

describe('RunCall over mTLS', () => {
  const mtls = (client) => ({
    tls: { ca_cert: certificates.ca, client_cert: client.cert, client_key: client.key },
  });
  const call = (channel) =>
    peerA.runCall('Calculate', ADD, {
      target: `localhost:${mtlsPort}`,
      channel,
      timeout: SHORT_TIMEOUT,
    });

  test('gets through with a certificate from the client CA', async () => {
    const observed = await call(mtls(certificates.client));
    assert.equal(observed.status.code, grpc.status.OK, observed.status.message);
    assert.equal(serverIdOf(observed), 'replica-mtls');
  });

  test('is refused without a client certificate, or with one from another CA', async () => {
    for (const channel of [{ tls: { ca_cert: certificates.ca } }, mtls(certificates.otherClient)]) {
      const observed = await call(channel);
      assert.equal(observed.status.code, grpc.status.UNAVAILABLE, observed.status.message);
    }
    assert.equal((await call(mtls(certificates.client))).status.code, grpc.status.OK);
  });
});

describe('RunCall channel configs', () => {
  const bothReplicas = () => `ipv4:${peerA.target},${peerB.target}`;
  const serverIdsOf = async (channel) => {
    const seen = new Set();
    for (let i = 0; i < 6; i++) {
      const observed = await peerA.runCall('Calculate', ADD, { target: bothReplicas(), channel });
      assert.equal(observed.status.code, grpc.status.OK, observed.status.message);
      seen.add(serverIdOf(observed));
    }
    return [...seen].sort();
  };

  test('round_robin spreads calls over every address, pick_first keeps to one', async () => {
    assert.deepEqual(await serverIdsOf({ load_balancing_policy: 'round_robin' }), [
      'replica-a',
      'replica-b',
    ]);
    assert.equal((await serverIdsOf({ load_balancing_policy: 'pick_first' })).length, 1);
  });

  test('takes health_check and keepalive', async () => {
    const observed = await peerA.runCall(
      'Factorize',
      [{ number: '8', interval: { seconds: 0, nanos: 100_000_000 } }],
      {
        channel: {
          load_balancing_policy: 'round_robin',
          health_check: true,
          keepalive: {
            time: { seconds: 0, nanos: 50_000_000 },
            timeout: { seconds: 1, nanos: 0 },
            permit_without_calls: true,
          },
        },
      },
    );
    assert.equal(observed.status.code, grpc.status.OK, observed.status.message);
    assert.equal(observed.responses.length, 3);
  });

  test('become grpc-js channel options', () => {
    const options = channelOptions('gzip', {
      tls: null,
      load_balancing_policy: '',
      health_check: true,
      keepalive: {
        time: { seconds: '10', nanos: 0 },
        timeout: { seconds: '0', nanos: 500_000_000 },
        permit_without_calls: true,
      },
    });
    assert.deepEqual(JSON.parse(options['grpc.service_config']), {
      loadBalancingConfig: [{ pick_first: {} }],
      healthCheckConfig: { serviceName: '' },
    });
    assert.equal(options['grpc.keepalive_time_ms'], 10_000);
    assert.equal(options['grpc.keepalive_timeout_ms'], 500);
    assert.equal(options['grpc.keepalive_permit_without_calls'], 1);
    assert.equal(options['grpc.default_compression_algorithm'], grpc.compressionAlgorithms.gzip);
    assert.equal(channelOptions('', null)['grpc.service_config'], undefined);
  });

  test('give one channel per target, compression and whole config', () => {
    const channels = new ClientChannels();
    const config = (policy, caCert = Buffer.from('x')) => ({
      tls: null,
      load_balancing_policy: policy,
      health_check: false,
      keepalive: { time: { seconds: '1', nanos: 0 }, timeout: null, permit_without_calls: false },
      ca: caCert,
    });
    try {
      const first = channels.clientFor('localhost:1', '', config('round_robin'));
      assert.equal(channels.clientFor('localhost:1', '', config('round_robin')), first);
      assert.notEqual(channels.clientFor('localhost:1', '', config('pick_first')), first);
      assert.notEqual(
        channels.clientFor('localhost:1', '', config('round_robin', Buffer.from('y'))),
        first,
      );
      assert.notEqual(channels.clientFor('localhost:1', 'gzip', config('round_robin')), first);
      assert.notEqual(channels.clientFor('localhost:1', '', null), first);
      assert.notEqual(channels.clientFor('localhost:2', '', config('round_robin')), first);
      assert.equal(channels.size, 6);
    } finally {
      channels.close();
    }
  });
});

describe('a connection closed with GOAWAY too_many_pings', () => {
  // gRFC A8 expects UNAVAILABLE; grpc-js ends the streams of a connection closed with
  // ENHANCE_YOUR_CALM with RESOURCE_EXHAUSTED "Bandwidth exhausted or memory limit exceeded"
  // (grpc/grpc-node#1942). Either way the call must end at once, not hang until its deadline.
  test('ends the call in flight at once, not at its deadline', async () => {
    // What a server whose keepalive policy the client broke sends (gRFC A8).
    const server = http2.createServer();
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      stream.session.goaway(
        http2.constants.NGHTTP2_ENHANCE_YOUR_CALM,
        stream.id,
        Buffer.from('too_many_pings'),
      );
      stream.session.destroy();
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const observed = await peerA.runCall('Calculate', ADD, {
        target: `127.0.0.1:${server.address().port}`,
        timeout: SHORT_TIMEOUT,
      });
      assert.ok(
        [grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED].includes(observed.status.code),
        `status ${observed.status.code} ${observed.status.message}`,
      );
      assert.ok(millis(observed.elapsed) < 1000, `elapsed ${millis(observed.elapsed)} ms`);
    } finally {
      server.close();
    }
  });
});
