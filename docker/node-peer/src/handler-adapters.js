// grpc-js calls handlers with callbacks and event emitters; these adapters let each handler be an
// async function that returns its response or throws, and turn what it throws into a gRPC status.
import grpc from '@grpc/grpc-js';
import { CalculatorError } from './calculator.js';
import { richStatusError } from './rich-status.js';

/** The grpc-js ServiceError for anything a handler throws. */
export function serviceErrorOf(error) {
  if (error instanceof CalculatorError) {
    return richStatusError(error.code, error.message, error.violation);
  }
  if (Number.isInteger(error?.code) && error.metadata instanceof grpc.Metadata) return error;
  console.error('handler failed:', error);
  return { code: grpc.status.INTERNAL, details: `internal error: ${error?.message ?? error}` };
}

/** A unary or client-streaming handler from `async (call) => response`. */
export function answering(handle) {
  return (call, callback) => {
    handle(call).then(
      (response) => callback(null, response),
      (error) => {
        // A cancelled client-streaming call ends its request stream with an error; nobody hears it.
        if (!call.cancelled) callback(serviceErrorOf(error));
      },
    );
  };
}

/**
 * A server-streaming or bidi handler from `async (call) => void` that writes its responses; the
 * call ends when it returns. Once the call is cancelled its end no longer matters.
 */
export function streaming(handle) {
  return (call) => {
    handle(call).then(
      () => {
        if (!call.cancelled) call.end();
      },
      (error) => {
        // grpc-js streams take a failure status as an 'error' event.
        if (!call.cancelled) call.emit('error', serviceErrorOf(error));
      },
    );
  };
}

/** Aborts when the call is cancelled, by the client or by its deadline. */
export function cancellationOf(call) {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort());
  return controller.signal;
}
