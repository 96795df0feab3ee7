// The google.protobuf.FileDescriptorSet that LoadContract is given, parsed and linked as protoc
// would link it, so that a set that cannot be used is refused with the name of the file at fault
// and why, before protobufjs sees it (protobufjs names only the type it could not find). The
// well-known types may be left out of a set: the runtime's copies stand in for those it leaves out.
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
// Imported for its side effect too: proto-loader adds the well-known types that protobufjs's
// protobuf.common lacks (api, descriptor, source_context, type).
import '@grpc/proto-loader';
import { fileOfReference, forEachMessage, referencesOf } from './file-descriptors.js';

const { FileDescriptorProto, FileDescriptorSet } = descriptor;
const WELL_KNOWN_PREFIX = 'google/protobuf/';
const WELL_KNOWN_PACKAGE = 'google.protobuf';

/** A FileDescriptorSet that LoadContract cannot use; answered with INVALID_ARGUMENT. */
export class ContractError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ContractError';
  }
}

/** The names of the well-known files the runtime carries, as an import names them. */
const RUNTIME_WELL_KNOWN_FILES = new Set(
  Object.keys(protobuf.common).filter((name) => name.startsWith(WELL_KNOWN_PREFIX)),
);

/**
 * Every well-known type the runtime carries, as one file of package google.protobuf. protobufjs
 * keeps them as JSON, one entry per file, some repeating the types of the files they import; the
 * first definition of each type is kept.
 */
const runtimeWellKnownFile = (() => {
  const wellKnown = new protobuf.Root().define(WELL_KNOWN_PACKAGE);
  for (const name of RUNTIME_WELL_KNOWN_FILES) {
    const types = protobuf.common.get(name).nested.google.nested.protobuf.nested;
    for (const [typeName, json] of Object.entries(types)) {
      if (!wellKnown.get(typeName)) wellKnown.addJSON({ [typeName]: json });
    }
  }
  wellKnown.root.resolveAll();
  const [file] = wellKnown.root.toDescriptor('proto3').file;
  file.name = `${WELL_KNOWN_PREFIX}runtime_well_known_types.proto`;
  return file;
})();

/** Full name -> name of the defining file, for every message, enum and service of `files`. */
function symbolsOf(files) {
  const symbols = new Map();
  for (const file of files) {
    const scope = file.package ? `${file.package}.` : '';
    const define = (name) => {
      const earlier = symbols.get(name);
      if (earlier) {
        throw new ContractError(
          `file "${file.name}" does not link: it defines ${name}, which "${earlier}" defines too`,
        );
      }
      symbols.set(name, file.name);
    };
    for (const { name } of [...file.enumType, ...file.service]) define(`${scope}${name}`);
    forEachMessage(scope, file.messageType, (fullName, message) => {
      define(fullName);
      for (const { name } of message.enumType) define(`${fullName}.${name}`);
    });
  }
  return symbols;
}

function parse(bytes) {
  try {
    return FileDescriptorSet.decode(bytes);
  } catch (error) {
    throw new ContractError(
      `file_descriptor_set does not parse as a FileDescriptorSet: ${error.message}`,
    );
  }
}

/** The files of a set by name, each once; a name given twice must name the same file. */
function filesByName(set) {
  const files = new Map();
  set.file.forEach((file, index) => {
    if (!file.name) throw new ContractError(`file ${index} of the set has no name`);
    const earlier = files.get(file.name);
    const encoded = (message) => Buffer.from(FileDescriptorProto.encode(message).finish());
    if (earlier && !encoded(earlier).equals(encoded(file))) {
      throw new ContractError(`file "${file.name}" is in the set twice, with different contents`);
    }
    files.set(file.name, file);
  });
  return files;
}

/** The names of the files whose types `file` sees: itself, its imports and their public imports. */
function visibleFiles(file, files) {
  const visible = new Set([file.name]);
  const publicImports = (name) => {
    const imported = files.get(name);
    for (const index of imported?.publicDependency ?? []) {
      const next = imported.dependency[index];
      if (!visible.has(next)) {
        visible.add(next);
        publicImports(next);
      }
    }
  };
  for (const name of file.dependency) {
    visible.add(name);
    publicImports(name);
  }
  return visible;
}

function checkImports(file, files) {
  for (const name of file.dependency) {
    if (!files.has(name) && !RUNTIME_WELL_KNOWN_FILES.has(name)) {
      throw new ContractError(
        `file "${file.name}" does not link: it imports "${name}", which the set does not carry`,
      );
    }
  }
}

function checkReferences(file, files, symbols) {
  const visible = visibleFiles(file, files);
  for (const [reference, scope] of referencesOf(file)) {
    const definedIn = fileOfReference(symbols, reference, scope);
    if (!definedIn) {
      throw new ContractError(
        `file "${file.name}" does not link: it uses ${reference}, which no file of the set or ` +
          'well-known type defines',
      );
    }
    // The runtime's well-known types share one file, which stands in for every well-known
    // import: their visibility is the one thing not checked.
    if (definedIn !== runtimeWellKnownFile.name && !visible.has(definedIn)) {
      throw new ContractError(
        `file "${file.name}" does not link: it uses ${reference}, defined in "${definedIn}", ` +
          'which it does not import',
      );
    }
  }
}

/** The runtime's well-known types that no file of the set defines, as one more file. */
function wellKnownTypesLeftOut(setSymbols) {
  const file = FileDescriptorProto.decode(
    FileDescriptorProto.encode(runtimeWellKnownFile).finish(),
  );
  const leftOut = ({ name }) => !setSymbols.has(`${WELL_KNOWN_PACKAGE}.${name}`);
  file.messageType = file.messageType.filter(leftOut);
  file.enumType = file.enumType.filter(leftOut);
  return file;
}

/**
 * The serialized FileDescriptorSet `bytes`, linked: every import carried by the set or a
 * well-known file of the runtime, every type it names defined once and visible where it is used.
 * Returns the set, serialized again with the well-known types it leaves out added, and the full
 * names of the services it declares, sorted. Throws ContractError.
 */
export function linkContractSet(bytes) {
  const files = filesByName(parse(bytes));
  for (const file of files.values()) checkImports(file, files);
  const setSymbols = symbolsOf(files.values());
  const wellKnown = wellKnownTypesLeftOut(setSymbols);
  const symbols = new Map([...setSymbols, ...symbolsOf([wellKnown])]);
  for (const file of files.values()) checkReferences(file, files, symbols);
  const services = [...files.values()].flatMap((file) =>
    file.service.map(({ name }) => (file.package ? `${file.package}.${name}` : name)),
  );
  return {
    fileDescriptorSet: FileDescriptorSet.encode({ file: [...files.values(), wellKnown] }).finish(),
    services: services.sort(),
  };
}
