// The channels of RunCall's client: one grpc-js client (one channel) per target, request
// compression and interop.v1.ChannelConfig, shared by every call made with the same three.
import { createHash } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import { durationToMillis } from './duration.js';
import { channelCredentials, checkTls } from './transport-security.js';

// The server keeps gRPC's default 4 MiB limit on what it receives; the client takes up to 64 MiB,
// so that a large response reaches the suite, which alone judges sizes.
const BASE_OPTIONS = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };

// grpc-js compresses requests per channel ('grpc.default_compression_algorithm'), not per call,
// so each compression gets its own channel.
const OPTIONS_BY_COMPRESSION = new Map([
  ['', {}],
  ['identity', {}],
  ['gzip', { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip }],
]);

export const COMPRESSIONS = [...OPTIONS_BY_COMPRESSION.keys()];

// The policies the contract names, which every gRPC library has; "" leaves the choice to it.
const LOAD_BALANCING_POLICIES = ['', 'pick_first', 'round_robin'];

/**
 * Throws, with a sentence naming the field, when a ChannelConfig asks for what no channel can be
 * made with: checked before any channel is made, in the order RunCall's contract lists.
 */
export function checkChannelConfig(config) {
  if (!config) return;
  const policy = config.load_balancing_policy;
  if (!LOAD_BALANCING_POLICIES.includes(policy)) {
    throw new Error(
      `unknown load_balancing_policy "${policy}" (expected "", "pick_first" or "round_robin")`,
    );
  }
  checkTls(config.tls);
}

/**
 * The default service config for a load-balancing policy and client-side health checking, or
 * null when neither is asked for. grpc-js validates and uses loadBalancingConfig; it has no
 * client-side health checking (gRFC A17) and drops healthCheckConfig unread, so a replica that is
 * NOT_SERVING still gets calls. It is passed all the same, as a grpc-js user would write it, so
 * that a grpc-js release that learns it is measured as it is.
 */
function serviceConfig({ load_balancing_policy: policy, health_check: healthCheck }) {
  if (!policy && !healthCheck) return null;
  return {
    loadBalancingConfig: [{ [policy || 'pick_first']: {} }],
    ...(healthCheck && { healthCheckConfig: { serviceName: '' } }),
  };
}

function keepaliveOptions(keepalive) {
  if (!keepalive) return {};
  const { time, timeout, permit_without_calls: permitWithoutCalls } = keepalive;
  return {
    ...(time && { 'grpc.keepalive_time_ms': Math.round(durationToMillis(time)) }),
    ...(timeout && { 'grpc.keepalive_timeout_ms': Math.round(durationToMillis(timeout)) }),
    'grpc.keepalive_permit_without_calls': permitWithoutCalls ? 1 : 0,
  };
}

/** The grpc-js channel options for a request compression and an interop.v1.ChannelConfig. */
export function channelOptions(compression, config) {
  const service = config && serviceConfig(config);
  return {
    ...BASE_OPTIONS,
    ...OPTIONS_BY_COMPRESSION.get(compression),
    ...(service && { 'grpc.service_config': JSON.stringify(service) }),
    ...keepaliveOptions(config?.keepalive),
  };
}

/**
 * A new client (so a new channel) for `target`, `compression` and `config`, as RunCall's are made.
 * With `ownConnection`, the channel keeps its connections to itself: grpc-js otherwise lets
 * channels with equal targets and options share a connection through its global subchannel pool.
 * Throws when grpc-js refuses the target, the certificates or the options.
 */
export function newClient(target, compression, config, { ownConnection = false } = {}) {
  return new grpc.Client(target, channelCredentials(config?.tls), {
    ...channelOptions(compression, config),
    ...(ownConnection && { 'grpc.use_local_subchannel_pool': 1 }),
  });
}

/**
 * A key for a whole ChannelConfig. proto-loader decodes with every default filled in and fields in
 * declaration order, so equal configs give equal JSON (bytes fields included, as Buffer's JSON).
 */
function configKey(config) {
  return config ? createHash('sha256').update(JSON.stringify(config)).digest('hex') : 'plaintext';
}

export class ClientChannels {
  #clients = new Map();

  /**
   * The client for `target`, `compression` and `config` (a decoded interop.v1.ChannelConfig, or
   * null for plaintext with the library's defaults). Throws when grpc-js refuses the target, the
   * certificates or the options.
   */
  clientFor(target, compression, config) {
    const key = `${compression || 'identity'} ${configKey(config)} ${target}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = newClient(target, compression, config);
      this.#clients.set(key, client);
    }
    return client;
  }

  /** How many channels are open: one per distinct target, compression and config. */
  get size() {
    return this.#clients.size;
  }

  close() {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }
}
