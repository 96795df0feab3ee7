// interop.v1.PeerControlService: how the Java suite drives this peer. No test logic lives here:
// RunCall and RunCalls make the calls they are told to make, RunLoad makes one over and over and
// measures it, LoadContract makes a contract's methods known to them, GetServerCall reports what
// the server saw, EchoStatus ends a call as it is told to, SetServing sets the server's health.
import { createRequire } from 'node:module';
import grpc from '@grpc/grpc-js';
import { CallDescriptionError } from './call-runner.js';
import { ContractError } from './contract-set.js';
import { durationFromMillis } from './duration.js';
import { answering, cancellationOf } from './handler-adapters.js';
import { MethodCatalog } from './method-catalog.js';
import { loadContract } from './protos.js';
import { richStatusError } from './rich-status.js';

const require = createRequire(import.meta.url);

function packageVersion(name, from = require) {
  return from(`${name}/package.json`).version;
}

/** The DescribeResponse: the libraries actually loaded, not the ones package.json asks for. */
export function describePeer() {
  // The protobufjs that serializes the calculator's messages is the one proto-loader loads.
  const protoLoaderRequire = createRequire(require.resolve('@grpc/proto-loader'));
  return {
    language: 'node',
    grpc_library: `@grpc/grpc-js ${packageVersion('@grpc/grpc-js')}`,
    protobuf_library: `protobufjs ${packageVersion('protobufjs', protoLoaderRequire)}`,
    runtime: `Node.js ${process.versions.node}`,
  };
}

/**
 * Runs `carryOut`, answering a call description or contract that cannot be carried out with
 * INVALID_ARGUMENT.
 */
async function carryingOut(carryOut) {
  try {
    return await carryOut();
  } catch (error) {
    if (error instanceof CallDescriptionError || error instanceof ContractError) {
      throw richStatusError(grpc.status.INVALID_ARGUMENT, error.message);
    }
    throw error;
  }
}

/** Handlers for interop.v1.PeerControlService, named as grpc-js's addService expects. */
export function peerControlHandlers({ callRunner, loadRunner, callLog, setServing }) {
  return {
    describe: answering(async () => describePeer()),

    runCall: answering((call) => carryingOut(() => callRunner.run(call.request))),

    runCalls: answering(async (call) => ({
      results: await carryingOut(() => callRunner.runAll(call.request.calls)),
    })),

    // Not bounded here: the harness gives RunLoad the deadline it needs (warm-up, duration and a
    // call's timeout), and a cancelled RunLoad starts no more calls.
    runLoad: answering((call) =>
      carryingOut(() => loadRunner.run(call.request, cancellationOf(call))),
    ),

    // A set that cannot be used throws before useContract, so the earlier contract stays.
    loadContract: answering((call) =>
      carryingOut(async () => {
        const { services, packageDefinition } = loadContract(call.request.file_descriptor_set);
        callRunner.useContract(new MethodCatalog(packageDefinition));
        return { services };
      }),
    ),

    getServerCall: answering(async (call) => {
      const { call_id: callId } = call.request;
      const record = callLog.find(callId);
      if (!record) throw richStatusError(grpc.status.NOT_FOUND, `no call with id ${callId}`);
      return {
        method: record.method,
        deadline_remaining:
          record.deadlineRemainingMillis === null
            ? null
            : durationFromMillis(record.deadlineRemainingMillis),
        cancelled: record.cancelled,
        peer: record.peer,
      };
    }),

    echoStatus: answering(async (call) => {
      const { code, message } = call.request;
      if (code === grpc.status.OK) return {};
      // The status alone, exactly as asked: no google.rpc.Status in grpc-status-details-bin.
      throw Object.assign(new Error(message), {
        code,
        details: message,
        metadata: new grpc.Metadata(),
      });
    }),

    setServing: answering(async (call) => {
      setServing(call.request.serving);
      return {};
    }),
  };
}
