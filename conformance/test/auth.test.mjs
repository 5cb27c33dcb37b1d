import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, expectError, assertErrorShape, assertFieldError,
  createCollection, runCleanup,
  once,
} from './helpers.mjs';

let su;
let users; // an auth collection "users"-like, with a unique username identity field
const cleanup = [];
const PASSWORD = 'auth-pass-1234';
const SECRET_FIELDS = ['password', 'passwordConfirm', 'tokenKey', 'passwordHash'];

const setup = once(async () => {
  su = await superuserClient();
  const name = uniqueName('users');
  users = await createCollection(su, cleanup, {
    name,
    type: 'auth',
    listRule: 'id = @request.auth.id',
    viewRule: '',
    createRule: '',
    updateRule: 'id = @request.auth.id',
    deleteRule: 'id = @request.auth.id',
    authRule: '',
    passwordAuth: { enabled: true, identityFields: ['email', 'username'] },
    fields: [{ name: 'username', type: 'text' }],
    indexes: [`CREATE UNIQUE INDEX idx_${name}_username ON ${name} (username) WHERE username != ''`],
  });
});

after(async () => {
  await runCleanup(cleanup);
});

function email(prefix = 'u') {
  return `${uniqueName(prefix)}@example.com`;
}

async function signUp(extra = {}) {
  const e = extra.email || email();
  const record = await anonClient().collection(users.name).create({
    email: e, password: PASSWORD, passwordConfirm: PASSWORD, ...extra,
  });
  return { email: e, record };
}

describe('auth: sign up', () => {
  test('create a user with email, password, passwordConfirm; secrets are never returned', async () => {
    await setup();
    const e = email();
    const r = await anonClient().collection(users.name).create({
      email: e, password: PASSWORD, passwordConfirm: PASSWORD, emailVisibility: true, username: uniqueName('nick'),
    });
    assert.match(r.id, /^[a-z0-9]{15}$/);
    assert.equal(r.email, e, 'email is visible when emailVisibility is true');
    assert.equal(r.emailVisibility, true);
    assert.equal(r.verified, false, 'a new user is not verified');
    assert.equal(r.collectionName, users.name);
    for (const f of SECRET_FIELDS) assert.equal(f in r, false, `"${f}" must not be returned`);
  });

  test('email is hidden from others unless emailVisibility is true', async () => {
    await setup();
    const hidden = await signUp({ emailVisibility: false });
    const shown = await signUp({ emailVisibility: true });
    const anon = anonClient();
    assert.equal('email' in (await anon.collection(users.name).getOne(hidden.record.id)), false);
    assert.equal((await anon.collection(users.name).getOne(shown.record.id)).email, shown.email);
    assert.equal((await su.collection(users.name).getOne(hidden.record.id)).email, hidden.email, 'superusers see it');
  });

  test('passwordConfirm mismatch → 400 validation_values_mismatch', async () => {
    await setup();
    const body = await expectError(anonClient().collection(users.name).create({
      email: email(), password: PASSWORD, passwordConfirm: PASSWORD + 'x',
    }), 400);
    assertFieldError(body, 'passwordConfirm', 'validation_values_mismatch');
  });

  test('a too short password → 400 validation_min_text_constraint; missing password → validation_required', async () => {
    await setup();
    assertFieldError(await expectError(anonClient().collection(users.name).create({
      email: email(), password: 'short', passwordConfirm: 'short',
    }), 400), 'password', 'validation_min_text_constraint');
    assertFieldError(await expectError(anonClient().collection(users.name).create({ email: email() }), 400),
      'password', 'validation_required');
  });

  test('duplicate email → 400 validation_not_unique; invalid email → validation_is_email', async () => {
    await setup();
    const u = await signUp();
    assertFieldError(await expectError(anonClient().collection(users.name).create({
      email: u.email, password: PASSWORD, passwordConfirm: PASSWORD,
    }), 400), 'email', 'validation_not_unique');
    assertFieldError(await expectError(anonClient().collection(users.name).create({
      email: 'not-an-email', password: PASSWORD, passwordConfirm: PASSWORD,
    }), 400), 'email', 'validation_is_email');
  });

  test('a non-superuser cannot set verified on create', async () => {
    await setup();
    const body = await expectError(anonClient().collection(users.name).create({
      email: email(), password: PASSWORD, passwordConfirm: PASSWORD, verified: true,
    }), 400);
    assert.ok(body.data.verified, JSON.stringify(body));
  });
});

