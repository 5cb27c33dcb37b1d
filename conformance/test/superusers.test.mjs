import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, anonClient, superuserClient, expectError, assertErrorShape,
} from './helpers.mjs';

const SECRET_FIELDS = ['password', 'passwordHash', 'tokenKey', 'passwordConfirm'];

test('superusers: auth-with-password returns token and the superuser record without secrets', async () => {
  const pb = anonClient();
  const auth = await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  assert.equal(typeof auth.token, 'string');
  assert.equal(auth.token.split('.').length, 3, 'the token is a JWT');
  assert.equal(typeof auth.record, 'object');
  assert.equal(auth.record.email, ADMIN_EMAIL);
  assert.equal(typeof auth.record.id, 'string');
  assert.ok(auth.record.id.length > 0);
  assert.equal(auth.record.collectionName, '_superusers');
  assert.equal(typeof auth.record.collectionId, 'string');
  for (const f of SECRET_FIELDS) {
    assert.equal(f in auth.record, false, `record must not expose "${f}"`);
  }
});

test('superusers: the SDK auth store holds the token and record after login', async () => {
  const pb = anonClient();
  assert.equal(pb.authStore.isValid, false);
  const auth = await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  assert.equal(pb.authStore.isValid, true, 'a fresh token (with exp in the future) is valid');
  assert.equal(pb.authStore.isSuperuser, true, 'the SDK recognises a _superusers record');
  assert.equal(pb.authStore.token, auth.token);
  assert.equal(pb.authStore.record.id, auth.record.id);
  pb.authStore.clear();
  assert.equal(pb.authStore.isValid, false);
});

test('superusers: the token payload carries id, collectionId, type "auth" and a future exp', async () => {
  const pb = await superuserClient();
  const payload = JSON.parse(Buffer.from(pb.authStore.token.split('.')[1], 'base64url').toString());
  assert.equal(payload.id, pb.authStore.record.id);
  assert.equal(payload.collectionId, pb.authStore.record.collectionId);
  assert.equal(payload.type, 'auth');
  assert.ok(payload.exp * 1000 > Date.now(), 'exp is in the future');
});

test('superusers: wrong password → 400 "Failed to authenticate." with empty data', async () => {
  const pb = anonClient();
  const body = await expectError(
    pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, 'definitely-not-the-password'), 400);
  assertErrorShape(body, 400);
  assert.equal(body.message, 'Failed to authenticate.');
  assert.deepEqual(body.data, {});
  assert.equal(pb.authStore.isValid, false, 'a failed login stores nothing');
});

test('superusers: unknown identity → the same 400 as a wrong password (no user enumeration)', async () => {
  const pb = anonClient();
  const body = await expectError(
    pb.collection('_superusers').authWithPassword('nobody-here@example.com', ADMIN_PASSWORD), 400);
  assert.equal(body.message, 'Failed to authenticate.');
  assert.deepEqual(body.data, {});
});

test('superusers: missing identity/password → 400 with field errors validation_required', async () => {
  const pb = anonClient();
  const body = await expectError(pb.collection('_superusers').authWithPassword('', ''), 400);
  assertErrorShape(body, 400);
  assert.equal(body.data.identity?.code, 'validation_required', JSON.stringify(body));
  assert.equal(body.data.password?.code, 'validation_required', JSON.stringify(body));
});

test('superusers: authRefresh returns a new token and the same record', async () => {
  const pb = await superuserClient();
  const before = pb.authStore.record;
  const refreshed = await pb.collection('_superusers').authRefresh();
  assert.equal(typeof refreshed.token, 'string');
  assert.equal(refreshed.token.split('.').length, 3);
  assert.equal(refreshed.record.id, before.id);
  assert.equal(refreshed.record.email, ADMIN_EMAIL);
  for (const f of SECRET_FIELDS) assert.equal(f in refreshed.record, false);
  assert.equal(pb.authStore.token, refreshed.token, 'the SDK stores the refreshed token');
  assert.equal(pb.authStore.isValid, true);
});

test('superusers: authRefresh without a token → 401', async () => {
  const pb = anonClient();
  const body = await expectError(pb.collection('_superusers').authRefresh(), 401);
  assertErrorShape(body, 401);
  assert.deepEqual(body.data, {});
});

