// RunLoad's client: the call a RunLoadRequest describes, made over and over in closed loop by
// `concurrency` async slots on channels made for the load, each on a connection of its own, and
// measured after a warm-up. The call is planned once, as RunCall plans it (its requests decoded
// from their Any once), and started per call as RunCall starts it; of each call only the status,
// the latency and the message counts and sizes are kept.
import grpc from '@grpc/grpc-js';
import { CallDescriptionError, startCall } from './call-runner.js';
import { newClient } from './client-channels.js';
import { durationFromNanos, durationToNanos } from './duration.js';
import { LatencyHistogram } from './latency-histogram.js';
import { STATUS_DETAILS_KEY } from './rich-status.js';

const now = () => process.hrtime.bigint();
const NANOS_PER_MICRO = 1000n;

/**
 * The load a RunLoadRequest describes: its call checked first, as RunCall checks it, then what a
 * load adds, in the order of RunLoad's contract. Throws CallDescriptionError for the first problem.
 */
function planLoad(callRunner, request) {
  const call = callRunner.plan(request.call);
  if (request.call.cancel || request.call.raw) {
    throw new CallDescriptionError('load calls cannot be cancelled or raw');
  }
  if (request.concurrency === 0) throw new CallDescriptionError('concurrency must be at least 1');
  const durationNanos = request.until === 'duration' ? durationToNanos(request.duration) : 0n;
  const calls = request.until === 'calls' ? Number(request.calls) : 0;
  if (durationNanos <= 0n && calls === 0) {
    throw new CallDescriptionError('duration or calls is required');
  }
  const channels = Math.max(1, request.channels);
  if (channels > request.concurrency) {
    throw new CallDescriptionError('channels must not exceed concurrency');
  }
  const warmupNanos = request.warmup ? durationToNanos(request.warmup) : 0n;
  return {
    call,
    concurrency: request.concurrency,
    channels,
    warmupNanos: warmupNanos > 0n ? warmupNanos : 0n,
    durationNanos: durationNanos > 0n ? durationNanos : null,
    calls: calls > 0 ? calls : null,
  };
}

/** Resolves once the client's channel is READY, or at `deadline` if it is not by then. */
function connected(client, deadline) {
  return new Promise((resolve) => client.waitForReady(deadline, resolve));
}

/**
 * One call, with every request sent before the half-close; resolves at its end to its status,
 * when it ended and how many requests it sent.
 */
function callOnce(client, plan, onResponse) {
  const call = startCall(client, plan, onResponse);
  const ended = new Promise((resolve) => {
    call.once('status', (status) => {
      resolve({ status, endedAt: now(), sent: plan.requests.length, roundTrips: null });
    });
  });
  if (plan.method.requestStream) {
    for (const request of plan.requests) call.write(request);
    call.end();
  }
  return ended;
}

/**
 * One bidirectional call played as ping-pong: each request waits for the response to the one
 * before it. Resolves as callOnce does, with the round trips: for each answered request, when it
 * was sent and when its response was read.
 */
async function playPingPong(client, plan, onResponse) {
  const sentAt = [];
  const respondedAt = [];
  let responded = Promise.withResolvers();
  const call = startCall(client, plan, (response) => {
    respondedAt.push(now());
    onResponse(response);
    responded.resolve();
    responded = Promise.withResolvers();
  });
  let ended = false;
  const outcome = new Promise((resolve) => {
    call.once('status', (status) => {
      ended = true;
      resolve({ status, endedAt: now() });
    });
  });
  for (const [index, request] of plan.requests.entries()) {
    if (ended) break;
    sentAt.push(now());
    call.write(request);
    while (!ended && respondedAt.length <= index) {
      await Promise.race([responded.promise, outcome]);
    }
  }
  call.end();
  const end = await outcome;
  const answered = Math.min(sentAt.length, respondedAt.length);
  return { ...end, sent: sentAt.length, roundTrips: { sentAt, respondedAt, answered } };
}

