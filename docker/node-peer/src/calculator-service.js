// calculator.v1.CalculatorService over grpc-js: each handler hands the request to the arithmetic
// in calculator.js and the call's plumbing to handler-adapters.js.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  calculate,
  factorizationOf,
  primeFactors,
  RunningAverage,
  statistics,
  Summation,
} from './calculator.js';
import { answering, streaming } from './handler-adapters.js';

/** Aborts when the call is cancelled, by the client or by its deadline. */
function cancellationOf(call) {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort());
  return controller.signal;
}

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
  };
}
