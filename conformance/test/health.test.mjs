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

test('health: a superuser is told which proxy header the request carried (possibleProxyHeader)', async () => {
  const pb = await superuserClient();
  const direct = await pb.health.check();
  assert.equal(direct.data.possibleProxyHeader, '');
  assert.equal(direct.data.canBackup, true);
  const proxied = await pb.health.check({ headers: { 'X-Forwarded-For': '203.0.113.9' } });
  assert.equal(proxied.data.possibleProxyHeader, 'X-Forwarded-For');
  const guest = await anonClient().health.check({ headers: { 'X-Forwarded-For': '203.0.113.9' } });
  assert.deepEqual(guest.data, {}, 'guests get no details');
});