/**
 * A load under way: its slots, the measured period and what was counted in it. The period starts
 * `warmupNanos` after the slots do and ends after `durationNanos`, or at the end of the call that
 * makes `calls`; a call counts when it ends within it. Which period a call ended in is decided by
 * the clock, not by the timers, which only stop the slots and read the CPU time.
 */
class Load {
  #load;
  #plan;
  #bytesSentAfter;
  #measuredFrom;
  #measuredUntil = null;
  #stopped = false;
  #timers = [];
  #cpuAtStart = null;
  #cpuUsed = null;

  #calls = 0;
  #statuses = new Map();
  #latency = new LatencyHistogram();
  #messagesSent = 0;
  #messagesReceived = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  #lastCountedEnd = null;
  #firstFailure = null;

  constructor(load) {
    this.#load = load;
    this.#plan = load.call;
    // The serialized size of the first n requests, by n. grpc-js serializes each call's requests
    // itself, as for any of its users; their sizes need working out only once.
    this.#bytesSentAfter = [0];
    for (const request of this.#plan.requests) {
      const size = this.#plan.method.requestSerialize(request).length;
      this.#bytesSentAfter.push(this.#bytesSentAfter.at(-1) + size);
    }
  }

  /** Runs the load on `clients` until the measured period is over, or `stop` aborts; its report. */
  async run(clients, stop) {
    const { warmupNanos, durationNanos, concurrency } = this.#load;
    this.#measuredFrom = now() + warmupNanos;
    if (durationNanos !== null) this.#measuredUntil = this.#measuredFrom + durationNanos;
    if (warmupNanos > 0n) this.#after(warmupNanos, () => this.#startMeasuring());
    else this.#startMeasuring();
    if (stop.aborted) this.#stop();
    stop.addEventListener('abort', () => this.#stop(), { once: true });
    const slots = await Promise.allSettled(
      Array.from({ length: concurrency }, (_, slot) =>
        this.#runSlot(clients[slot % clients.length]),
      ),
    );
    for (const timer of this.#timers) clearTimeout(timer);
    const failed = slots.find(({ status }) => status === 'rejected');
    if (failed) throw failed.reason;
    return this.#report();
  }

  #after(nanos, action) {
    // Rounded up: a timer that fires early would end the period before its time.
    this.#timers.push(setTimeout(action, Math.ceil(Number(nanos) / 1e6)));
  }

  /**
   * Takes the CPU time at the start of the measured period, when its timer fires or, if a call
   * ending within the period comes first, then.
   */
  #startMeasuring() {
    if (this.#cpuAtStart !== null) return;
    this.#cpuAtStart = process.cpuUsage();
    if (this.#measuredUntil !== null) this.#after(this.#measuredUntil - now(), () => this.#stop());
  }

  /** Ends the measured period (if it is not over yet): from now on no call starts. */
  #stop() {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cpuUsed = process.cpuUsage(this.#cpuAtStart ?? undefined);
  }

  /** One slot: one call after another, the next started when the one before it ends. */
  async #runSlot(client) {
    // Counting each response's serialized size where grpc-js hands it over, so nothing re-encodes.
    let received = 0;
    let bytesReceived = 0;
    const { responseDeserialize } = this.#plan.method;
    const plan = {
      ...this.#plan,
      method: {
        ...this.#plan.method,
        responseDeserialize: (bytes) => {
          bytesReceived += bytes.length;
          return responseDeserialize(bytes);
        },
      },
    };
    const countResponse = () => {
      received += 1;
    };
    const makeCall = this.#plan.pingPong ? playPingPong : callOnce;
    try {
      while (!this.#stopped) {
        received = 0;
        bytesReceived = 0;
        const startedAt = now();
        const end = await makeCall(client, plan, countResponse);
        this.#ended({ ...end, startedAt, received, bytesReceived });
      }
    } catch (error) {
      // Not a call that failed (that is a status) but this peer failing: the other slots stop too.
      this.#stop();
      throw error;
    }
  }

