import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, expectError, assertErrorShape,
  createCollection, runCleanup,
  once,
} from './helpers.mjs';

let su;
let original; // batch settings before the suite, restored afterwards
const cleanup = [];

const setup = once(async () => {
  su = await superuserClient();
  const settings = await su.settings.getAll();
  original = settings.batch;
  // PocketBase ships with batch disabled: enable it for these tests.
  await su.settings.update({ batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 } });
});

after(async () => {
  await runCleanup(cleanup);
  if (original) {
    try {
      await su.settings.update({ batch: original });
    } catch {
      // best effort
    }
  }
});

async function pair() {
  const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
  const a = await createCollection(su, cleanup, {
    name: uniqueName('ba'), type: 'base', ...open, fields: [{ name: 'title', type: 'text', required: true }],
  });
  const b = await createCollection(su, cleanup, {
    name: uniqueName('bb'), type: 'base', ...open, fields: [{ name: 'n', type: 'number' }],
  });
  return { a, b };
}

describe('batch', () => {
  test('settings expose batch {enabled, maxRequests, timeout, maxBodySize}', async () => {
    await setup();
    const s = await su.settings.getAll();
    assert.equal(s.batch.enabled, true);
    assert.equal(s.batch.maxRequests, 50);
    assert.equal(typeof s.batch.timeout, 'number');
    assert.equal(typeof s.batch.maxBodySize, 'number');
  });

  test('create in two collections in one transaction: results in order as {status, body}', async () => {
    await setup();
    const { a, b } = await pair();
    const batch = su.createBatch();
    batch.collection(a.name).create({ title: 'one' });
    batch.collection(b.name).create({ n: 2 });
    batch.collection(a.name).create({ title: 'three' });
    const res = await batch.send();
    assert.equal(res.length, 3);
    assert.deepEqual(res.map((r) => r.status), [200, 200, 200]);
    assert.equal(res[0].body.title, 'one');
    assert.equal(res[1].body.n, 2);
    assert.equal(res[2].body.title, 'three');
    assert.match(res[0].body.id, /^[a-z0-9]{15}$/);
    assert.equal((await su.collection(a.name).getList()).totalItems, 2);
    assert.equal((await su.collection(b.name).getList()).totalItems, 1);
  });

  test('update, delete and upsert (update when the id exists, create otherwise)', async () => {
    await setup();
    const { a } = await pair();
    const r1 = await su.collection(a.name).create({ title: 'r1' });
    const r2 = await su.collection(a.name).create({ title: 'r2' });
    const batch = su.createBatch();
    batch.collection(a.name).update(r1.id, { title: 'r1-updated' });
    batch.collection(a.name).delete(r2.id);
    batch.collection(a.name).upsert({ id: r1.id, title: 'r1-upserted' });
    batch.collection(a.name).upsert({ id: 'batchupsert0001', title: 'new' });
    const res = await batch.send();
    assert.deepEqual(res.map((r) => r.status), [200, 204, 200, 200]);
    assert.equal(res[0].body.title, 'r1-updated');
    assert.equal(res[2].body.id, r1.id);
    assert.equal(res[3].body.id, 'batchupsert0001');
    await expectError(su.collection(a.name).getOne(r2.id), 404);
    assert.equal((await su.collection(a.name).getOne(r1.id)).title, 'r1-upserted');
    assert.equal((await su.collection(a.name).getOne('batchupsert0001')).title, 'new');
  });

  test('later requests see earlier ones (relations to records created in the same batch)', async () => {
    await setup();
    const { a } = await pair();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('bc'),
      type: 'base',
      fields: [{ name: 'ref', type: 'relation', collectionId: a.id, maxSelect: 1 }],
    });
    const batch = su.createBatch();
    batch.collection(a.name).create({ id: 'batchparent0001', title: 'parent' });
    batch.collection(c.name).create({ ref: 'batchparent0001' });
    const res = await batch.send();
    assert.equal(res[1].body.ref, 'batchparent0001');
  });

  test('all or nothing: a failing request rolls back the whole batch; the error names its index', async () => {
    await setup();
    const { a, b } = await pair();
    const keep = await su.collection(a.name).create({ title: 'keep' });
    const batch = su.createBatch();
    batch.collection(a.name).create({ title: 'would be created' });
    batch.collection(a.name).update(keep.id, { title: 'would be updated' });
    batch.collection(a.name).create({}); // index 2: title is required
    batch.collection(b.name).create({ n: 1 });
    const body = await expectError(batch.send(), 400);
    assertErrorShape(body, 400);
    assert.equal(body.message, 'Batch transaction failed.');
    const item = body.data?.requests?.['2'];
    assert.ok(item, `data.requests["2"] describes the failing request: ${JSON.stringify(body)}`);
    assert.equal(item.code, 'batch_request_failed');
    assert.equal(typeof item.message, 'string');
    assert.equal(item.response.status, 400);
    assert.equal(item.response.data.title.code, 'validation_required');
    assert.equal(Object.keys(body.data.requests).length, 1, 'only the failing request is reported');

    const list = await su.collection(a.name).getFullList();
    assert.deepEqual(list.map((r) => r.title), ['keep'], 'nothing from the batch was kept');
    assert.equal((await su.collection(b.name).getList()).totalItems, 0);
  });

  test('a 404 inside the batch also rolls back', async () => {
    await setup();
    const { a } = await pair();
    const batch = su.createBatch();
    batch.collection(a.name).create({ title: 'x' });
    batch.collection(a.name).delete('missingid123456');
    const body = await expectError(batch.send(), 400);
    assert.equal(body.data.requests['1'].response.status, 404);
    assert.equal((await su.collection(a.name).getList()).totalItems, 0);
  });

  test('API rules apply to each request (anonymous batch into a superuser-only collection)', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('bpriv'), type: 'base', fields: [{ name: 'title', type: 'text' }],
    });
    const batch = anonClient().createBatch();
    batch.collection(c.name).create({ title: 'nope' });
    const body = await expectError(batch.send(), 400);
    assert.equal(body.data.requests['0'].response.status, 403);
    assert.equal((await su.collection(c.name).getList()).totalItems, 0);
  });

  test('more requests than maxRequests → 400 on requests', async () => {
    await setup();
    const { a } = await pair();
    await su.settings.update({ batch: { enabled: true, maxRequests: 2 } });
    try {
      const batch = su.createBatch();
      for (let i = 0; i < 3; i++) batch.collection(a.name).create({ title: `t${i}` });
      const body = await expectError(batch.send(), 400);
      assert.ok(body.data.requests, JSON.stringify(body));
      assert.equal((await su.collection(a.name).getList()).totalItems, 0);
    } finally {
      await su.settings.update({ batch: { enabled: true, maxRequests: 50 } });
    }
  });

  test('an empty batch → 400', async () => {
    await setup();
    const body = await expectError(su.createBatch().send(), 400);
    assert.ok(body.data.requests, JSON.stringify(body));
  });

  test('every item is validated before any runs: method and url, each reported under its index', async () => {
    await setup();
    const { a } = await pair();
    const body = await expectError(su.send('/api/batch', {
      method: 'POST',
      body: { requests: [
        {},
        { method: 'POST', url: `/api/collections/${a.name}/records`, body: { title: 'valid' } },
        { method: 'post', url: `/api/collections/${a.name}/records` },
        { method: 'POST', url: `/api/collections/${a.name}/records?x=${'a'.repeat(2001)}` },
      ] },
    }), 400);
    assert.equal(body.message, 'Invalid batch request data.');
    assert.equal(body.data.requests['0'].method.code, 'validation_required');
    assert.equal(body.data.requests['0'].url.code, 'validation_required');
    assert.equal('1' in body.data.requests, false, 'a valid item is not reported');
    assert.equal(body.data.requests['2'].method.code, 'validation_in_invalid');
    assert.equal(body.data.requests['3'].url.code, 'validation_length_too_long');
    assert.equal((await su.collection(a.name).getList()).totalItems, 0, 'nothing ran');
  });

  test('batch disabled in settings → 403 "Batch requests are not allowed."', async () => {
    await setup();
    const { a } = await pair();
    await su.settings.update({ batch: { enabled: false } });
    try {
      assert.equal((await su.settings.getAll()).batch.enabled, false);
      const batch = su.createBatch();
      batch.collection(a.name).create({ title: 'x' });
      const body = await expectError(batch.send(), 403);
      assertErrorShape(body, 403);
      assert.equal(body.message, 'Batch requests are not allowed.');
      assert.equal((await su.collection(a.name).getList()).totalItems, 0);
    } finally {
      await su.settings.update({ batch: { enabled: true, maxRequests: 50 } });
    }
  });

  test('only superusers may read or change settings', async () => {
    await setup();
    await expectError(anonClient().settings.getAll(), 401);
    await expectError(anonClient().settings.update({ batch: { enabled: false } }), 401);
  });
});
