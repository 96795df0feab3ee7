// What the server saw of the calls it served, by their "x-interop-call-id", for GetServerCall.

/** The most recent calls, by call id; the oldest are forgotten past `capacity`. */
export class ServerCallLog {
  #records = new Map();
  #capacity;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /**
   * Starts the record of a call. `deadlineRemainingMillis` is null when the call has no deadline;
   * `peer` is the client's address as grpc-js gives it. The record is live: the caller marks it
   * cancelled later.
   */
  start(callId, method, deadlineRemainingMillis, peer) {
    const record = { method, deadlineRemainingMillis, peer: hostPort(peer), cancelled: false };
    // Re-inserting moves a reused id to the newest end, so eviction stays oldest-first.
    this.#records.delete(callId);
    this.#records.set(callId, record);
    if (this.#records.size > this.#capacity) {
      this.#records.delete(this.#records.keys().next().value);
    }
    return record;
  }

  find(callId) {
    return this.#records.get(callId);
  }
}

/**
 * The contract's form of a client address, "ip:port" with an IPv6 address in brackets: grpc-js
 * joins address and port with a colon either way ("::1:5000"), which leaves IPv6 ambiguous.
 */
export function hostPort(peer) {
  const port = peer.lastIndexOf(':');
  if (port < 0) return peer;
  const host = peer.slice(0, port);
  return host.includes(':') && !host.startsWith('[') ? `[${host}]${peer.slice(port)}` : peer;
}
