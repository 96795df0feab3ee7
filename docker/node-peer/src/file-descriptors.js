// The file descriptors that proto-loader derives (through protobufjs) are enough for grpc-js, but
// server reflection hands them to clients that link descriptors strictly, such as grpcurl, which
// then refuse them. Two differences from what protoc writes are mended here:
// - every file's dependency list is empty (grpc/grpc-node#2595), so an imported type such as
//   google.protobuf.Duration cannot be resolved;
// - a map field's entry message is named after the field ("Statuses") rather than protoc's
//   "StatusesEntry", which strict linkers reject as an invalid map (grpc.health.v1 has one).
// The walks over a file's types and references serve contract-set.js too, which links the sets
// that LoadContract is given.
import descriptor from 'protobufjs/ext/descriptor/index.js';

const { FileDescriptorProto } = descriptor;

/** Calls visit(fullName, message) for every message of a file, nested ones included. */
export function forEachMessage(scope, messages, visit) {
  for (const message of messages) {
    const fullName = `${scope}${message.name}`;
    visit(fullName, message);
    forEachMessage(`${fullName}.`, message.nestedType, visit);
  }
}

/** Full type name -> name of the file that defines it, for messages and enums. */
function typesByFile(files) {
  const types = new Map();
  for (const file of files) {
    const scope = file.package ? `${file.package}.` : '';
    for (const enumType of file.enumType) types.set(`${scope}${enumType.name}`, file.name);
    forEachMessage(scope, file.messageType, (fullName, message) => {
      types.set(fullName, file.name);
      for (const enumType of message.enumType) types.set(`${fullName}.${enumType.name}`, file.name);
    });
  }
  return types;
}

/** The file defining a type reference, resolved as protoc does: fully qualified or innermost scope first. */
export function fileOfReference(types, reference, scope) {
  if (reference.startsWith('.')) return types.get(reference.slice(1));
  const parts = scope ? scope.split('.') : [];
  for (let length = parts.length; length >= 0; length -= 1) {
    const file = types.get([...parts.slice(0, length), reference].join('.'));
    if (file) return file;
  }
  return undefined;
}

/** [reference, scope] for every type a file refers to. */
export function referencesOf(file) {
  const references = [];
  const fieldReferences = (fields, scope) => {
    for (const { typeName, extendee } of fields) {
      if (typeName) references.push([typeName, scope]);
      if (extendee) references.push([extendee, scope]);
    }
  };
  fieldReferences(file.extension, file.package);
  forEachMessage(file.package ? `${file.package}.` : '', file.messageType, (fullName, message) => {
    fieldReferences([...message.field, ...message.extension], fullName);
  });
  for (const service of file.service) {
    for (const { inputType, outputType } of service.method) {
      references.push([inputType, file.package], [outputType, file.package]);
    }
  }
  return references;
}

/** protoc's name for a map field's entry message: the field name in CamelCase, then "Entry". */
function mapEntryName(fieldName) {
  const camel = fieldName.replace(/_+([a-z0-9])/g, (_, letter) => letter.toUpperCase());
  return `${camel[0].toUpperCase()}${camel.slice(1)}Entry`;
}

function renameMapEntries(file) {
  forEachMessage('', file.messageType, (_, message) => {
    for (const entry of message.nestedType.filter((nested) => nested.options?.mapEntry)) {
      const field = message.field.find((candidate) => candidate.typeName === entry.name);
      if (!field) continue;
      entry.name = mapEntryName(field.name);
      field.typeName = entry.name;
    }
  });
}

/** The package definition, its file descriptors completed as protoc would have written them. */
export function completeFileDescriptors(packageDefinition) {
  const originals = new Map();
  for (const definition of Object.values(packageDefinition)) {
    for (const bytes of definition.fileDescriptorProtos ?? []) {
      if (!originals.has(bytes)) originals.set(bytes, FileDescriptorProto.decode(bytes));
    }
  }
  for (const file of originals.values()) renameMapEntries(file);
  const types = typesByFile(originals.values());
  const completed = new Map();
  for (const [bytes, file] of originals) {
    const dependencies = new Set();
    for (const [reference, scope] of referencesOf(file)) {
      const dependency = fileOfReference(types, reference, scope);
      if (dependency && dependency !== file.name) dependencies.add(dependency);
    }
    file.dependency = [...dependencies].sort();
    completed.set(bytes, Buffer.from(FileDescriptorProto.encode(file).finish()));
  }
  return Object.fromEntries(
    Object.entries(packageDefinition).map(([name, definition]) => [
      name,
      definition.fileDescriptorProtos
        ? {
            ...definition,
            fileDescriptorProtos: definition.fileDescriptorProtos.map((bytes) =>
              completed.get(bytes),
            ),
          }
        : definition,
    ]),
  );
}
