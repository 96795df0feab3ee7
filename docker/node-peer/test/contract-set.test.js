// Linking the sets that LoadContract is given: what protoc would refuse is refused with the file at
// fault and why, and the well-known types come from the set or, where it leaves them out, from the
// runtime.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { ContractError, linkContractSet } from '../src/contract-set.js';
import { ALPHA_FILE, descriptorSet, DURATION_FILE, ECHO_FILE } from './unseen-contract.js';

const filesOf = ({ fileDescriptorSet }) =>
  descriptor.FileDescriptorSet.decode(fileDescriptorSet).file;
const messageNames = (file) => file.messageType.map(({ name }) => name);

const usesType = (name, typeName, dependency = []) => ({
  name,
  package: 'unseen.v1',
  syntax: 'proto3',
  dependency,
  messageType: [
    {
      name: 'Holder',
      field: [{ name: 'held', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName }],
    },
  ],
});

describe('a set that links', () => {
  test('gets the well-known types it leaves out from the runtime, in one more file', () => {
    const linked = linkContractSet(descriptorSet(ECHO_FILE, ALPHA_FILE));
    assert.deepEqual(linked.services, ['unseen.v1.Alpha', 'unseen.v1.Echo']);
    const [echo, alpha, wellKnown] = filesOf(linked);
    assert.deepEqual([echo.name, alpha.name], [ECHO_FILE.name, ALPHA_FILE.name]);
    assert.equal(wellKnown.package, 'google.protobuf');
    for (const name of ['Duration', 'Timestamp', 'Any', 'Empty', 'FieldMask', 'Struct']) {
      assert.ok(messageNames(wellKnown).includes(name), `${name} among ${messageNames(wellKnown)}`);
    }
  });

  test('keeps the well-known types it carries, and takes only the others from the runtime', () => {
    const files = filesOf(linkContractSet(descriptorSet(DURATION_FILE, ECHO_FILE)));
    assert.deepEqual(messageNames(files[0]), ['Duration']);
    assert.ok(!messageNames(files.at(-1)).includes('Duration'));
  });

  test('resolves a relative type name as protoc does, innermost scope first', () => {
    const linked = linkContractSet(
      descriptorSet(
        DURATION_FILE,
        ECHO_FILE,
        usesType('unseen/v1/relative.proto', 'SayRequest', [ECHO_FILE.name]),
      ),
    );
    assert.deepEqual(linked.services, ['unseen.v1.Echo']);
  });
});

describe('a set that does not link is refused', () => {
  const refusals = [
    [
      'bytes that are no FileDescriptorSet',
      Buffer.from([0x0a, 0x05, 0x01]),
      /^file_descriptor_set does not parse as a FileDescriptorSet: /,
    ],
    [
      'a file without a name',
      descriptorSet({ package: 'unseen.v1' }),
      /^file 0 of the set has no name$/,
    ],
    [
      'an import the set does not carry',
      descriptorSet(ALPHA_FILE),
      /^file "unseen\/v1\/alpha\.proto" does not link: it imports "unseen\/v1\/echo\.proto", which the set does not carry$/,
    ],
    [
      'a type no file defines',
      descriptorSet(usesType('unseen/v1/lost.proto', '.unseen.v1.Nowhere')),
      /^file "unseen\/v1\/lost\.proto" does not link: it uses \.unseen\.v1\.Nowhere, which no file of the set or well-known type defines$/,
    ],
    [
      'a type of a file it does not import',
      descriptorSet(ECHO_FILE, usesType('unseen/v1/unimported.proto', '.unseen.v1.SayRequest')),
      /^file "unseen\/v1\/unimported\.proto" does not link: it uses \.unseen\.v1\.SayRequest, defined in "unseen\/v1\/echo\.proto", which it does not import$/,
    ],
    [
      'a type two files define',
      descriptorSet(ECHO_FILE, { ...ECHO_FILE, name: 'unseen/v1/again.proto', service: [] }),
      /^file "unseen\/v1\/again\.proto" does not link: it defines unseen\.v1\.SayRequest, which "unseen\/v1\/echo\.proto" defines too$/,
    ],
    [
      'one file name for two different files',
      descriptorSet(ECHO_FILE, { ...ALPHA_FILE, name: ECHO_FILE.name }),
      /^file "unseen\/v1\/echo\.proto" is in the set twice, with different contents$/,
    ],
  ];
  for (const [what, bytes, message] of refusals) {
    test(what, () => {
      assert.throws(
        () => linkContractSet(bytes),
        (error) => {
          assert.ok(error instanceof ContractError, `${error}`);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});
