import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, expectError, assertErrorShape, assertFieldError,
  createCollection, runCleanup, autodateFields, fieldByName, NOT_FOUND_BODY,
  once,
} from './helpers.mjs';

let su;
const cleanup = [];

const setup = once(async () => {
  su = await superuserClient();
});
after(async () => {
  await runCleanup(cleanup);
});

/** A base collection with one field of every scalar type the brief lists. */
function everyTypeSpec(name, relatedId) {
  return {
    name,
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    fields: [
      { name: 'title', type: 'text', required: true, min: 2, max: 20, pattern: '^[A-Za-z0-9 ]+$' },
      { name: 'views', type: 'number', min: 0, max: 1000, onlyInt: true },
      { name: 'score', type: 'number' },
      { name: 'published', type: 'bool' },
      { name: 'contact', type: 'email' },
      { name: 'homepage', type: 'url' },
      { name: 'due', type: 'date' },
      { name: 'status', type: 'select', values: ['draft', 'live', 'archived'], maxSelect: 1 },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c', 'd'], maxSelect: 3 },
      { name: 'meta', type: 'json' },
      { name: 'body', type: 'editor' },
      ...(relatedId
        ? [
          { name: 'owner', type: 'relation', collectionId: relatedId, maxSelect: 1, cascadeDelete: false },
          { name: 'helpers', type: 'relation', collectionId: relatedId, maxSelect: 5, cascadeDelete: false },
        ]
        : []),
      ...autodateFields(),
    ],
  };
}

