// The methods of a proto-loader package definition, by full name ("package.Service/Method"), for
// calling any of them generically. proto-loader's method definitions carry the path, streaming kind
// and protobufjs serializers; the input and output message names come from the file descriptors
// that the definition was loaded from.
import descriptor from 'protobufjs/ext/descriptor/index.js';

function isServiceDefinition(definition) {
  // Message and enum definitions have a `format`; a service definition is a map of methods.
  return !('format' in definition);
}

/** "package.Service/Method" -> {inputType, outputType}, from every file descriptor in the definition. */
function messageTypesByMethod(packageDefinition) {
  const files = new Map();
  for (const definition of Object.values(packageDefinition)) {
    for (const bytes of definition.fileDescriptorProtos ?? []) {
      const file = descriptor.FileDescriptorProto.decode(bytes);
      files.set(file.name, file);
    }
  }
  const types = new Map();
  for (const file of files.values()) {
    const prefix = file.package ? `${file.package}.` : '';
    for (const service of file.service) {
      for (const method of service.method) {
        types.set(`${prefix}${service.name}/${method.name}`, {
          // Descriptors name types fully qualified with a leading dot.
          inputType: method.inputType.replace(/^\./, ''),
          outputType: method.outputType.replace(/^\./, ''),
        });
      }
    }
  }
  return types;
}

export class MethodCatalog {
  #methods = new Map();

  constructor(packageDefinition) {
    const types = messageTypesByMethod(packageDefinition);
    for (const service of Object.values(packageDefinition).filter(isServiceDefinition)) {
      for (const definition of Object.values(service)) {
        const name = definition.path.slice(1);
        const messageTypes = types.get(name);
        if (!messageTypes) throw new Error(`no file descriptor describes ${name}`);
        this.#methods.set(name, { name, ...definition, ...messageTypes });
      }
    }
  }

  /**
   * The method named "package.Service/Method", or undefined: its path, requestStream and
   * responseStream, its serializers and deserializers, and inputType and outputType (full names).
   */
  find(name) {
    return this.#methods.get(name);
  }
}
