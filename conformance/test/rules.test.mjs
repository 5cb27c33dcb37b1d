import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, expectError, assertErrorShape,
  createCollection, runCleanup, NOT_FOUND_BODY,
  once,
} from './helpers.mjs';

let su;
let users;
let alice; let bob; // {record, pb}
const cleanup = [];
const PASSWORD = 'rules-pass-123';

async function makeUser(email) {
  const record = await su.collection(users.name).create({
    email, password: PASSWORD, passwordConfirm: PASSWORD, name: email.split('@')[0],
  });
  const pb = anonClient();
  await pb.collection(users.name).authWithPassword(email, PASSWORD);
  return { record, pb };
}

const setup = once(async () => {
  su = await superuserClient();
  users = await createCollection(su, cleanup, {
    name: uniqueName('rusers'),
    type: 'auth',
    listRule: 'id = @request.auth.id',
    viewRule: 'id = @request.auth.id',
    authRule: '',
    fields: [{ name: 'name', type: 'text' }],
  });
  alice = await makeUser(`alice.${Date.now()}@example.com`);
  bob = await makeUser(`bob.${Date.now()}@example.com`);
});

after(async () => {
  await runCleanup(cleanup);
});

/** A collection of notes owned by users, with the given rules. */
async function notes(rules) {
  return createCollection(su, cleanup, {
    name: uniqueName('notes'),
    type: 'base',
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    ...rules,
    fields: [
      { name: 'text', type: 'text' },
      { name: 'status', type: 'select', values: ['public', 'private'], maxSelect: 1 },
      { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
    ],
  });
}

describe('rules: null (superusers only)', () => {
  test('every action of an anonymous client → 403 "Only superusers can perform this action."', async () => {
    await setup();
    const c = await notes({});
    const r = await su.collection(c.name).create({ text: 'x' });
    const anon = anonClient();
    for (const call of [
      () => anon.collection(c.name).getList(),
      () => anon.collection(c.name).getOne(r.id),
      () => anon.collection(c.name).create({ text: 'y' }),
      () => anon.collection(c.name).update(r.id, { text: 'z' }),
      () => anon.collection(c.name).delete(r.id),
    ]) {
      const body = await expectError(call, 403);
      assertErrorShape(body, 403);
      assert.equal(body.message, 'Only superusers can perform this action.');
      assert.deepEqual(body.data, {});
    }
    assert.equal((await su.collection(c.name).getOne(r.id)).text, 'x', 'nothing changed');
  });

  test('an authenticated regular user is refused the same way (403)', async () => {
    await setup();
    const c = await notes({});
    await expectError(alice.pb.collection(c.name).getList(), 403);
    await expectError(alice.pb.collection(c.name).create({ text: 'y' }), 403);
  });

  test('a superuser bypasses null rules', async () => {
    await setup();
    const c = await notes({});
    const r = await su.collection(c.name).create({ text: 'x' });
    assert.equal((await su.collection(c.name).getList()).totalItems, 1);
    await su.collection(c.name).update(r.id, { text: 'y' });
    await su.collection(c.name).delete(r.id);
  });
});

describe('rules: "" (public)', () => {
  test('anyone can list, view, create, update and delete', async () => {
    await setup();
    const c = await notes({ listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' });
    const anon = anonClient();
    const r = await anon.collection(c.name).create({ text: 'hello' });
    assert.equal((await anon.collection(c.name).getList()).totalItems, 1);
    assert.equal((await anon.collection(c.name).getOne(r.id)).text, 'hello');
    assert.equal((await anon.collection(c.name).update(r.id, { text: 'bye' })).text, 'bye');
    assert.equal(await anon.collection(c.name).delete(r.id), true);
  });
});

describe('rules: expressions', () => {
  test('@request.auth.id != "": anonymous lists get an empty result, users get everything', async () => {
    await setup();
    const c = await notes({ listRule: '@request.auth.id != ""', viewRule: '@request.auth.id != ""' });
    const r = await su.collection(c.name).create({ text: 'members only' });
    const anonList = await anonClient().collection(c.name).getList();
    assert.equal(anonList.totalItems, 0, 'a failing list rule filters, it does not refuse');
    assert.deepEqual(anonList.items, []);
    const userList = await alice.pb.collection(c.name).getList();
    assert.equal(userList.totalItems, 1);
    const body = await expectError(anonClient().collection(c.name).getOne(r.id), 404);
    assert.deepEqual(body, NOT_FOUND_BODY, 'a hidden record looks missing');
    assert.equal((await bob.pb.collection(c.name).getOne(r.id)).id, r.id);
  });

  test('a rule on a record field filters lists (status = "public")', async () => {
    await setup();
    const c = await notes({ listRule: 'status = "public"', viewRule: 'status = "public"' });
    const pub = await su.collection(c.name).create({ text: 'a', status: 'public' });
    const priv = await su.collection(c.name).create({ text: 'b', status: 'private' });
    const list = await anonClient().collection(c.name).getFullList();
    assert.deepEqual(list.map((x) => x.id), [pub.id]);
    await expectError(anonClient().collection(c.name).getOne(priv.id), 404);
    // the client filter is combined with the rule, never widening it
    const widened = await anonClient().collection(c.name).getFullList({ filter: 'status = "private" || id != ""' });
    assert.deepEqual(widened.map((x) => x.id), [pub.id]);
    // the superuser sees both
    assert.equal((await su.collection(c.name).getFullList()).length, 2);
  });
});

describe('rules: owner rules (owner = @request.auth.id)', () => {
  let c; let aNote; let bNote;
  const setupLocal = once(async () => {
    await setup();
    c = await notes({
      listRule: 'owner = @request.auth.id',
      viewRule: 'owner = @request.auth.id',
      createRule: '@request.auth.id != "" && @request.body.owner = @request.auth.id',
      updateRule: 'owner = @request.auth.id',
      deleteRule: 'owner = @request.auth.id',
    });
    aNote = await alice.pb.collection(c.name).create({ text: 'alice note', owner: alice.record.id });
    bNote = await bob.pb.collection(c.name).create({ text: 'bob note', owner: bob.record.id });
  });

  test('each user lists only their own records', async () => {
    await setupLocal();
    const a = await alice.pb.collection(c.name).getFullList();
    assert.deepEqual(a.map((x) => x.id), [aNote.id]);
    const b = await bob.pb.collection(c.name).getFullList();
    assert.deepEqual(b.map((x) => x.id), [bNote.id]);
    assert.equal((await anonClient().collection(c.name).getList()).totalItems, 0);
  });

  test("another user's record → 404 on view, update and delete", async () => {
    await setupLocal();
    assert.deepEqual(await expectError(alice.pb.collection(c.name).getOne(bNote.id), 404), NOT_FOUND_BODY);
    assert.deepEqual(await expectError(alice.pb.collection(c.name).update(bNote.id, { text: 'hacked' }), 404), NOT_FOUND_BODY);
    assert.deepEqual(await expectError(alice.pb.collection(c.name).delete(bNote.id), 404), NOT_FOUND_BODY);
    assert.equal((await su.collection(c.name).getOne(bNote.id)).text, 'bob note');
  });

  test('the owner can view, update and delete their record', async () => {
    await setupLocal();
    const mine = await alice.pb.collection(c.name).create({ text: 'temp', owner: alice.record.id });
    assert.equal((await alice.pb.collection(c.name).getOne(mine.id)).text, 'temp');
    assert.equal((await alice.pb.collection(c.name).update(mine.id, { text: 'edited' })).text, 'edited');
    assert.equal(await alice.pb.collection(c.name).delete(mine.id), true);
    await expectError(su.collection(c.name).getOne(mine.id), 404);
  });

  test('a create that fails the rule → 400 and nothing is stored', async () => {
    await setupLocal();
    const before = (await su.collection(c.name).getList()).totalItems;
    const forged = await expectError(alice.pb.collection(c.name).create({ text: 'forged', owner: bob.record.id }), 400);
    assertErrorShape(forged, 400);
    assert.deepEqual(forged.data, {}, 'a rule failure reveals no field details');
    await expectError(anonClient().collection(c.name).create({ text: 'anon', owner: alice.record.id }), 400);
    assert.equal((await su.collection(c.name).getList()).totalItems, before);
  });

  test('an update may not move a record out of the rule via @request.body', async () => {
    await setupLocal();
    const guarded = await notes({
      listRule: 'owner = @request.auth.id',
      viewRule: 'owner = @request.auth.id',
      createRule: '@request.auth.id != ""',
      updateRule: 'owner = @request.auth.id && (@request.body.owner:isset = false || @request.body.owner = @request.auth.id)',
    });
    const r = await alice.pb.collection(guarded.name).create({ text: 'x', owner: alice.record.id });
    await expectError(alice.pb.collection(guarded.name).update(r.id, { owner: bob.record.id }), 404);
    const ok = await alice.pb.collection(guarded.name).update(r.id, { text: 'y' });
    assert.equal(ok.text, 'y');
  });
});

describe('rules: auth collection rules', () => {
  test("a user sees only their own user record under 'id = @request.auth.id'", async () => {
    await setup();
    const list = await alice.pb.collection(users.name).getFullList();
    assert.deepEqual(list.map((x) => x.id), [alice.record.id]);
    await expectError(alice.pb.collection(users.name).getOne(bob.record.id), 404);
  });
});