describe('collections: create with every field type', () => {
  test('a base collection with text/number/bool/email/url/date/select/json/editor/relation/autodate fields', async () => {
    await setup();
    const people = await createCollection(su, cleanup, {
      name: uniqueName('people'), type: 'base', fields: [{ name: 'name', type: 'text' }],
    });
    const name = uniqueName('every');
    const c = await createCollection(su, cleanup, everyTypeSpec(name, people.id));

    assert.equal(typeof c.id, 'string');
    assert.ok(c.id.length > 0);
    assert.equal(c.name, name);
    assert.equal(c.type, 'base');
    assert.equal(c.system, false);
    assert.equal(c.listRule, '');
    assert.ok(Array.isArray(c.fields));
    assert.ok(Array.isArray(c.indexes));
    assert.equal(typeof c.created, 'string');
    assert.equal(typeof c.updated, 'string');

    // the implicit primary key
    const id = fieldByName(c, 'id');
    assert.ok(id, 'every collection gets an "id" field');
    assert.equal(id.type, 'text');
    assert.equal(id.primaryKey, true);
    assert.equal(id.system, true);

    const expectTypes = {
      title: 'text', views: 'number', score: 'number', published: 'bool', contact: 'email',
      homepage: 'url', due: 'date', status: 'select', tags: 'select', meta: 'json', body: 'editor',
      owner: 'relation', helpers: 'relation', created: 'autodate', updated: 'autodate',
    };
    for (const [field, type] of Object.entries(expectTypes)) {
      const f = fieldByName(c, field);
      assert.ok(f, `field "${field}" is in the created collection`);
      assert.equal(f.type, type, `field "${field}" type`);
      assert.equal(typeof f.id, 'string', `field "${field}" gets an id`);
      assert.ok(f.id.length > 0);
    }
    const title = fieldByName(c, 'title');
    assert.equal(title.required, true);
    assert.equal(title.min, 2);
    assert.equal(title.max, 20);
    assert.equal(title.pattern, '^[A-Za-z0-9 ]+$');
    const views = fieldByName(c, 'views');
    assert.equal(views.min, 0);
    assert.equal(views.max, 1000);
    assert.equal(views.onlyInt, true);
    assert.deepEqual(fieldByName(c, 'status').values, ['draft', 'live', 'archived']);
    assert.equal(fieldByName(c, 'status').maxSelect, 1);
    assert.equal(fieldByName(c, 'tags').maxSelect, 3);
    assert.equal(fieldByName(c, 'owner').collectionId, people.id);
    assert.equal(fieldByName(c, 'owner').maxSelect, 1);
    assert.equal(fieldByName(c, 'helpers').maxSelect, 5);
    assert.equal(fieldByName(c, 'created').onCreate, true);
    assert.equal(fieldByName(c, 'created').onUpdate, false);
    assert.equal(fieldByName(c, 'updated').onUpdate, true);
  });

  test('records of such a collection get the zero value of each type and autodates', async () => {
    await setup();
    const people = await createCollection(su, cleanup, {
      name: uniqueName('people'), type: 'base', fields: [{ name: 'name', type: 'text' }],
    });
    const c = await createCollection(su, cleanup, everyTypeSpec(uniqueName('zeros'), people.id));
    const r = await su.collection(c.name).create({ title: 'Hello' });
    assert.equal(r.title, 'Hello');
    assert.equal(r.views, 0);
    assert.equal(r.score, 0);
    assert.equal(r.published, false);
    assert.equal(r.contact, '');
    assert.equal(r.homepage, '');
    assert.equal(r.due, '');
    assert.equal(r.status, '');
    assert.deepEqual(r.tags, []);
    assert.equal(r.meta, null);
    assert.equal(r.body, '');
    assert.equal(r.owner, '');
    assert.deepEqual(r.helpers, []);
    assert.match(r.created, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.match(r.updated, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.match(r.id, /^[a-z0-9]{15}$/, 'default ids are 15 lowercase alphanumerics');
    assert.equal(r.collectionId, c.id);
    assert.equal(r.collectionName, c.name);
  });

  test('autodate: onCreate keeps its value on update, onUpdate changes', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('autod'), type: 'base', fields: [{ name: 'n', type: 'number' }, ...autodateFields()],
    });
    const r = await su.collection(c.name).create({ n: 1 });
    await new Promise((res) => setTimeout(res, 20));
    const u = await su.collection(c.name).update(r.id, { n: 2 });
    assert.equal(u.created, r.created);
    assert.ok(u.updated > r.updated, `updated moves forward (${r.updated} → ${u.updated})`);
    // autodate values cannot be set by the client
    const forced = await su.collection(c.name).create({ n: 3, created: '2000-01-01 00:00:00.000Z' });
    assert.notEqual(forced.created, '2000-01-01 00:00:00.000Z');
  });

  test('relation cascadeDelete removes the referencing records; a plain relation just drops the id', async () => {
    await setup();
    const authors = await createCollection(su, cleanup, {
      name: uniqueName('authors'), type: 'base', fields: [{ name: 'name', type: 'text' }],
    });
    const posts = await createCollection(su, cleanup, {
      name: uniqueName('posts'),
      type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1, cascadeDelete: true },
        { name: 'editors', type: 'relation', collectionId: authors.id, maxSelect: 5, cascadeDelete: false },
      ],
    });
    const a1 = await su.collection(authors.name).create({ name: 'a1' });
    const a2 = await su.collection(authors.name).create({ name: 'a2' });
    const p1 = await su.collection(posts.name).create({ title: 'by a1', author: a1.id, editors: [a2.id] });
    const p2 = await su.collection(posts.name).create({ title: 'by a2', author: a2.id, editors: [a1.id, a2.id] });
    assert.equal(p1.author, a1.id);
    assert.deepEqual(p2.editors, [a1.id, a2.id]);

    await su.collection(authors.name).delete(a1.id);
    await expectError(su.collection(posts.name).getOne(p1.id), 404); // cascaded
    const p2after = await su.collection(posts.name).getOne(p2.id);
    assert.deepEqual(p2after.editors, [a2.id], 'the deleted id is removed from a non-cascading multi relation');
  });

  test('a relation to a missing collection is rejected with a field error', async () => {
    await setup();
    const body = await expectError(su.collections.create({
      name: uniqueName('badrel'),
      type: 'base',
      fields: [{ name: 'ref', type: 'relation', collectionId: 'nonexistingcollectionid', maxSelect: 1 }],
    }), 400);
    assertErrorShape(body, 400);
    assert.ok(body.data.fields, `error on fields: ${JSON.stringify(body)}`);
  });
});

