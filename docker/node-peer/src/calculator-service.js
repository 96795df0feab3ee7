// calculator.v1.CalculatorService over grpc-js: each handler hands the request to the arithmetic
// in calculator.js and the call's plumbing to handler-adapters.js.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  calculate,
  factorizationOf,
  primeFactors,
  rangeOf,
  RunningAverage,
  statistics,
  Summation,
} from './calculator.js';
import { answering, cancellationOf, streaming } from './handler-adapters.js';

async function factorize(call) {
  const { number, intervalMillis } = factorizationOf(call.request);
  const cancelled = cancellationOf(call);
  try {
    for (const factor of primeFactors(number)) {
      if (intervalMillis > 0) await sleep(intervalMillis, undefined, { signal: cancelled });
      if (cancelled.aborted) return;
      call.write({ factor: String(factor) });
    }
  } catch (error) {
    if (!cancelled.aborted) throw error;
  }
}

async function range(call) {
  const { start, count } = rangeOf(call.request);
  const cancelled = cancellationOf(call);
  try {
    for (let i = 0; i < count; i += 1) {
      if (cancelled.aborted) return;
      // Flow control: write() says false once the stream buffers more than its high-water mark;
      // waiting for 'drain' keeps the stream paced by the client instead of buffering a million.
      if (!call.write({ value: String(start + BigInt(i)) })) {
        await once(call, 'drain', { signal: cancelled });
      }
    }
  } catch (error) {
    // A cancelled call never drains: grpc-js drops the writes of a cancelled call unanswered.
    if (!cancelled.aborted) throw error;
  }
}

async function sum(call) {
  const summation = new Summation();
  // Leaving the loop by a throw (a missing value) ends the call at once; the rest is not read.
  for await (const request of call) summation.add(request.value);
  return summation.result();
}

async function runningAverage(call) {
  const average = new RunningAverage();
  try {
    for await (const { value } of call) call.write(average.add(value));
  } catch (error) {
    // A cancelled call's request stream ends with an error that nobody is left to hear.
    if (!call.cancelled) throw error;
  }
}

/** Handlers for calculator.v1.CalculatorService, named as grpc-js's addService expects. */
export function calculatorHandlers() {
  return {
    calculate: answering(async (call) => calculate(call.request)),
    factorize: streaming(factorize),
    sum: answering(sum),
    runningAverage: streaming(runningAverage),
    statistics: answering(async (call) => statistics(call.request)),
    range: streaming(range),
  };
}
