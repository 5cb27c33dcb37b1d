import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, createCollection, runCleanup, waitFor, sleep,
  once, expectError,
} from './helpers.mjs';

let su;
const cleanup = [];
const WAIT = { timeoutMs: 10_000 };

const setup = once(async () => {
  su = await superuserClient();
});
after(async () => {
  await runCleanup(cleanup);
});

async function openCollection(extra = {}) {
  const authors = await createCollection(su, cleanup, {
    name: uniqueName('rtauthors'), type: 'base', listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }],
  });
  const c = await createCollection(su, cleanup, {
    name: uniqueName('rt'),
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    ...extra,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
    ],
  });
  return { c, authors };
}

/** Subscribes `pb` to `topic` of `collection` and collects the events. */
async function collect(pb, collection, topic, options) {
  const events = [];
  const unsubscribe = await pb.collection(collection).subscribe(topic, (e) => events.push(e), options);
  return { events, unsubscribe };
}

/** Runs `fn` with a fresh anonymous client and always closes its realtime connection. */
async function withSubscriber(fn, client) {
  const pb = client || anonClient();
  try {
    return await fn(pb);
  } finally {
    try {
      await pb.realtime.unsubscribe();
    } catch {
      // already disconnected
    }
  }
}

describe('realtime', () => {
  test('PB_CONNECT gives a clientId', async () => {
    await setup();
    await withSubscriber(async (pb) => {
      let clientId;
      await pb.realtime.subscribe('PB_CONNECT', (e) => { clientId = e.clientId; });
      await waitFor(() => clientId, { ...WAIT, what: 'PB_CONNECT' });
      assert.equal(typeof clientId, 'string');
      assert.ok(clientId.length > 0);
      assert.equal(pb.realtime.clientId, clientId);
    });
  });

  test("a '*' subscription receives create, update and delete from another client", async () => {
    await setup();
    const { c } = await openCollection();
    await withSubscriber(async (pb) => {
      const { events } = await collect(pb, c.name, '*');
      const r = await su.collection(c.name).create({ title: 'one' });
      await su.collection(c.name).update(r.id, { title: 'two' });
      await su.collection(c.name).delete(r.id);
      await waitFor(() => events.length >= 3, { ...WAIT, what: '3 realtime events' });
      assert.deepEqual(events.map((e) => e.action), ['create', 'update', 'delete']);
      assert.deepEqual(events.map((e) => e.record.id), [r.id, r.id, r.id]);
      assert.equal(events[0].record.title, 'one');
      assert.equal(events[1].record.title, 'two');
      assert.equal(events[0].record.collectionName, c.name);
      assert.equal(events[0].record.collectionId, c.id);
    });
  });

  test('a record subscription receives only that record', async () => {
    await setup();
    const { c } = await openCollection();
    const watched = await su.collection(c.name).create({ title: 'watched' });
    const other = await su.collection(c.name).create({ title: 'other' });
    await withSubscriber(async (pb) => {
      const { events } = await collect(pb, c.name, watched.id);
      await su.collection(c.name).update(other.id, { title: 'other 2' });
      await su.collection(c.name).update(watched.id, { title: 'watched 2' });
      await su.collection(c.name).delete(watched.id);
      await waitFor(() => events.length >= 2, { ...WAIT, what: '2 record events' });
      await sleep(300);
      assert.deepEqual(events.map((e) => [e.action, e.record.id]), [['update', watched.id], ['delete', watched.id]]);
      assert.equal(events[0].record.title, 'watched 2');
    });
  });

  test('unsubscribe stops the events', async () => {
    await setup();
    const { c } = await openCollection();
    await withSubscriber(async (pb) => {
      const { events, unsubscribe } = await collect(pb, c.name, '*');
      await su.collection(c.name).create({ title: 'before' });
      await waitFor(() => events.length >= 1, { ...WAIT, what: 'the first event' });
      await unsubscribe();
      await su.collection(c.name).create({ title: 'after' });
      await sleep(1000);
      assert.equal(events.length, 1, `no event after unsubscribe: ${JSON.stringify(events.map((e) => e.record.title))}`);
    });
  });

  test('two subscribers both receive the event', async () => {
    await setup();
    const { c } = await openCollection();
    const a = anonClient();
    const b = anonClient();
    try {
      const ea = await collect(a, c.name, '*');
      const eb = await collect(b, c.name, '*');
      const r = await su.collection(c.name).create({ title: 'fan-out' });
      await waitFor(() => ea.events.length >= 1 && eb.events.length >= 1, { ...WAIT, what: 'both subscribers' });
      assert.equal(ea.events[0].record.id, r.id);
      assert.equal(eb.events[0].record.id, r.id);
    } finally {
      await a.realtime.unsubscribe().catch(() => {});
      await b.realtime.unsubscribe().catch(() => {});
    }
  });

  test('events honour listRule: a subscriber without access gets nothing, a superuser gets everything', async () => {
    await setup();
    const { c } = await openCollection({ listRule: null, viewRule: null });
    const anon = anonClient();
    const admin = await superuserClient();
    try {
      const ea = await collect(anon, c.name, '*');
      const es = await collect(admin, c.name, '*');
      await su.collection(c.name).create({ title: 'private' });
      await waitFor(() => es.events.length >= 1, { ...WAIT, what: 'the superuser event' });
      await sleep(500);
      assert.equal(ea.events.length, 0, 'the anonymous subscriber must not see a superuser-only record');
    } finally {
      await anon.realtime.unsubscribe().catch(() => {});
      await admin.realtime.unsubscribe().catch(() => {});
    }
  });

  test('subscription options: expand and fields apply to the event record', async () => {
    await setup();
    const { c, authors } = await openCollection();
    const author = await su.collection(authors.name).create({ name: 'ann' });
    await withSubscriber(async (pb) => {
      const { events } = await collect(pb, c.name, '*', { expand: 'author', fields: 'id,title,expand.author.name' });
      const r = await su.collection(c.name).create({ title: 'expanded', author: author.id });
      await waitFor(() => events.length >= 1, { ...WAIT, what: 'the expanded event' });
      assert.equal(events[0].record.id, r.id);
      assert.deepEqual(events[0].record.expand, { author: { name: 'ann' } });
      assert.equal('author' in events[0].record, false, 'fields limits the record keys');
    });
  });

  test('a delete that cascades sends the events of the records it deleted or changed', async () => {
    await setup();
    const parents = await createCollection(su, cleanup, {
      name: uniqueName('rtparents'), type: 'base', listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }],
    });
    const kids = await createCollection(su, cleanup, {
      name: uniqueName('rtkids'), type: 'base', listRule: '', viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'parent', type: 'relation', collectionId: parents.id, maxSelect: 1, cascadeDelete: true },
        { name: 'friend', type: 'relation', collectionId: parents.id, maxSelect: 1 },
      ],
    });
    const p = await su.collection(parents.name).create({ name: 'p' });
    const other = await su.collection(parents.name).create({ name: 'other' });
    const child = await su.collection(kids.name).create({ title: 'child', parent: p.id });
    const befriended = await su.collection(kids.name).create({ title: 'friend', parent: other.id, friend: p.id });
    await withSubscriber(async (pb) => {
      const { events } = await collect(pb, kids.name, '*');
      await su.collection(parents.name).delete(p.id);
      await waitFor(() => events.length >= 2, { ...WAIT, what: 'the cascade events' });
      const deleted = events.find((e) => e.action === 'delete');
      const updated = events.find((e) => e.action === 'update');
      assert.equal(deleted?.record.id, child.id, JSON.stringify(events));
      assert.equal(deleted.record.title, 'child', 'a delete event carries the record as it was');
      assert.equal(updated?.record.id, befriended.id, JSON.stringify(events));
      assert.equal(updated.record.friend, '', 'the reference is gone');
    });
  });

  test('a client whose user was deleted is a guest again and may subscribe without a token', async () => {
    await setup();
    const users = await createCollection(su, cleanup, {
      name: uniqueName('rtusers'), type: 'auth', listRule: '', viewRule: '', createRule: '',
    });
    const { c } = await openCollection();
    const email = `rt_${Date.now()}@example.com`;
    const user = await su.collection(users.name).create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(email, 'password-123');
    await withSubscriber(async () => {
      await collect(pb, c.name, '*');
      await su.collection(users.name).delete(user.id);
      pb.authStore.clear();
      const { events } = await collect(pb, c.name, '*'); // POST /api/realtime without a token
      await su.collection(c.name).create({ title: 'after' });
      await waitFor(() => events.length >= 1, { ...WAIT, what: 'an event for the guest' });
    }, pb);
  });

  test('a user whose session is revoked (password changed by a superuser) stops receiving at once', async () => {
    await setup();
    const users = await createCollection(su, cleanup, {
      name: uniqueName('rtrevoked'), type: 'auth', listRule: '', viewRule: '',
    });
    const { c } = await openCollection({ listRule: '@request.auth.id != ""', viewRule: '@request.auth.id != ""' });
    const email = `rv_${Date.now()}@example.com`;
    const user = await su.collection(users.name).create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    const pb = anonClient();
    await pb.collection(users.name).authWithPassword(email, 'password-123');
    await withSubscriber(async () => {
      const mine = await collect(pb, c.name, '*');
      await su.collection(c.name).create({ title: 'before' });
      await waitFor(() => mine.events.length === 1, { ...WAIT, what: 'the user to see the event before the revocation' });

      await su.collection(users.name).update(user.id, { password: 'password-456', passwordConfirm: 'password-456' });
      const watcher = await superuserClient();
      await withSubscriber(async () => {
        const control = await collect(watcher, c.name, '*');
        await su.collection(c.name).create({ title: 'after' });
        await waitFor(() => control.events.length === 1, { ...WAIT, what: 'a superuser to see the event after the revocation' });
        await sleep(500); // the user's stream would have had it by now
        assert.deepEqual(mine.events.map((e) => e.record.title), ['before'], 'nothing after the revocation');
      }, watcher);
      await expectError(() => pb.collection(users.name).authRefresh(), 401);
    }, pb);
  });

  test('a topic longer than 2500 characters is refused under its index', async () => {
    await setup();
    await withSubscriber(async (pb) => {
      await pb.realtime.subscribe('warmup', () => {});
      const res = await fetch(`${pb.baseURL}/api/realtime`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientId: pb.realtime.clientId, subscriptions: ['ok', 'x'.repeat(2501)] }),
      });
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.data.subscriptions['1'].code, 'validation_length_too_long', JSON.stringify(body));
    });
  });

  test("a manager (manageRule) sees a user's hidden email in events, another user does not", async () => {
    await setup();
    const staff = await createCollection(su, cleanup, {
      name: uniqueName('rtstaff'), type: 'auth', listRule: '', viewRule: '',
      manageRule: "@request.auth.role = 'admin'", fields: [{ name: 'role', type: 'text' }],
    });
    const mk = (role) => su.collection(staff.name).create({
      email: `${role}_${Date.now()}_${Math.random().toString(36).slice(2, 6)}@example.com`,
      password: 'password-123', passwordConfirm: 'password-123', role,
    });
    const admin = await mk('admin');
    const plain = await mk('plain');
    const asAdmin = anonClient();
    await asAdmin.collection(staff.name).authWithPassword(admin.email, 'password-123');
    const asPlain = anonClient();
    await asPlain.collection(staff.name).authWithPassword(plain.email, 'password-123');
    await withSubscriber(async () => {
      await withSubscriber(async () => {
        const seenByAdmin = await collect(asAdmin, staff.name, '*');
        const seenByPlain = await collect(asPlain, staff.name, '*');
        const hidden = await mk('hidden');
        await waitFor(() => seenByAdmin.events.length >= 1 && seenByPlain.events.length >= 1, { ...WAIT, what: 'both events' });
        assert.equal(seenByAdmin.events[0].record.email, hidden.email, 'the manager sees it');
        assert.equal('email' in seenByPlain.events[0].record, false, 'another user does not');
      }, asPlain);
    }, asAdmin);
  });
});
