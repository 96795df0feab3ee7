// The peer served on loopback for the end-to-end tests, with clients of its own services and
// helpers to drive RunCall against the peer itself.
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import { MethodCatalog } from '../src/method-catalog.js';
import { PeerServer } from '../src/peer-server.js';
import { loadProtos } from '../src/protos.js';

export const protos = loadProtos();
export const catalog = new MethodCatalog(protos);
export const api = grpc.loadPackageDefinition(protos);
export const CALCULATOR = 'calculator.v1.CalculatorService';
export const CONTROL = 'interop.v1.PeerControlService';

// Long enough for any RunCalls of the tests, which give their own calls at most 5 s.
const TEST_CALL_DEADLINE_MILLIS = 20_000;

/** A unary call as a promise of {response, error, headers, trailers}. */
export function unary(client, name, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve) => {
    const observed = {};
    const options = { deadline: Date.now() + TEST_CALL_DEADLINE_MILLIS };
    const call = client[name](request, metadata, options, (error, response) => {
      Object.assign(observed, { error, response });
    });
    call.on('metadata', (headers) => Object.assign(observed, { headers }));
    call.on('status', ({ metadata }) => resolve({ ...observed, trailers: metadata }));
  });
}

/** `request` as the Any that RunCall takes for a method named "Service/Method" or, in the calculator, "Method". */
export function pack(methodName, request) {
  const method = catalog.find(
    methodName.includes('/') ? methodName : `${CALCULATOR}/${methodName}`,
  );
  return {
    type_url: `type.googleapis.com/${method.inputType}`,
    value: method.requestSerialize(request),
  };
}

/** A response that RunCall reports as an Any, decoded. */
export function unpack(methodName, any) {
  const method = catalog.find(
    methodName.includes('/') ? methodName : `${CALCULATOR}/${methodName}`,
  );
  assert.equal(any.type_url, `type.googleapis.com/${method.outputType}`);
  return method.responseDeserialize(any.value);
}

export const int = (value) => ({ integer: String(value) });

export class LoopbackPeer {
  #server;

  constructor(server, target) {
    this.#server = server;
    this.target = target;
    const insecure = grpc.credentials.createInsecure();
    this.calculator = new api.calculator.v1.CalculatorService(target, insecure);
    // RunCall and RunCalls may report more than gRPC's default 4 MiB.
    this.control = new api.interop.v1.PeerControlService(target, insecure, {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
    this.health = new api.grpc.health.v1.Health(target, insecure);
  }

  /** A peer on a free loopback port; `options` go to PeerServer (a serverId, say). */
  static async start(options = {}) {
    const server = new PeerServer({ protos, ...options });
    const port = await server.start(0, '127.0.0.1');
    return new LoopbackPeer(server, `127.0.0.1:${port}`);
  }

  /** Also serves TLS on a free loopback port; resolves to that port. */
  startTls(tls) {
    return this.#server.startTls(0, tls, '127.0.0.1');
  }

  async stop() {
    for (const client of [this.calculator, this.control, this.health]) client.close();
    await this.#server.stop();
  }

  /** The RunCallRequest for plain request objects, against this same peer unless told otherwise. */
  describeCall(methodName, requests, description = {}) {
    return {
      target: this.target,
      method: methodName.includes('/') ? methodName : `${CALCULATOR}/${methodName}`,
      requests: requests.map((request) => pack(methodName, request)),
      timeout: { seconds: 5, nanos: 0 },
      ...description,
    };
  }

  /** RunCall against this same peer; resolves to the report with its responses decoded. */
  async runCall(methodName, requests, description = {}) {
    const { response, error } = await unary(
      this.control,
      'RunCall',
      this.describeCall(methodName, requests, description),
    );
    if (error) throw error;
    return { ...response, responses: response.responses.map((any) => unpack(methodName, any)) };
  }

  /** A raw RunCall of `payloads` (Buffers) to `method`, any path; resolves to the report. */
  async runRawCall(method, payloads, description = {}) {
    const { response, error } = await unary(this.control, 'RunCall', {
      target: this.target,
      method,
      requests: payloads.map((value) => ({ type_url: '', value })),
      timeout: { seconds: 5, nanos: 0 },
      raw: true,
      ...description,
    });
    if (error) throw error;
    return response;
  }
}
