// A contract the peer was never built from, unseen.v1, as the FileDescriptorProtos protoc would
// write for it, and a server of it on loopback for the peer's client to call once it is loaded:
//
//   // unseen/v1/echo.proto
//   syntax = "proto3";
//   package unseen.v1;
//   import "google/protobuf/duration.proto";
//   message SayRequest { string text = 1; google.protobuf.Duration delay = 2; }
//   message SayResponse { string text = 1; int64 length = 2; google.protobuf.Duration delay = 3; }
//   service Echo { rpc Say(SayRequest) returns (SayResponse); }
//
//   // unseen/v1/alpha.proto
//   syntax = "proto3";
//   package unseen.v1;
//   import "unseen/v1/echo.proto";
//   service Alpha { rpc First(SayRequest) returns (SayResponse); }
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const { FileDescriptorSet } = descriptor;

const field = (name, number, type, typeName) => ({
  name,
  number,
  label: 'LABEL_OPTIONAL',
  type,
  ...(typeName && { typeName }),
  jsonName: name,
});

export const DURATION_FILE = {
  name: 'google/protobuf/duration.proto',
  package: 'google.protobuf',
  syntax: 'proto3',
  messageType: [
    {
      name: 'Duration',
      field: [field('seconds', 1, 'TYPE_INT64'), field('nanos', 2, 'TYPE_INT32')],
    },
  ],
};

export const ECHO_FILE = {
  name: 'unseen/v1/echo.proto',
  package: 'unseen.v1',
  syntax: 'proto3',
  dependency: ['google/protobuf/duration.proto'],
  messageType: [
    {
      name: 'SayRequest',
      field: [
        field('text', 1, 'TYPE_STRING'),
        field('delay', 2, 'TYPE_MESSAGE', '.google.protobuf.Duration'),
      ],
    },
    {
      name: 'SayResponse',
      field: [
        field('text', 1, 'TYPE_STRING'),
        field('length', 2, 'TYPE_INT64'),
        field('delay', 3, 'TYPE_MESSAGE', '.google.protobuf.Duration'),
      ],
    },
  ],
  service: [
    {
      name: 'Echo',
      method: [
        { name: 'Say', inputType: '.unseen.v1.SayRequest', outputType: '.unseen.v1.SayResponse' },
      ],
    },
  ],
};

export const ALPHA_FILE = {
  name: 'unseen/v1/alpha.proto',
  package: 'unseen.v1',
  syntax: 'proto3',
  dependency: ['unseen/v1/echo.proto'],
  service: [
    {
      name: 'Alpha',
      method: [
        { name: 'First', inputType: '.unseen.v1.SayRequest', outputType: '.unseen.v1.SayResponse' },
      ],
    },
  ],
};

export const SAY = 'unseen.v1.Echo/Say';

/** The serialized FileDescriptorSet of `files` (FileDescriptorProtos as plain objects). */
export function descriptorSet(...files) {
  return Buffer.from(
    FileDescriptorSet.encode(FileDescriptorSet.fromObject({ file: files })).finish(),
  );
}

// The test's own copy of the contract, with the well-known file it imports, for the server and
// for encoding requests and decoding responses.
const root = protobuf.Root.fromDescriptor(descriptorSet(DURATION_FILE, ECHO_FILE));
const SayRequest = root.lookupType('unseen.v1.SayRequest');
const SayResponse = root.lookupType('unseen.v1.SayResponse');

/** A SayRequest as the Any that RunCall takes. */
export function sayRequest(request) {
  return {
    type_url: 'type.googleapis.com/unseen.v1.SayRequest',
    value: Buffer.from(SayRequest.encode(SayRequest.fromObject(request)).finish()),
  };
}

/** A SayResponse from its bytes, int64 as a decimal string. */
export function sayResponse(bytes) {
  return SayResponse.toObject(SayResponse.decode(bytes), { longs: String });
}

/** An unseen.v1.Echo server on a free loopback port: Say answers the text in capitals. */
export async function startEchoServer() {
  const definition = protoLoader.loadFileDescriptorSetFromBuffer(
    descriptorSet(DURATION_FILE, ECHO_FILE),
    { keepCase: true, longs: String },
  );
  const server = new grpc.Server();
  server.addService(definition['unseen.v1.Echo'], {
    Say: ({ request }, callback) =>
      callback(null, {
        text: request.text.toUpperCase(),
        length: String(request.text.length),
        delay: request.delay,
      }),
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, target: `127.0.0.1:${port}` };
}
