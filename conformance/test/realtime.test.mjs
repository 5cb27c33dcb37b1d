import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, createCollection, runCleanup, waitFor, sleep,
  once,
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
});