describe('collections: read', () => {
  test('getFullList, getList, getOne (by id and by name), getFirstListItem', async () => {
    await setup();
    const name = uniqueName('readme');
    const c = await createCollection(su, cleanup, {
      name, type: 'base', fields: [{ name: 'title', type: 'text' }],
    });

    const all = await su.collections.getFullList();
    assert.ok(Array.isArray(all));
    assert.ok(all.some((x) => x.id === c.id && x.name === name));

    const page = await su.collections.getList(1, 2);
    assert.equal(page.page, 1);
    assert.equal(page.perPage, 2);
    assert.ok(page.items.length <= 2);
    assert.ok(page.totalItems >= all.length - 0, 'totalItems counts every collection');
    assert.equal(page.totalPages, Math.ceil(page.totalItems / 2));

    const byId = await su.collections.getOne(c.id);
    assert.equal(byId.name, name);
    const byName = await su.collections.getOne(name);
    assert.equal(byName.id, c.id);
    assert.deepEqual(byName.fields.map((f) => f.name), byId.fields.map((f) => f.name));

    const first = await su.collections.getFirstListItem(su.filter('name = {:n}', { n: name }));
    assert.equal(first.id, c.id);
  });

  test('the _superusers system collection is an auth collection', async () => {
    await setup();
    const c = await su.collections.getOne('_superusers');
    assert.equal(c.type, 'auth');
    assert.equal(c.system, true);
    assert.ok(fieldByName(c, 'email'));
    assert.ok(fieldByName(c, 'password'));
  });

  test('a missing collection → 404 with the standard body', async () => {
    await setup();
    const body = await expectError(su.collections.getOne('no_such_collection_' + Date.now()), 404);
    assert.deepEqual(body, NOT_FOUND_BODY);
  });

  test('collections can be filtered and sorted', async () => {
    await setup();
    const prefix = uniqueName('srt');
    const b = await createCollection(su, cleanup, { name: prefix + '_b', type: 'base', fields: [] });
    const a = await createCollection(su, cleanup, { name: prefix + '_a', type: 'base', fields: [] });
    const list = await su.collections.getFullList({
      filter: su.filter('name ~ {:p}', { p: prefix }),
      sort: 'name',
    });
    assert.deepEqual(list.map((x) => x.id), [a.id, b.id]);
    const desc = await su.collections.getFullList({
      filter: su.filter('name ~ {:p}', { p: prefix }),
      sort: '-name',
    });
    assert.deepEqual(desc.map((x) => x.id), [b.id, a.id]);
  });
});

describe('collections: update and delete', () => {
  test('add, rename and remove fields; existing data is kept', async () => {
    await setup();
    const name = uniqueName('evolve');
    const c = await createCollection(su, cleanup, {
      name,
      type: 'base',
      fields: [{ name: 'title', type: 'text' }, { name: 'obsolete', type: 'text' }],
    });
    const rec = await su.collection(name).create({ title: 'kept', obsolete: 'gone' });

    const fields = c.fields
      .filter((f) => f.name !== 'obsolete')
      .map((f) => (f.name === 'title' ? { ...f, name: 'headline' } : f));
    fields.push({ name: 'rating', type: 'number' });
    const updated = await su.collections.update(c.id, { fields });
    assert.ok(fieldByName(updated, 'headline'));
    assert.equal(fieldByName(updated, 'headline').id, fieldByName(c, 'title').id, 'a rename keeps the field id');
    assert.equal(fieldByName(updated, 'title'), undefined);
    assert.equal(fieldByName(updated, 'obsolete'), undefined);
    assert.ok(fieldByName(updated, 'rating'));

    const after = await su.collection(name).getOne(rec.id);
    assert.equal(after.headline, 'kept', 'renamed column keeps its data');
    assert.equal(after.rating, 0);
    assert.equal('obsolete' in after, false);
    assert.equal('title' in after, false);
  });

  test('rename the collection and change its rules', async () => {
    await setup();
    const c = await createCollection(su, cleanup, { name: uniqueName('ren'), type: 'base', fields: [] });
    const newName = uniqueName('renamed');
    const u = await su.collections.update(c.id, { name: newName, listRule: 'id != ""', viewRule: null });
    assert.equal(u.id, c.id);
    assert.equal(u.name, newName);
    assert.equal(u.listRule, 'id != ""');
    assert.equal(u.viewRule, null);
    const list = await su.collection(newName).getList();
    assert.equal(list.totalItems, 0);
    await expectError(su.collections.getOne(c.name), 404);
  });

  test('delete a collection → 204, then 404; its records API is gone', async () => {
    await setup();
    const c = await su.collections.create({ name: uniqueName('del'), type: 'base', fields: [] });
    assert.equal(await su.collections.delete(c.id), true);
    await expectError(su.collections.getOne(c.id), 404);
    await expectError(su.collection(c.name).getList(), 404);
  });

  test('a collection referenced by another one cannot be deleted (400)', async () => {
    await setup();
    const target = await createCollection(su, cleanup, { name: uniqueName('tgt'), type: 'base', fields: [] });
    await createCollection(su, cleanup, {
      name: uniqueName('src'),
      type: 'base',
      fields: [{ name: 'ref', type: 'relation', collectionId: target.id, maxSelect: 1 }],
    });
    await expectError(su.collections.delete(target.id), 400);
  });

  test('truncate deletes every record and keeps the collection', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('trunc'), type: 'base', fields: [{ name: 'n', type: 'number' }],
    });
    for (let i = 0; i < 3; i++) await su.collection(c.name).create({ n: i });
    assert.equal((await su.collection(c.name).getList()).totalItems, 3);
    assert.equal(await su.collections.truncate(c.name), true);
    assert.equal((await su.collection(c.name).getList()).totalItems, 0);
    assert.equal((await su.collections.getOne(c.id)).name, c.name);
  });
});

