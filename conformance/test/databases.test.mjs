// Hivelite specifics: several databases, each a PocketBase instance at /db/<name>.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PocketBase, anonClient, superuserClient, uniqueName, expectError, runCleanup,
  once, describeFailures,
} from './helpers.mjs';

let su;
let dbName;
let db; // superuser client on /db/<dbName>, sharing the main client's superuser token
const cleanup = [];

/** A client for database `name` that carries the superuser session of `from`. */
function clientFor(name, from) {
  const pb = new PocketBase(`${BASE_URL}/db/${name}`);
  pb.autoCancellation(false);
  describeFailures(pb);
  if (from) pb.authStore.save(from.authStore.token, from.authStore.record);
  return pb;
}

async function createDatabase(name) {
  const created = await su.send('/api/databases', { method: 'POST', body: { name } });
  cleanup.push(() => su.send(`/api/databases/${encodeURIComponent(name)}`, { method: 'DELETE' }));
  return created;
}

const setup = once(async () => {
  su = await superuserClient();
  dbName = uniqueName('db').replace(/_/g, '-');
  await createDatabase(dbName);
  db = clientFor(dbName, su);
});

after(async () => {
  await runCleanup(cleanup);
});

describe('databases', () => {
  test('POST /api/databases creates a database that GET lists', async () => {
    await setup();
    const name = uniqueName('db2').replace(/_/g, '-');
    const created = await createDatabase(name);
    assert.equal(created.name, name);
    assert.equal(typeof created.id, 'string');
    const list = await su.send('/api/databases', { method: 'GET' });
    assert.ok(list.items.some((d) => d.name === name));
  });

  test('creating databases needs a superuser (anonymous → 401)', async () => {
    await setup();
    await expectError(anonClient().send('/api/databases', { method: 'POST', body: { name: uniqueName('nope') } }), 401);
  });

  test('the same superuser token works on /db/<name>', async () => {
    await setup();
    const list = await db.collections.getFullList();
    assert.ok(Array.isArray(list));
    const su2 = await db.collection('_superusers').authRefresh();
    assert.equal(su2.record.id, su.authStore.record.id);
  });

  test('logging in on /db/<name> as the superuser works too', async () => {
    await setup();
    const pb = clientFor(dbName);
    const auth = await pb.collection('_superusers').authWithPassword(
      process.env.HIVELITE_ADMIN_EMAIL || 'conformance@example.com',
      process.env.HIVELITE_ADMIN_PASSWORD || 'conformance-pass-1');
    assert.equal(auth.record.email, su.authStore.record.email);
  });

  test('a collection created in one database is absent from the other', async () => {
    await setup();
    const inDb = uniqueName('only_db');
    const c1 = await db.collections.create({ name: inDb, type: 'base', fields: [{ name: 'title', type: 'text' }] });
    cleanup.push(() => db.collections.delete(c1.id));
    await expectError(su.collections.getOne(inDb), 404);

    const inMain = uniqueName('only_main');
    const c2 = await su.collections.create({ name: inMain, type: 'base', fields: [] });
    cleanup.push(() => su.collections.delete(c2.id));
    await expectError(db.collections.getOne(inMain), 404);

    // the same name can exist in both, independently
    const shared = uniqueName('both');
    const m = await su.collections.create({ name: shared, type: 'base', fields: [{ name: 'n', type: 'number' }] });
    cleanup.push(() => su.collections.delete(m.id));
    const d = await db.collections.create({ name: shared, type: 'base', fields: [{ name: 'n', type: 'number' }] });
    cleanup.push(() => db.collections.delete(d.id));
    await su.collection(shared).create({ n: 1 });
    await db.collection(shared).create({ n: 2 });
    await db.collection(shared).create({ n: 3 });
    assert.deepEqual((await su.collection(shared).getFullList()).map((r) => r.n), [1]);
    assert.deepEqual((await db.collection(shared).getFullList({ sort: 'n' })).map((r) => r.n), [2, 3]);
  });

  test('a user of one database cannot authenticate in the other, nor use its token there', async () => {
    await setup();
    const name = uniqueName('dusers');
    const spec = { name, type: 'auth', authRule: '', createRule: '', fields: [] };
    const inDb = await db.collections.create(spec);
    cleanup.push(() => db.collections.delete(inDb.id));
    const inMain = await su.collections.create(spec);
    cleanup.push(() => su.collections.delete(inMain.id));

    const email = `${uniqueName('iso')}@example.com`;
    await db.collection(name).create({ email, password: 'iso-pass-1234', passwordConfirm: 'iso-pass-1234' });

    const user = clientFor(dbName);
    const auth = await user.collection(name).authWithPassword(email, 'iso-pass-1234');
    assert.equal(auth.record.email, email);

    await expectError(anonClient().collection(name).authWithPassword(email, 'iso-pass-1234'), 400);

    const foreign = anonClient();
    foreign.authStore.save(user.authStore.token, user.authStore.record);
    await expectError(foreign.collection(name).authRefresh(), 401);
  });

  test('an unknown database → 404', async () => {
    await setup();
    const pb = clientFor('no-such-db-' + Date.now(), su);
    await expectError(pb.collections.getList(), 404);
  });

  test('health works per database', async () => {
    await setup();
    const res = await clientFor(dbName).health.check();
    assert.equal(res.code, 200);
  });
});
