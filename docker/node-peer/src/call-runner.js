// RunCall's and RunCalls' client: makes any call of the loaded protos with grpc-js's generic
// client, as an interop.v1.RunCallRequest describes it, and reports what the client observed. It
// knows no method by name: a method catalog gives the path, the streaming kind and the serializers
// (the catalog of a contract loaded by LoadContract first, then the peer's own), so protobufjs
// encodes the requests and decodes the responses as for any grpc-js client. A raw call skips the
// catalogs and sends the bytes it is given to any path.
import { setImmediate as nextTurnOfEventLoop } from 'node:timers/promises';
import grpc from '@grpc/grpc-js';
import { checkChannelConfig, ClientChannels, COMPRESSIONS } from './client-channels.js';
import { durationFromNanos, durationToMillis } from './duration.js';
import { entriesFromMetadata, metadataFromEntries } from './metadata-entries.js';
import { STATUS_DETAILS_KEY } from './rich-status.js';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

/**
 * A RunCallRequest (or a RunLoadRequest) that cannot be carried out; RunCall and RunLoad answer it
 * with INVALID_ARGUMENT.
 */
export class CallDescriptionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CallDescriptionError';
  }
}

function decodeRequest(method, { type_url: typeUrl, value }, index) {
  // As for any Any, the type is the part of the URL after its last "/".
  const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (typeName !== method.inputType) {
    throw new CallDescriptionError(
      `request ${index}: type_url "${typeUrl}" is not the input type ${method.inputType} of ${method.name}`,
    );
  }
  try {
    return method.requestDeserialize(value);
  } catch (error) {
    throw new CallDescriptionError(
      `request ${index}: does not parse as ${method.inputType}: ${error.message}`,
    );
  }
}

const asBytes = (bytes) => bytes;

/**
 * Any path as a bidirectional stream of bytes, which is what every gRPC call is on the wire: the
 * server alone parses the requests, whatever method it finds (or does not find) at that path.
 */
function rawMethod(name) {
  return {
    name,
    path: `/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: asBytes,
    responseDeserialize: asBytes,
  };
}

/** The requests to send and how to report each response, for a known method or a raw call. */
function messagesOf(method, request) {
  if (request.raw) {
    // raw_repeat concatenates the bytes into one message: protobuf merges concatenated messages.
    const times = Math.max(1, request.raw_repeat || 0);
    return {
      requests: request.requests.map(({ value }) => Buffer.concat(Array(times).fill(value))),
      packResponse: (bytes) => ({ type_url: '', value: bytes }),
    };
  }
  return {
    requests: request.requests.map((any, index) => decodeRequest(method, any, index)),
    packResponse: (response) => ({
      type_url: TYPE_URL_PREFIX + method.outputType,
      value: method.responseSerialize(response),
    }),
  };
}

/** Runs `check`, turning what it throws into a CallDescriptionError. */
function describing(check) {
  try {
    return check();
  } catch (error) {
    throw new CallDescriptionError(error.message);
  }
}

/**
 * The call a RunCallRequest describes, checked and decoded, or a CallDescriptionError for its first
 * problem, in the order of RunCall's contract, so that every peer refuses a description alike.
 */
function planCall(findMethod, request) {
  // A RunLoadRequest may leave its call unset, which is a description without a target.
  if (!request?.target) throw new CallDescriptionError('target is required');
  const method =
    request.raw && request.method ? rawMethod(request.method) : findMethod(request.method);
  if (!method) {
    throw new CallDescriptionError(
      request.raw
        ? 'unknown method "": a raw call needs the path to call'
        : `unknown method "${request.method}": neither a loaded contract nor this peer's own protos declare it`,
    );
  }
  const messages = messagesOf(method, request);
  if (!method.requestStream && request.requests.length !== 1) {
    throw new CallDescriptionError(
      `${method.name} takes exactly one request, got ${request.requests.length}`,
    );
  }
  if (!request.timeout) throw new CallDescriptionError('timeout is required');
  if (!(durationToMillis(request.timeout) > 0)) {
    const { seconds, nanos } = request.timeout;
    throw new CallDescriptionError(
      `timeout is required to be above zero, got ${seconds} s and ${nanos} ns`,
    );
  }
  if (!COMPRESSIONS.includes(request.compression)) {
    throw new CallDescriptionError(
      `unknown compression "${request.compression}" (expected "", "identity" or "gzip")`,
    );
  }
  const metadata = describing(() => metadataFromEntries(request.metadata));
  describing(() => checkChannelConfig(request.channel));
  const { cancel } = request;
  if (cancel?.when === 'after_responses' && cancel.after_responses === 0) {
    throw new CallDescriptionError(
      'cancel: after_responses must be at least 1 (after_begin cancels before any response)',
    );
  }
  return {
    target: request.target,
    compression: request.compression,
    channel: request.channel,
    method,
    ...messages,
    metadata,
    timeoutMillis: durationToMillis(request.timeout),
    cancelAtBegin: cancel?.when === 'after_begin' && cancel.after_begin,
    cancelAfterResponses: cancel?.when === 'after_responses' ? cancel.after_responses : null,
    pingPong: request.ping_pong && method.requestStream && method.responseStream,
  };
}