  /** Whether the measured period is over for a call that ended `at`. */
  #isOverAt(at) {
    return (
      this.#calls === this.#load.calls || (this.#measuredUntil !== null && at > this.#measuredUntil)
    );
  }

  /** Counts a call that ended, if it ended within the measured period. */
  #ended({ status, startedAt, endedAt, sent, roundTrips, received, bytesReceived }) {
    if (endedAt < this.#measuredFrom) return;
    if (this.#isOverAt(endedAt)) {
      // The period's timer may not have fired yet.
      this.#stop();
      return;
    }
    this.#startMeasuring();
    this.#calls += 1;
    this.#statuses.set(status.code, (this.#statuses.get(status.code) ?? 0) + 1);
    this.#messagesSent += sent;
    this.#bytesSent += this.#bytesSentAfter[sent];
    this.#messagesReceived += received;
    this.#bytesReceived += bytesReceived;
    this.#lastCountedEnd = endedAt;
    if (status.code === grpc.status.OK) {
      if (roundTrips) this.#recordRoundTrips(roundTrips);
      else this.#latency.record(Number(endedAt - startedAt));
    } else if (this.#firstFailure === null) {
      const [details] = status.metadata.get(STATUS_DETAILS_KEY);
      this.#firstFailure = {
        code: status.code,
        message: status.details,
        details: details ?? Buffer.alloc(0),
      };
    }
    if (this.#calls === this.#load.calls) this.#stop();
  }

  /** The round trips of a counted ping-pong call that ended within the measured period. */
  #recordRoundTrips({ sentAt, respondedAt, answered }) {
    for (let i = 0; i < answered; i += 1) {
      if (respondedAt[i] >= this.#measuredFrom) {
        this.#latency.record(Number(respondedAt[i] - sentAt[i]));
      }
    }
  }

  #report() {
    const cpu = this.#cpuUsed ?? { user: 0, system: 0 };
    return {
      calls: String(this.#calls),
      statuses: [...this.#statuses]
        .sort(([a], [b]) => a - b)
        .map(([code, count]) => ({ code, count: String(count) })),
      latency: this.#latency.toMessage(),
      messages_sent: String(this.#messagesSent),
      messages_received: String(this.#messagesReceived),
      bytes_sent: String(this.#bytesSent),
      bytes_received: String(this.#bytesReceived),
      elapsed: durationFromNanos(
        this.#lastCountedEnd === null ? 0n : this.#lastCountedEnd - this.#measuredFrom,
      ),
      cpu_time: durationFromNanos(BigInt(cpu.user + cpu.system) * NANOS_PER_MICRO),
      first_failure: this.#firstFailure,
    };
  }
}

/**
 * Carries out RunLoad requests. Each load gets channels of its own, made by `newChannel` (a grpc-js
 * client for a target, compression and ChannelConfig, on a connection of its own), which it closes
 * when it ends.
 */
export class LoadRunner {
  #callRunner;
  #newChannel;

  constructor(
    callRunner,
    newChannel = (target, compression, config) =>
      newClient(target, compression, config, { ownConnection: true }),
  ) {
    this.#callRunner = callRunner;
    this.#newChannel = newChannel;
  }

  /**
   * The RunLoadResponse for a RunLoadRequest; throws CallDescriptionError when it cannot be made.
   * Aborting `stop` (the harness gave up on RunLoad) ends the load early: no call starts after it.
   */
  async run(request, stop = new AbortController().signal) {
    const load = planLoad(this.#callRunner, request);
    const { target, compression, channel, timeoutMillis } = load.call;
    const clients = [];
    try {
      try {
        for (let i = 0; i < load.channels; i += 1) {
          clients.push(this.#newChannel(target, compression, channel));
        }
      } catch (error) {
        throw new CallDescriptionError(`target ${target}: ${error.message}`);
      }
      // A channel that cannot connect in time is not waited for longer: its calls fail instead.
      const connectBy = Date.now() + timeoutMillis;
      await Promise.all(clients.map((client) => connected(client, connectBy)));
      return await new Load(load).run(clients, stop);
    } finally {
      for (const client of clients) client.close();
    }
  }
}
