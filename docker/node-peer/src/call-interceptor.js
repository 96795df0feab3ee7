// One server interceptor for what every method does the same way: echo the test metadata (as the
// official interop case custom_metadata does), name this replica in the response headers, and
// record calls for GetServerCall. Handlers know nothing of any of it.
import grpc from '@grpc/grpc-js';

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const CALL_ID_KEY = 'x-interop-call-id';
const SERVER_ID_KEY = 'x-interop-server-id';

function remainingMillis(deadline) {
  const at = Number(deadline); // a Date or epoch milliseconds; Infinity when the call has none
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

/**
 * A grpc-js server interceptor. Calls to `recordedServices` (full service names) that carry
 * x-interop-call-id are recorded in `callLog`; every response's headers carry `serverId`, so that a
 * client behind a load balancer can tell which replica answered.
 */
export function callInterceptor({ callLog, recordedServices, serverId }) {
  return (methodDescriptor, call) => {
    const method = methodDescriptor.path.slice(1);
    const recorded = recordedServices.has(method.slice(0, method.indexOf('/')));
    let echoInitial = [];
    let echoTrailing = [];
    let record = null;
    let handlerFinished = false;

    const intercepted = new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            echoInitial = metadata.get(ECHO_INITIAL_KEY);
            echoTrailing = metadata.get(ECHO_TRAILING_KEY);
            const [callId] = metadata.get(CALL_ID_KEY);
            if (recorded && typeof callId === 'string') {
              // Handlers start as soon as the metadata (streaming requests) or the one request
              // (unary requests, moments later) has arrived; this is the earlier of the two.
              record = callLog.start(
                callId,
                method,
                remainingMillis(call.getDeadline()),
                call.getPeer(),
              );
            }
            // Send the headers now, so that the echo is in the response headers even when the
            // call fails (grpc-js would otherwise answer an early failure with trailers only).
            if (echoInitial.length > 0) intercepted.sendMetadata(new grpc.Metadata());
            nextMetadata(metadata);
          },
          // grpc-js passes the cancellation on to the handler by itself, and also reports here
          // the end of a call that finished; only a cancellation before that counts.
          onCancel() {
            if (record && !handlerFinished) record.cancelled = true;
          },
        });
      },
      sendMetadata(metadata, next) {
        metadata.set(SERVER_ID_KEY, serverId);
        for (const value of echoInitial) metadata.add(ECHO_INITIAL_KEY, value);
        next(metadata);
      },
      sendStatus(status, next) {
        handlerFinished = true;
        const trailers = status.metadata?.clone() ?? new grpc.Metadata();
        for (const value of echoTrailing) trailers.add(ECHO_TRAILING_KEY, value);
        next({ ...status, metadata: trailers });
      },
    });
    return intercepted;
  };
}
