import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anonClient, superuserClient } from './helpers.mjs';

test('health: pb.health.check() answers {code: 200, message, data} without auth', async () => {
  const pb = anonClient();
  const res = await pb.health.check();
  assert.equal(res.code, 200, JSON.stringify(res));
  assert.equal(typeof res.message, 'string');
  assert.ok(res.message.length > 0);
  assert.equal(typeof res.data, 'object');
  assert.notEqual(res.data, null);
});

test('health: a superuser gets the same shape (PocketBase adds details such as canBackup)', async () => {
  const pb = await superuserClient();
  const res = await pb.health.check();
  assert.equal(res.code, 200);
  assert.equal(typeof res.message, 'string');
  assert.equal(typeof res.data, 'object');
});