describe('collections: auth and view collections', () => {
  test('an auth collection gets the system auth fields and auth options', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('members'),
      type: 'auth',
      fields: [{ name: 'nickname', type: 'text' }],
    });
    assert.equal(c.type, 'auth');
    for (const f of ['id', 'email', 'emailVisibility', 'verified', 'password', 'tokenKey', 'nickname']) {
      assert.ok(fieldByName(c, f), `auth collection has field "${f}"`);
    }
    assert.equal(fieldByName(c, 'password').type, 'password');
    assert.equal(fieldByName(c, 'password').hidden, true);
    assert.equal(fieldByName(c, 'tokenKey').hidden, true);
    assert.equal(fieldByName(c, 'email').type, 'email');
    assert.equal(typeof c.passwordAuth, 'object');
    assert.equal(c.passwordAuth.enabled, true);
    assert.deepEqual(c.passwordAuth.identityFields, ['email']);
    assert.equal(typeof c.authToken, 'object');
    assert.equal(typeof c.authToken.duration, 'number');
  });

  test('a view collection exposes its query as read-only records', async () => {
    await setup();
    const src = await createCollection(su, cleanup, {
      name: uniqueName('vsrc'),
      type: 'base',
      fields: [{ name: 'title', type: 'text' }, { name: 'n', type: 'number' }],
    });
    await su.collection(src.name).create({ title: 'small', n: 1 });
    await su.collection(src.name).create({ title: 'big', n: 10 });
    const view = await createCollection(su, cleanup, {
      name: uniqueName('vbig'),
      type: 'view',
      listRule: '',
      viewRule: '',
      viewQuery: `SELECT id, title, n FROM ${src.name} WHERE n > 5`,
    });
    assert.equal(view.type, 'view');
    assert.ok(fieldByName(view, 'title'), 'view fields are derived from the query');
    assert.ok(fieldByName(view, 'n'));

    const rows = await anonClient().collection(view.name).getFullList();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].title, 'big');
    assert.equal(rows[0].collectionName, view.name);
    const one = await anonClient().collection(view.name).getOne(rows[0].id);
    assert.equal(one.n, 10);

    // views are read-only: create/update/delete are refused with 400
    await expectError(su.collection(view.name).create({ title: 'x' }), 400);
  });

  test('a view with an invalid query is rejected (400, error on viewQuery)', async () => {
    await setup();
    const body = await expectError(su.collections.create({
      name: uniqueName('vbad'), type: 'view', viewQuery: 'SELECT nope FROM no_such_table_at_all',
    }), 400);
    assert.ok(body.data.viewQuery, JSON.stringify(body));
  });
});

describe('collections: validation errors', () => {
  test('duplicate name → 400 data.name.code validation_collection_name_exists', async () => {
    await setup();
    const c = await createCollection(su, cleanup, { name: uniqueName('dup'), type: 'base', fields: [] });
    const body = await expectError(su.collections.create({ name: c.name, type: 'base', fields: [] }), 400);
    assertErrorShape(body, 400);
    assertFieldError(body, 'name', 'validation_collection_name_exists');
  });

  test('duplicate name differing only in case is also rejected', async () => {
    await setup();
    const c = await createCollection(su, cleanup, { name: uniqueName('dupcase'), type: 'base', fields: [] });
    const body = await expectError(su.collections.create({ name: c.name.toUpperCase(), type: 'base', fields: [] }), 400);
    assertFieldError(body, 'name', 'validation_collection_name_exists');
  });

  test('missing name → 400 data.name.code validation_required', async () => {
    await setup();
    const body = await expectError(su.collections.create({ type: 'base', fields: [] }), 400);
    assertFieldError(body, 'name', 'validation_required');
  });

  test('invalid name characters → 400 with an error on name', async () => {
    await setup();
    const body = await expectError(su.collections.create({ name: 'bad name!', type: 'base', fields: [] }), 400);
    assert.ok(body.data.name, JSON.stringify(body));
  });

  test('unknown field type → 400', async () => {
    await setup();
    const body = await expectError(su.collections.create({
      name: uniqueName('badtype'), type: 'base', fields: [{ name: 'x', type: 'no_such_type' }],
    }), 400);
    assertErrorShape(body, 400);
  });

  test('duplicate field names → 400 with an error under fields', async () => {
    await setup();
    const body = await expectError(su.collections.create({
      name: uniqueName('dupfield'),
      type: 'base',
      fields: [{ name: 'x', type: 'text' }, { name: 'x', type: 'number' }],
    }), 400);
    assert.ok(body.data.fields, JSON.stringify(body));
  });

  test('an invalid rule expression → 400 with an error on that rule', async () => {
    await setup();
    const body = await expectError(su.collections.create({
      name: uniqueName('badrule'), type: 'base', fields: [], listRule: 'no_such_field = 1 &&',
    }), 400);
    assert.ok(body.data.listRule, JSON.stringify(body));
  });
});

