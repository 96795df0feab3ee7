// The records GetServerCall reads: eviction order and the contract's form of a client address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostPort, ServerCallLog } from '../src/server-call-log.js';

test('writes a client address as "ip:port", an IPv6 address in brackets', () => {
  assert.equal(hostPort('10.0.0.2:5000'), '10.0.0.2:5000');
  assert.equal(hostPort('::1:5000'), '[::1]:5000');
  assert.equal(hostPort('[::1]:5000'), '[::1]:5000');
  assert.equal(hostPort('unknown'), 'unknown');
});

test('forgets the oldest calls past its capacity, counting a reused id as new', () => {
  const log = new ServerCallLog(2);
  log.start('a', 'M', null, '10.0.0.2:1');
  log.start('b', 'M', null, '10.0.0.2:1');
  log.start('a', 'M', null, '10.0.0.2:2');
  log.start('c', 'M', null, '10.0.0.2:1');
  assert.equal(log.find('b'), undefined);
  assert.equal(log.find('a').peer, '10.0.0.2:2');
  assert.ok(log.find('c'));
});
