// Loads, at start-up, every .proto this peer serves: the project's contract from the repository's
// proto/ folder (the only copy of it) and the standard health and reflection protos that ship in
// their npm packages. One package definition serves the handlers, reflection and RunCall alike.
// Later, LoadContract's descriptor sets load the same way, into package definitions of their own.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { ContractError, linkContractSet } from './contract-set.js';
import { completeFileDescriptors } from './file-descriptors.js';

const require = createRequire(import.meta.url);

// The image keeps the repository's layout (proto/ two levels above docker/node-peer/), so this
// path is the same in a checkout and in the container.
const CONTRACT_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

const CONTRACT_FILES = ['calculator/v1/calculator.proto', 'interop/v1/peer_control.proto'];
const HEALTH_FILE = 'health/v1/health.proto';
const REFLECTION_FILES = [
  'grpc/reflection/v1/reflection.proto',
  'grpc/reflection/v1alpha/reflection.proto',
];

// The options grpc-node's own examples use: proto field names, int64 as exact decimal strings,
// enums by name, default values filled in, and each oneof's set member named.
const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export function loadProtos(contractDir = CONTRACT_DIR) {
  const healthDir = path.resolve(healthProtoPath, '../../..');
  // Where @grpc/reflection finds its own protos: build/proto beside its main module.
  const reflectionDir = path.resolve(require.resolve('@grpc/reflection'), '../../proto');
  const packageDefinition = protoLoader.loadSync(
    [...CONTRACT_FILES, HEALTH_FILE, ...REFLECTION_FILES],
    { ...LOADER_OPTIONS, includeDirs: [contractDir, healthDir, reflectionDir] },
  );
  // For reflection clients, which read these descriptors.
  return completeFileDescriptors(packageDefinition);
}

/**
 * A serialized FileDescriptorSet, linked and loaded as protobufjs messages built at run time from
 * its descriptors: {services, packageDefinition}. Throws ContractError when the set cannot be used.
 */
export function loadContract(fileDescriptorSet) {
  const { fileDescriptorSet: linked, services } = linkContractSet(fileDescriptorSet);
  try {
    const packageDefinition = protoLoader.loadFileDescriptorSetFromBuffer(linked, LOADER_OPTIONS);
    return { services, packageDefinition };
  } catch (error) {
    // What the linking above does not catch, protobufjs does (a field of an unknown kind, say).
    throw new ContractError(`the set does not link: ${error.message}`);
  }
}
