// Errors in the gRPC richer error model: the status code and message are repeated as a
// google.rpc.Status in the "grpc-status-details-bin" trailer, where clients of every language find
// the details (https://grpc.io/docs/guides/error/).
import grpc from '@grpc/grpc-js';
import protoFiles from 'google-proto-files';

const googleRpc = protoFiles.loadSync([
  protoFiles.getProtoPath('rpc', 'status.proto'),
  protoFiles.getProtoPath('rpc', 'error_details.proto'),
]);
const Status = googleRpc.lookupType('google.rpc.Status');
const BadRequest = googleRpc.lookupType('google.rpc.BadRequest');

export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

/**
 * A grpc-js ServiceError for a handler to fail with. With a violation ({field, description}) the
 * google.rpc.Status carries one google.rpc.BadRequest detail; without one it carries none.
 */
export function richStatusError(code, message, violation = null) {
  const details = [];
  if (violation) {
    const badRequest = BadRequest.fromObject({ fieldViolations: [violation] });
    details.push({ type_url: BAD_REQUEST_TYPE_URL, value: BadRequest.encode(badRequest).finish() });
  }
  const rpcStatus = Status.fromObject({ code, message, details });
  const metadata = new grpc.Metadata();
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode(rpcStatus).finish()));
  return Object.assign(new Error(message), { code, details: message, metadata });
}

/** The google.rpc.Status in a grpc-status-details-bin value, with any BadRequest detail decoded. */
export function decodeRichStatus(bytes) {
  const { code, message, details } = Status.toObject(Status.decode(bytes), { defaults: true });
  return {
    code,
    message,
    details: details.map(({ type_url: typeUrl, value }) => ({
      typeUrl,
      value:
        typeUrl === BAD_REQUEST_TYPE_URL ? BadRequest.toObject(BadRequest.decode(value)) : value,
    })),
  };
}