test('superusers: authRefresh with a garbage token → 401', async () => {
  const pb = anonClient();
  pb.authStore.save('not.a.jwt', null);
  await expectError(pb.collection('_superusers').authRefresh(), 401);
});

// PocketBase's SDK manages superusers as records of _superusers (its docs: "pb.collection('_superusers').create").
test('superusers: create, log in as, change the password of and delete a superuser through the records API', async () => {
  const su = await superuserClient();
  const email = `su_${Date.now().toString(36)}@example.com`;
  const created = await su.collection('_superusers').create({
    email, password: 'first-password-1', passwordConfirm: 'first-password-1',
  });
  assert.equal(created.email, email);
  assert.equal(created.collectionName, '_superusers');
  for (const f of SECRET_FIELDS) assert.equal(f in created, false, `record must not expose "${f}"`);
  try {
    const listed = await su.collection('_superusers').getFullList();
    assert.ok(listed.some((r) => r.id === created.id), 'the new superuser is listed');

    const other = anonClient();
    await other.collection('_superusers').authWithPassword(email, 'first-password-1');
    assert.equal(other.authStore.isSuperuser, true);

    const updated = await su.collection('_superusers').update(created.id, {
      password: 'second-password-2', passwordConfirm: 'second-password-2',
    });
    assert.equal(updated.id, created.id);
    await expectError(other.collection('_superusers').authRefresh(), 401);
    await expectError(anonClient().collection('_superusers').authWithPassword(email, 'first-password-1'), 400);
    await anonClient().collection('_superusers').authWithPassword(email, 'second-password-2');
  } finally {
    await su.collection('_superusers').delete(created.id);
  }
  await expectError(su.collection('_superusers').getOne(created.id), 404);
  await expectError(anonClient().collection('_superusers').authWithPassword(email, 'second-password-2'), 400);
});

test('superusers: a records-API create with bad input is 400 with every field error and creates nothing', async () => {
  const su = await superuserClient();
  const before = (await su.collection('_superusers').getFullList()).length;
  let body = await expectError(su.collection('_superusers').create({
    email: 'not-an-email', password: 'short', passwordConfirm: 'other',
  }), 400);
  assertErrorShape(body, 400);
  assert.equal(body.data.email.code, 'validation_is_email');
  assert.equal(body.data.password.code, 'validation_length_out_of_range');
  assert.equal(body.data.passwordConfirm.code, 'validation_values_mismatch');
  body = await expectError(su.collection('_superusers').create({
    email: ADMIN_EMAIL, password: 'a-long-password', passwordConfirm: 'a-long-password',
  }), 400);
  assert.equal(body.data.email.code, 'validation_not_unique');
  body = await expectError(su.collection('_superusers').create({ email: 'x@example.com', password: 'a-long-password' }), 400);
  assert.equal(body.data.passwordConfirm.code, 'validation_required');
  assert.equal((await su.collection('_superusers').getFullList()).length, before);
});

test('superusers: only a superuser may create one: a guest and a database key get 403', async () => {
  const su = await superuserClient();
  const name = `su_keys_${Date.now().toString(36)}`;
  await su.send('/api/databases', { method: 'POST', body: { name } });
  try {
    const { key } = await su.send(`/api/databases/${name}/keys`, { method: 'POST', body: { label: 'k' } });
    const keyed = anonClient(`${su.baseURL}/db/${name}`);
    keyed.authStore.save(key, null);
    const attempt = { email: 'intruder@example.com', password: 'a-long-password', passwordConfirm: 'a-long-password' };
    const body = await expectError(keyed.collection('_superusers').create(attempt), 403);
    assertErrorShape(body, 403);
    await expectError(anonClient().collection('_superusers').create(attempt), 403);
    const list = await su.collection('_superusers').getFullList();
    assert.equal(list.some((r) => r.email === attempt.email), false, 'nothing was created');
    await expectError(keyed.collection('_superusers').delete(list[0].id), 403);
  } finally {
    await su.send(`/api/databases/${name}`, { method: 'DELETE' });
  }
});