/** Starts the call with the client API for its streaming kind; responses go to `onResponse`. */
export function startCall(client, plan, onResponse) {
  const { method, requests, metadata } = plan;
  const { path, requestSerialize: serialize, responseDeserialize: deserialize } = method;
  const options = { deadline: Date.now() + plan.timeoutMillis };
  const answered = (error, response) => {
    if (!error) onResponse(response);
  };
  let call;
  if (!method.requestStream && !method.responseStream) {
    call = client.makeUnaryRequest(
      path,
      serialize,
      deserialize,
      requests[0],
      metadata,
      options,
      answered,
    );
  } else if (!method.requestStream) {
    call = client.makeServerStreamRequest(
      path,
      serialize,
      deserialize,
      requests[0],
      metadata,
      options,
    );
  } else if (!method.responseStream) {
    call = client.makeClientStreamRequest(
      path,
      serialize,
      deserialize,
      metadata,
      options,
      answered,
    );
  } else {
    call = client.makeBidiStreamRequest(path, serialize, deserialize, metadata, options);
  }
  if (method.responseStream) call.on('data', onResponse);
  // A failed call is an observation: its 'status' event reports it, so its 'error' event (which
  // would otherwise crash the process) needs no more.
  call.on('error', () => {});
  return call;
}

/** Makes the planned call and returns the RunCallResponse: what the client saw. */
async function observeCall(client, plan) {
  const responses = [];
  let headers = new grpc.Metadata();
  let ended = false;
  // Resolved at each response, so that ping-pong can wait for one.
  let responded = Promise.withResolvers();

  const startedAt = process.hrtime.bigint();
  const call = startCall(client, plan, (response) => {
    responses.push(response);
    if (responses.length === plan.cancelAfterResponses) call.cancel();
    responded.resolve();
    responded = Promise.withResolvers();
  });
  call.on('metadata', (metadata) => {
    headers = metadata;
  });
  const outcome = new Promise((resolve) => call.once('status', resolve)).then((status) => {
    ended = true;
    return { status, elapsed: process.hrtime.bigint() - startedAt };
  });

  if (plan.cancelAtBegin) {
    // Not in this same turn of the event loop: grpc-js 1.14 creates the HTTP/2 stream in a promise
    // callback after start, and a cancel that lands before that callback is never sent to the
    // server, which then keeps the call open until its deadline.
    await nextTurnOfEventLoop();
    call.cancel();
  } else {
    if (plan.method.requestStream) {
      for (const [index, request] of plan.requests.entries()) {
        if (ended) break;
        call.write(request);
        while (plan.pingPong && !ended && responses.length <= index) {
          await Promise.race([responded.promise, outcome]);
        }
      }
      call.end();
    }
  }

  const { status, elapsed } = await outcome;
  const [details] = status.metadata.get(STATUS_DETAILS_KEY);
  return {
    headers: entriesFromMetadata(headers),
    responses: responses.map(plan.packResponse),
    trailers: entriesFromMetadata(status.metadata),
    status: { code: status.code, message: status.details, details: details ?? Buffer.alloc(0) },
    elapsed: durationFromNanos(elapsed),
  };
}

/**
 * Carries out RunCall requests, keeping one client (so one channel) per target, compression and
 * channel config, which every call made with the same three shares. Methods are found in the
 * contract last given to useContract, then in the peer's own catalog.
 */
export class CallRunner {
  #ownMethods;
  #contractMethods = null;
  #channels;

  constructor(ownMethods, channels = new ClientChannels()) {
    this.#ownMethods = ownMethods;
    this.#channels = channels;
  }

  /** Makes a loaded contract's catalog the first place methods are found, replacing any earlier. */
  useContract(contractMethods) {
    this.#contractMethods = contractMethods;
  }

  /**
   * The call a RunCallRequest describes, checked and with its requests decoded, for making it on a
   * channel of one's own; throws CallDescriptionError for its first problem, as RunCall would.
   */
  plan(request) {
    return planCall(
      (name) => this.#contractMethods?.find(name) ?? this.#ownMethods.find(name),
      request,
    );
  }

  /** The RunCallResponse for a RunCallRequest; throws CallDescriptionError when it cannot be made. */
  async run(request) {
    const { client, plan } = this.#prepare(request);
    return observeCall(client, plan);
  }

  /**
   * The RunCallResponses for many RunCallRequests, in their order, made concurrently; throws
   * CallDescriptionError naming the first that cannot be made, before making any.
   */
  async runAll(requests) {
    const prepared = requests.map((request, index) => {
      try {
        return this.#prepare(request);
      } catch (error) {
        if (error instanceof CallDescriptionError) {
          throw new CallDescriptionError(`call ${index}: ${error.message}`);
        }
        throw error;
      }
    });
    // observeCall starts its call before its first await, so every call is under way before
    // any is awaited.
    return Promise.all(prepared.map(({ client, plan }) => observeCall(client, plan)));
  }

  close() {
    this.#channels.close();
  }

  #prepare(request) {
    const plan = this.plan(request);
    const { target, compression, channel } = plan;
    try {
      return { client: this.#channels.clientFor(target, compression, channel), plan };
    } catch (error) {
      throw new CallDescriptionError(`target ${target}: ${error.message}`);
    }
  }
}
