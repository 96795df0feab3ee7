import assert from 'node:assert/strict';
import { test } from 'node:test';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { loadProtos } from '../src/protos.js';

const files = new Map(
  loadProtos()['calculator.v1.Number'].fileDescriptorProtos.map((bytes) => {
    const file = descriptor.FileDescriptorProto.decode(bytes);
    return [file.package, file];
  }),
);

test('each file lists the files whose types it uses', () => {
  const wellKnown = files.get('google.protobuf').name;
  assert.deepEqual(files.get('calculator.v1').dependency, [wellKnown]);
  assert.deepEqual(files.get('interop.v1').dependency, [wellKnown]);
  assert.deepEqual(files.get('grpc.health.v1').dependency, []);
});

test('map entry messages carry the names protoc gives them', () => {
  const listResponse = files
    .get('grpc.health.v1')
    .messageType.find(({ name }) => name === 'HealthListResponse');
  assert.deepEqual(
    listResponse.nestedType.map(({ name }) => name),
    ['StatusesEntry'],
  );
  assert.equal(listResponse.field[0].typeName, 'StatusesEntry');
});