describe('auth: auth-with-password', () => {
  test('by email: token + record (with its own email), stored in the SDK auth store', async () => {
    await setup();
    const u = await signUp();
    const pb = anonClient();
    const auth = await pb.collection(users.name).authWithPassword(u.email, PASSWORD);
    assert.equal(typeof auth.token, 'string');
    assert.equal(auth.token.split('.').length, 3);
    assert.equal(auth.record.id, u.record.id);
    assert.equal(auth.record.email, u.email, 'the owner sees their own email');
    for (const f of SECRET_FIELDS) assert.equal(f in auth.record, false);
    assert.equal(pb.authStore.isValid, true);
    assert.equal(pb.authStore.isSuperuser, false);
    assert.equal(pb.authStore.record.id, u.record.id);
    const payload = JSON.parse(Buffer.from(auth.token.split('.')[1], 'base64url').toString());
    assert.equal(payload.id, u.record.id);
    assert.equal(payload.collectionId, users.id);
    assert.equal(payload.type, 'auth');
    assert.equal(payload.refreshable, true);
  });

  test('by another identity field (username)', async () => {
    await setup();
    const username = uniqueName('nick');
    const u = await signUp({ username });
    const auth = await anonClient().collection(users.name).authWithPassword(username, PASSWORD);
    assert.equal(auth.record.id, u.record.id);
  });

  test('wrong password and unknown identity → 400 "Failed to authenticate."', async () => {
    await setup();
    const u = await signUp();
    for (const [identity, password] of [[u.email, 'wrong-password-1'], [email('nobody'), PASSWORD]]) {
      const body = await expectError(anonClient().collection(users.name).authWithPassword(identity, password), 400);
      assertErrorShape(body, 400);
      assert.equal(body.message, 'Failed to authenticate.');
      assert.deepEqual(body.data, {});
    }
  });

  test('password auth disabled → 403', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('nopw'), type: 'auth', authRule: '', passwordAuth: { enabled: false }, fields: [],
    });
    const e = email();
    await su.collection(c.name).create({ email: e, password: PASSWORD, passwordConfirm: PASSWORD });
    await expectError(anonClient().collection(c.name).authWithPassword(e, PASSWORD), 403);
  });

  test('authRule null refuses every login (403)', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('noauth'), type: 'auth', authRule: null, fields: [],
    });
    const e = email();
    await su.collection(c.name).create({ email: e, password: PASSWORD, passwordConfirm: PASSWORD });
    await expectError(anonClient().collection(c.name).authWithPassword(e, PASSWORD), 403);
  });

  test('authRefresh returns a fresh token for the same record; no token → 401', async () => {
    await setup();
    const u = await signUp();
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(u.email, PASSWORD);
    const refreshed = await pb.collection(users.name).authRefresh();
    assert.equal(refreshed.record.id, u.record.id);
    assert.equal(typeof refreshed.token, 'string');
    assert.equal(pb.authStore.token, refreshed.token);
    await expectError(anonClient().collection(users.name).authRefresh(), 401);
  });

  test('a user token is not a superuser token', async () => {
    await setup();
    const u = await signUp();
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(u.email, PASSWORD);
    await expectError(pb.collection('_superusers').getList(), 403);
    await expectError(pb.collections.getList(), 403);
  });
});

describe('auth: methods and emails', () => {
  test('listAuthMethods shape', async () => {
    await setup();
    const m = await anonClient().collection(users.name).listAuthMethods();
    assert.equal(m.password.enabled, true);
    assert.deepEqual(m.password.identityFields, ['email', 'username']);
    assert.equal(m.oauth2.enabled, false);
    assert.deepEqual(m.oauth2.providers, []);
    assert.equal(typeof m.mfa.enabled, 'boolean');
    assert.equal(typeof m.mfa.duration, 'number');
    assert.equal(typeof m.otp.enabled, 'boolean');
    assert.equal(typeof m.otp.duration, 'number');
  });

  test('requestVerification answers 204 for known and unknown emails', async () => {
    await setup();
    const u = await signUp();
    assert.equal(await anonClient().collection(users.name).requestVerification(u.email), true);
    assert.equal(await anonClient().collection(users.name).requestVerification(email('ghost')), true);
  });

  test('requestPasswordReset answers 204 for known and unknown emails', async () => {
    await setup();
    const u = await signUp();
    assert.equal(await anonClient().collection(users.name).requestPasswordReset(u.email), true);
    assert.equal(await anonClient().collection(users.name).requestPasswordReset(email('ghost')), true);
  });

  test('requestVerification with an invalid email → 400 on email', async () => {
    await setup();
    const body = await expectError(anonClient().collection(users.name).requestVerification('nope'), 400);
    assertFieldError(body, 'email', 'validation_is_email');
  });

  test('confirmVerification / confirmPasswordReset with a bogus token → 400 on token', async () => {
    await setup();
    const a = await expectError(anonClient().collection(users.name).confirmVerification('bogus-token'), 400);
    assert.ok(a.data.token, JSON.stringify(a));
    const b = await expectError(anonClient().collection(users.name)
      .confirmPasswordReset('bogus-token', PASSWORD, PASSWORD), 400);
    assert.ok(b.data.token, JSON.stringify(b));
  });
});

