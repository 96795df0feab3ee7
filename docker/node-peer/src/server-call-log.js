// What the server saw of the calls it served, by their "x-interop-call-id", for GetServerCall.

/** The most recent calls, by call id; the oldest are forgotten past `capacity`. */
export class ServerCallLog {
  #records = new Map();
  #capacity;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /**
   * Starts the record of a call. `deadlineRemainingMillis` is null when the call has no deadline.
   * The record is live: the caller marks it cancelled later.
   */
  start(callId, method, deadlineRemainingMillis) {
    const record = { method, deadlineRemainingMillis, cancelled: false };
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