describe('collections: indexes', () => {
  test('a unique index rejects a duplicate record with 400 validation_not_unique on the field', async () => {
    await setup();
    const name = uniqueName('uniq');
    const c = await createCollection(su, cleanup, {
      name,
      type: 'base',
      fields: [{ name: 'code', type: 'text' }],
      indexes: [`CREATE UNIQUE INDEX idx_${name}_code ON ${name} (code)`],
    });
    assert.equal(c.indexes.length, 1);
    assert.match(c.indexes[0], /CREATE UNIQUE INDEX/i);
    await su.collection(name).create({ code: 'A1' });
    const body = await expectError(su.collection(name).create({ code: 'A1' }), 400);
    assertFieldError(body, 'code', 'validation_not_unique');
    await su.collection(name).create({ code: 'B2' });
  });

  test('an invalid index → 400 with an error on indexes', async () => {
    await setup();
    const name = uniqueName('badidx');
    const body = await expectError(su.collections.create({
      name, type: 'base', fields: [{ name: 'code', type: 'text' }], indexes: ['CREATE INDEX oops'],
    }), 400);
    assert.ok(body.data.indexes, JSON.stringify(body));
  });
});

describe('collections: import', () => {
  test('pb.collections.import creates new collections (deleteMissing=false keeps the others)', async () => {
    await setup();
    const keep = await createCollection(su, cleanup, { name: uniqueName('keep'), type: 'base', fields: [] });
    const n1 = uniqueName('imp1');
    const n2 = uniqueName('imp2');
    const ok = await su.collections.import([
      { name: n1, type: 'base', fields: [{ name: 'title', type: 'text' }] },
      { name: n2, type: 'base', fields: [{ name: 'flag', type: 'bool' }], listRule: '' },
    ], false);
    assert.equal(ok, true);
    const c1 = await su.collections.getOne(n1);
    const c2 = await su.collections.getOne(n2);
    cleanup.push(() => su.collections.delete(c1.id), () => su.collections.delete(c2.id));
    assert.ok(fieldByName(c1, 'title'));
    assert.ok(fieldByName(c2, 'flag'));
    assert.equal(c2.listRule, '');
    assert.equal((await su.collections.getOne(keep.id)).name, keep.name, 'unrelated collections stay');
  });

  test('an invalid import changes nothing and answers 400', async () => {
    await setup();
    const n1 = uniqueName('impok');
    await expectError(su.collections.import([
      { name: n1, type: 'base', fields: [] },
      { name: n1, type: 'base', fields: [] }, // duplicate name in the same import
    ], false), 400);
    await expectError(su.collections.getOne(n1), 404);
  });
});

describe('collections: access', () => {
  test('anonymous clients get 401 on every collections route', async () => {
    await setup();
    const anon = anonClient();
    const c = await createCollection(su, cleanup, { name: uniqueName('priv'), type: 'base', fields: [] });
    for (const call of [
      () => anon.collections.getList(),
      () => anon.collections.getOne(c.id),
      () => anon.collections.create({ name: uniqueName('nope'), type: 'base', fields: [] }),
      () => anon.collections.update(c.id, { listRule: '' }),
      () => anon.collections.delete(c.id),
      () => anon.collections.truncate(c.id),
    ]) {
      const body = await expectError(call, 401);
      assertErrorShape(body, 401);
    }
    assert.equal((await su.collections.getOne(c.id)).listRule, null, 'nothing changed');
  });

  test('a regular auth record gets 403 on the collections API', async () => {
    await setup();
    const users = await createCollection(su, cleanup, {
      name: uniqueName('cusers'), type: 'auth', createRule: '', authRule: '', fields: [],
    });
    await su.collection(users.name).create({
      email: 'someone@example.com', password: 'secret-pass-1', passwordConfirm: 'secret-pass-1',
    });
    const user = anonClient();
    await user.collection(users.name).authWithPassword('someone@example.com', 'secret-pass-1');
    const body = await expectError(user.collections.getList(), 403);
    assertErrorShape(body, 403);
  });
});