describe('auth: impersonate', () => {
  test('a superuser gets a client authenticated as the user', async () => {
    await setup();
    const u = await signUp();
    const imp = await su.collection(users.name).impersonate(u.record.id, 3600);
    assert.equal(imp.authStore.isValid, true);
    assert.equal(imp.authStore.record.id, u.record.id);
    const payload = JSON.parse(Buffer.from(imp.authStore.token.split('.')[1], 'base64url').toString());
    assert.equal(payload.refreshable, false, 'impersonation tokens are not refreshable');
    assert.ok(payload.exp - Math.floor(Date.now() / 1000) <= 3600 + 5, 'duration is honoured');
    // acts as the user: the owner-only list shows just that user
    const list = await imp.collection(users.name).getFullList();
    assert.deepEqual(list.map((x) => x.id), [u.record.id]);
  });

  test('non-superusers cannot impersonate (401 anonymous, 403 user)', async () => {
    await setup();
    const u = await signUp();
    const v = await signUp();
    await expectError(anonClient().collection(users.name).impersonate(u.record.id, 60), 401);
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(v.email, PASSWORD);
    await expectError(pb.collection(users.name).impersonate(u.record.id, 60), 403);
  });

  test('impersonating a missing record → 404', async () => {
    await setup();
    await expectError(su.collection(users.name).impersonate('missingid123456', 60), 404);
  });
});

describe('auth: password change', () => {
  test('needs oldPassword, then invalidates the old tokens (tokenKey changes)', async () => {
    await setup();
    const u = await signUp();
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(u.email, PASSWORD);
    const oldToken = pb.authStore.token;

    assertFieldError(await expectError(pb.collection(users.name).update(u.record.id, {
      password: 'new-pass-5678', passwordConfirm: 'new-pass-5678',
    }), 400), 'oldPassword', 'validation_required');
    assertFieldError(await expectError(pb.collection(users.name).update(u.record.id, {
      oldPassword: 'not-it-at-all', password: 'new-pass-5678', passwordConfirm: 'new-pass-5678',
    }), 400), 'oldPassword', 'validation_invalid_old_password');

    await pb.collection(users.name).update(u.record.id, {
      oldPassword: PASSWORD, password: 'new-pass-5678', passwordConfirm: 'new-pass-5678',
    });

    const stale = anonClient();
    stale.authStore.save(oldToken, null);
    await expectError(stale.collection(users.name).authRefresh(), 401);

    await expectError(anonClient().collection(users.name).authWithPassword(u.email, PASSWORD), 400);
    const fresh = await anonClient().collection(users.name).authWithPassword(u.email, 'new-pass-5678');
    assert.equal(fresh.record.id, u.record.id);
  });

  test('a superuser can set a password without oldPassword', async () => {
    await setup();
    const u = await signUp();
    await su.collection(users.name).update(u.record.id, { password: 'reset-pass-999', passwordConfirm: 'reset-pass-999' });
    const auth = await anonClient().collection(users.name).authWithPassword(u.email, 'reset-pass-999');
    assert.equal(auth.record.id, u.record.id);
  });

  test('deleting a user invalidates their token', async () => {
    await setup();
    const u = await signUp();
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(u.email, PASSWORD);
    await pb.collection(users.name).delete(u.record.id);
    await expectError(pb.collection(users.name).authRefresh(), 401);
  });
});

describe('auth: linked accounts and sign-in origins (system collections)', () => {
  test('listExternalAuths shows only the caller\'s links and unlinkExternalAuth removes one', async () => {
    await setup();
    const ann = await signUp();
    const bob = await signUp();
    for (const [who, providerId] of [[ann, 'gh-ann'], [bob, 'gh-bob']]) {
      await su.collection('_externalAuths').create({
        collectionRef: users.id, recordRef: who.record.id, provider: 'github', providerId,
      });
    }
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(ann.email, PASSWORD);
    const links = await pb.collection(users.name).listExternalAuths(ann.record.id);
    assert.deepEqual(links.map((l) => [l.recordRef, l.provider, l.providerId]), [[ann.record.id, 'github', 'gh-ann']]);
    assert.deepEqual(await pb.collection(users.name).listExternalAuths(bob.record.id), [], 'another user\'s links stay hidden');
    await expectError(pb.collection('_externalAuths').create({
      collectionRef: users.id, recordRef: ann.record.id, provider: 'google', providerId: 'x',
    }), 403);

    assert.equal(await pb.collection(users.name).unlinkExternalAuth(ann.record.id, 'github'), true);
    assert.deepEqual(await pb.collection(users.name).listExternalAuths(ann.record.id), []);
    assert.equal((await su.collection(users.name).listExternalAuths(bob.record.id)).length, 1, 'bob keeps his link');
  });

  test('a sign-in is noted in _authOrigins, visible to its user only', async () => {
    await setup();
    const u = await signUp();
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(u.email, PASSWORD);
    const origins = await pb.collection('_authOrigins').getFullList();
    assert.equal(origins.length, 1);
    assert.equal(origins[0].recordRef, u.record.id);
    assert.equal(origins[0].collectionRef, users.id);
    assert.match(origins[0].fingerprint, /^[0-9a-f]{32}$/);
    assert.deepEqual(await anonClient().collection('_authOrigins').getFullList(), []);
  });
});
