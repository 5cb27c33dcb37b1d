import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, expectError, assertErrorShape, assertFieldError,
  createCollection, runCleanup, autodateFields, NOT_FOUND_BODY,
  once,
} from './helpers.mjs';

let su;
const cleanup = [];
// read-only blog fixture shared by the list/filter/sort/expand/fields tests
const fx = {};

const setup = once(async () => {
  su = await superuserClient();
  const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
  fx.orgs = await createCollection(su, cleanup, {
    name: uniqueName('orgs'), type: 'base', ...open, fields: [{ name: 'name', type: 'text' }],
  });
  fx.authors = await createCollection(su, cleanup, {
    name: uniqueName('authors'),
    type: 'base',
    ...open,
    fields: [
      { name: 'name', type: 'text' },
      { name: 'org', type: 'relation', collectionId: fx.orgs.id, maxSelect: 1 },
    ],
  });
  fx.posts = await createCollection(su, cleanup, {
    name: uniqueName('posts'),
    type: 'base',
    ...open,
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'views', type: 'number' },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c', 'd'], maxSelect: 4 },
      { name: 'status', type: 'select', values: ['draft', 'live', 'archived'], maxSelect: 1 },
      { name: 'author', type: 'relation', collectionId: fx.authors.id, maxSelect: 1 },
      { name: 'reviewers', type: 'relation', collectionId: fx.authors.id, maxSelect: 10 },
      { name: 'body', type: 'editor' },
      { name: 'due', type: 'date' },
      ...autodateFields(),
    ],
  });
  const P = su.collection(fx.posts.name);
  fx.acme = await su.collection(fx.orgs.name).create({ name: 'Acme' });
  fx.alice = await su.collection(fx.authors.name).create({ name: 'alice', org: fx.acme.id });
  fx.bob = await su.collection(fx.authors.name).create({ name: 'bob' });
  fx.p1 = await P.create({
    title: 'Alpha', views: 10, tags: ['a', 'b'], status: 'draft', author: fx.alice.id,
    reviewers: [fx.bob.id], body: '<p>Hello <b>world</b> and more</p>', due: '2020-01-01 10:00:00.000Z',
  });
  fx.p2 = await P.create({
    title: 'Beta', views: 20, tags: ['b'], status: 'live', author: fx.bob.id,
    reviewers: [fx.alice.id, fx.bob.id], due: '2999-01-01 10:00:00.000Z',
  });
  fx.p3 = await P.create({ title: 'gamma', views: 20, tags: [], status: 'live', author: fx.alice.id });
  fx.p4 = await P.create({ title: "x'y", views: 5, tags: ['c', 'd', 'a'], status: 'archived', author: fx.bob.id });
});

after(async () => {
  await runCleanup(cleanup);
});

const ids = (items) => items.map((r) => r.id);
const setOf = (items) => new Set(ids(items));
async function filterIds(filter) {
  const list = await su.collection(fx.posts.name).getFullList({ filter, sort: 'title' });
  return setOf(list);
}

describe('records: CRUD', () => {
  test('create, getOne, update, delete', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('crud'),
      type: 'base',
      fields: [
        { name: 'title', type: 'text' }, { name: 'n', type: 'number' }, { name: 'ok', type: 'bool' },
        { name: 'meta', type: 'json' }, { name: 'when', type: 'date' },
      ],
    });
    const R = su.collection(c.name);
    const created = await R.create({ title: 'first', n: 1.5, ok: true, meta: { a: [1, 2], b: null }, when: '2024-05-01 10:00:00' });
    assert.match(created.id, /^[a-z0-9]{15}$/);
    assert.equal(created.collectionId, c.id);
    assert.equal(created.collectionName, c.name);
    assert.equal(created.title, 'first');
    assert.equal(created.n, 1.5);
    assert.equal(created.ok, true);
    assert.deepEqual(created.meta, { a: [1, 2], b: null });
    assert.equal(created.when, '2024-05-01 10:00:00.000Z');

    const got = await R.getOne(created.id);
    assert.deepEqual(got, created);

    const updated = await R.update(created.id, { title: 'second', n: '7' });
    assert.equal(updated.id, created.id);
    assert.equal(updated.title, 'second');
    assert.equal(updated.n, 7, 'numeric strings are cast to numbers');
    assert.equal(updated.ok, true, 'fields not sent are kept');

    assert.equal(await R.delete(created.id), true);
    await expectError(R.getOne(created.id), 404);
    await expectError(R.delete(created.id), 404);
  });

  test('a client-chosen id is kept; an invalid one is rejected on "id"', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('ids'), type: 'base', fields: [{ name: 'title', type: 'text' }],
    });
    const R = su.collection(c.name);
    const r = await R.create({ id: 'abcdefghij12345', title: 'custom' });
    assert.equal(r.id, 'abcdefghij12345');
    const body = await expectError(R.create({ id: 'short', title: 'x' }), 400);
    assert.ok(body.data.id, JSON.stringify(body));
    const dup = await expectError(R.create({ id: 'abcdefghij12345', title: 'again' }), 400);
    assert.ok(dup.data.id, JSON.stringify(dup));
  });

  test('a missing record → 404 with the exact PocketBase body', async () => {
    await setup();
    const body = await expectError(su.collection(fx.posts.name).getOne('missingid123456'), 404);
    assert.deepEqual(body, NOT_FOUND_BODY);
    await expectError(su.collection(fx.posts.name).update('missingid123456', { title: 'x' }), 404);
    await expectError(su.collection(fx.posts.name).delete('missingid123456'), 404);
  });

  test('records of a missing collection → 404', async () => {
    await setup();
    const body = await expectError(su.collection('no_such_collection_' + Date.now()).getList(), 404);
    assertErrorShape(body, 404);
  });

  test('getFirstListItem returns the first match, or 404', async () => {
    await setup();
    const first = await su.collection(fx.posts.name).getFirstListItem('views = 20', { sort: 'title' });
    assert.equal(first.id, fx.p2.id);
    await expectError(su.collection(fx.posts.name).getFirstListItem('views = 999'), 404);
  });
});

describe('records: list shape and paging', () => {
  test('getList reports page, perPage, totalItems, totalPages and items', async () => {
    await setup();
    const res = await su.collection(fx.posts.name).getList(2, 3, { sort: 'title' });
    assert.equal(res.page, 2);
    assert.equal(res.perPage, 3);
    assert.equal(res.totalItems, 4);
    assert.equal(res.totalPages, 2);
    assert.deepEqual(ids(res.items), [fx.p4.id]);
    const keys = Object.keys(res).sort();
    assert.deepEqual(keys, ['items', 'page', 'perPage', 'totalItems', 'totalPages']);
  });

  test('a page past the end is empty but keeps the totals', async () => {
    await setup();
    const res = await su.collection(fx.posts.name).getList(9, 3, { sort: 'title' });
    assert.equal(res.page, 9);
    assert.deepEqual(res.items, []);
    assert.equal(res.totalItems, 4);
    assert.equal(res.totalPages, 2);
  });

  test('skipTotal answers totalItems -1 and totalPages -1', async () => {
    await setup();
    const res = await su.collection(fx.posts.name).getList(1, 2, { sort: 'title', skipTotal: true });
    assert.equal(res.totalItems, -1);
    assert.equal(res.totalPages, -1);
    assert.equal(res.items.length, 2);
  });

  test('getFullList pages through everything', async () => {
    await setup();
    const all = await su.collection(fx.posts.name).getFullList({ batch: 2, sort: 'title' });
    assert.deepEqual(ids(all), [fx.p1.id, fx.p2.id, fx.p3.id, fx.p4.id]);
  });
});

describe('records: sort', () => {
  test('multiple keys with "-" for descending', async () => {
    await setup();
    const a = await su.collection(fx.posts.name).getFullList({ sort: '-views,title' });
    assert.deepEqual(ids(a), [fx.p2.id, fx.p3.id, fx.p1.id, fx.p4.id]);
    const b = await su.collection(fx.posts.name).getFullList({ sort: 'views,-title' });
    assert.deepEqual(ids(b), [fx.p4.id, fx.p1.id, fx.p3.id, fx.p2.id]);
    const c = await su.collection(fx.posts.name).getFullList({ sort: '+views,+title' });
    assert.deepEqual(ids(c), [fx.p4.id, fx.p1.id, fx.p2.id, fx.p3.id]);
  });

  test('sort by a relation field path', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getFullList({ sort: 'author.name,title' });
    assert.deepEqual(ids(r), [fx.p1.id, fx.p3.id, fx.p2.id, fx.p4.id]);
  });

  test('an unknown sort field → 400', async () => {
    await setup();
    const body = await expectError(su.collection(fx.posts.name).getList(1, 10, { sort: 'no_such_field' }), 400);
    assertErrorShape(body, 400);
  });
});

describe('records: filter', () => {
  test('= and !=', async () => {
    await setup();
    assert.deepEqual(await filterIds('views = 20'), new Set([fx.p2.id, fx.p3.id]));
    assert.deepEqual(await filterIds('views != 20'), new Set([fx.p1.id, fx.p4.id]));
    assert.deepEqual(await filterIds('status = "live"'), new Set([fx.p2.id, fx.p3.id]));
  });

  test('> >= < <=', async () => {
    await setup();
    assert.deepEqual(await filterIds('views > 10'), new Set([fx.p2.id, fx.p3.id]));
    assert.deepEqual(await filterIds('views >= 10'), new Set([fx.p1.id, fx.p2.id, fx.p3.id]));
    assert.deepEqual(await filterIds('views < 10'), new Set([fx.p4.id]));
    assert.deepEqual(await filterIds('views <= 10'), new Set([fx.p1.id, fx.p4.id]));
  });

  test('~ (contains, case-insensitive) and !~', async () => {
    await setup();
    assert.deepEqual(await filterIds('title ~ "lph"'), new Set([fx.p1.id]));
    assert.deepEqual(await filterIds('title ~ "ALPH"'), new Set([fx.p1.id]));
    assert.deepEqual(await filterIds('title !~ "a"'), new Set([fx.p4.id]));
    assert.deepEqual(await filterIds('title ~ "g%a"'), new Set([fx.p3.id]), 'an explicit % is a wildcard');
  });

  test('&&, || and parentheses', async () => {
    await setup();
    assert.deepEqual(await filterIds('views = 20 && status = "live"'), new Set([fx.p2.id, fx.p3.id]));
    assert.deepEqual(await filterIds('views = 5 || title = "Alpha"'), new Set([fx.p1.id, fx.p4.id]));
    assert.deepEqual(await filterIds('(views = 20 || views = 5) && status != "archived"'), new Set([fx.p2.id, fx.p3.id]));
    assert.deepEqual(await filterIds('views = 20 || (views = 5 && status = "draft")'), new Set([fx.p2.id, fx.p3.id]));
  });

  test('?= on a multi select and a multi relation: through :each and the relation\'s fields', async () => {
    await setup();
    assert.deepEqual(await filterIds('tags:each ?= "a"'), new Set([fx.p1.id, fx.p4.id]));
    assert.deepEqual(await filterIds(`reviewers.id ?= "${fx.bob.id}"`), new Set([fx.p1.id, fx.p2.id]));
    assert.deepEqual(await filterIds('reviewers.name ?= "alice"'), new Set([fx.p2.id]));
    // As PocketBase's resolver: the field itself is its stored JSON list, which no single item equals.
    assert.deepEqual(await filterIds('tags ?= "a"'), new Set());
    assert.deepEqual(await filterIds(`reviewers ?= "${fx.bob.id}"`), new Set());
    assert.deepEqual(await filterIds(`reviewers ~ "${fx.bob.id}"`), new Set([fx.p1.id, fx.p2.id]), '~ is a LIKE over the list');
  });

  test('relation paths: author.name and author.org.name', async () => {
    await setup();
    assert.deepEqual(await filterIds('author.name = "alice"'), new Set([fx.p1.id, fx.p3.id]));
    assert.deepEqual(await filterIds('author.org.name = "Acme"'), new Set([fx.p1.id, fx.p3.id]));
  });

  test('@now', async () => {
    await setup();
    assert.deepEqual(await filterIds('due != "" && due < @now'), new Set([fx.p1.id]));
    assert.deepEqual(await filterIds('due > @now'), new Set([fx.p2.id]));
    assert.deepEqual(await filterIds('created <= @now'), new Set([fx.p1.id, fx.p2.id, fx.p3.id, fx.p4.id]));
  });

  test(':lower and :length modifiers', async () => {
    await setup();
    assert.deepEqual(await filterIds('title:lower = "alpha"'), new Set([fx.p1.id]));
    assert.deepEqual(await filterIds('tags:length = 3'), new Set([fx.p4.id]));
    assert.deepEqual(await filterIds('tags:length > 1'), new Set([fx.p1.id, fx.p4.id]));
    assert.deepEqual(await filterIds('reviewers:length = 2'), new Set([fx.p2.id]));
  });

  test('pb.filter binds parameters safely (quotes inside values)', async () => {
    await setup();
    const f = su.filter('title = {:t}', { t: "x'y" });
    assert.deepEqual(await filterIds(f), new Set([fx.p4.id]));
    const g = su.filter('title = {:t} || views = {:v}', { t: 'Alpha" || id != "', v: 20 });
    assert.deepEqual(await filterIds(g), new Set([fx.p2.id, fx.p3.id]), 'an injected quote stays inside the value');
  });

  test('an invalid filter → 400', async () => {
    await setup();
    for (const filter of ['views ===', 'no_such_field = 1', '(views = 1', 'title ~']) {
      const body = await expectError(su.collection(fx.posts.name).getList(1, 10, { filter }), 400);
      assertErrorShape(body, 400);
    }
  });
});

describe('records: expand', () => {
  test('a single relation', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getOne(fx.p1.id, { expand: 'author' });
    assert.equal(r.author, fx.alice.id, 'the relation id stays');
    assert.equal(r.expand.author.id, fx.alice.id);
    assert.equal(r.expand.author.name, 'alice');
    assert.equal(r.expand.author.collectionName, fx.authors.name);
  });

  test('a multi relation keeps the stored order', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getOne(fx.p2.id, { expand: 'reviewers' });
    assert.ok(Array.isArray(r.expand.reviewers));
    assert.deepEqual(ids(r.expand.reviewers), [fx.alice.id, fx.bob.id]);
  });

  test('several and nested expands (author.org) in a list', async () => {
    await setup();
    const list = await su.collection(fx.posts.name).getFullList({ sort: 'title', expand: 'author.org,reviewers' });
    const p1 = list.find((x) => x.id === fx.p1.id);
    assert.equal(p1.expand.author.expand.org.name, 'Acme');
    assert.deepEqual(ids(p1.expand.reviewers), [fx.bob.id]);
    const p2 = list.find((x) => x.id === fx.p2.id);
    assert.equal(p2.expand.author.name, 'bob');
    assert.equal(p2.expand.author.expand?.org, undefined, 'an empty relation expands to nothing');
    const p3 = list.find((x) => x.id === fx.p3.id);
    assert.equal(p3.expand.reviewers, undefined, 'an empty multi relation is not in expand');
  });

  test('a back-relation (<collection>_via_<field>)', async () => {
    await setup();
    const key = `${fx.posts.name}_via_author`;
    const a = await su.collection(fx.authors.name).getOne(fx.alice.id, { expand: key });
    assert.ok(Array.isArray(a.expand[key]), JSON.stringify(a));
    assert.deepEqual(new Set(ids(a.expand[key])), new Set([fx.p1.id, fx.p3.id]));
  });

  test('an unknown expand path is ignored (200)', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getOne(fx.p1.id, { expand: 'no_such_relation' });
    assert.equal(r.id, fx.p1.id);
  });
});

describe('records: fields', () => {
  test('fields picks the listed keys only', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getOne(fx.p1.id, { fields: 'id,title' });
    assert.deepEqual(Object.keys(r).sort(), ['id', 'title']);
    const list = await su.collection(fx.posts.name).getList(1, 10, { fields: 'title', sort: 'title' });
    assert.deepEqual(list.items.map((x) => Object.keys(x)), [['title'], ['title'], ['title'], ['title']]);
    assert.equal(list.totalItems, 4, 'fields applies to items, not to the list envelope');
  });

  test(':excerpt(10,true) strips HTML and shortens with an ellipsis', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getOne(fx.p1.id, { fields: 'id,body:excerpt(10,true)' });
    assert.equal(r.body, 'Hello worl...');
    const s = await su.collection(fx.posts.name).getOne(fx.p1.id, { fields: '*,body:excerpt(200)' });
    assert.equal(s.body, 'Hello world and more');
    assert.equal(s.title, 'Alpha', '* keeps the other fields');
  });

  test('fields reaches into expand', async () => {
    await setup();
    const r = await su.collection(fx.posts.name).getOne(fx.p1.id, { expand: 'author', fields: 'id,expand.author.name' });
    assert.deepEqual(Object.keys(r).sort(), ['expand', 'id']);
    assert.deepEqual(r.expand.author, { name: 'alice' });
  });
});

describe('records: update modifiers', () => {
  test('tags+ appends, +tags prepends, tags- removes, views+/views- add and subtract', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('mods'),
      type: 'base',
      fields: [
        { name: 'tags', type: 'select', values: ['a', 'b', 'c', 'd', 'e'], maxSelect: 5 },
        { name: 'views', type: 'number' },
        { name: 'refs', type: 'relation', collectionId: fx.authors.id, maxSelect: 5 },
      ],
    });
    const R = su.collection(c.name);
    const r = await R.create({ tags: ['a', 'b'], views: 10 });
    let u = await R.update(r.id, { 'tags+': 'c' });
    assert.deepEqual(u.tags, ['a', 'b', 'c']);
    u = await R.update(r.id, { '+tags': 'd' });
    assert.deepEqual(u.tags, ['d', 'a', 'b', 'c']);
    u = await R.update(r.id, { 'tags-': ['a', 'c'] });
    assert.deepEqual(u.tags, ['d', 'b']);
    u = await R.update(r.id, { 'tags+': ['e', 'a'] });
    assert.deepEqual(u.tags, ['d', 'b', 'e', 'a']);
    u = await R.update(r.id, { 'views+': 5 });
    assert.equal(u.views, 15);
    u = await R.update(r.id, { 'views-': 20 });
    assert.equal(u.views, -5);
    u = await R.update(r.id, { 'refs+': fx.alice.id });
    assert.deepEqual(u.refs, [fx.alice.id]);
    u = await R.update(r.id, { 'refs+': [fx.bob.id], 'refs-': fx.alice.id });
    assert.deepEqual(u.refs, [fx.bob.id]);
  });

  test('modifiers also work on create', async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('cmods'), type: 'base', fields: [{ name: 'views', type: 'number' }],
    });
    const r = await su.collection(c.name).create({ 'views+': 3 });
    assert.equal(r.views, 3);
  });
});

describe('records: validation errors', () => {
  let V;
  const setupLocal = once(async () => {
    await setup();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('valid'),
      type: 'base',
      fields: [
        { name: 'title', type: 'text', required: true, min: 3, max: 10, pattern: '^[a-z]+$' },
        { name: 'views', type: 'number', min: 0, max: 100, onlyInt: true },
        { name: 'contact', type: 'email' },
        { name: 'homepage', type: 'url' },
        { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 2 },
        { name: 'author', type: 'relation', collectionId: fx.authors.id, maxSelect: 1 },
        { name: 'flag', type: 'bool', required: true },
      ],
    });
    V = su.collection(c.name);
  });
  const good = () => ({ title: 'fine', flag: true });

  test('missing required values → validation_required on each field', async () => {
    await setupLocal();
    const body = await expectError(V.create({}), 400);
    assertErrorShape(body, 400);
    assertFieldError(body, 'title', 'validation_required');
    assertFieldError(body, 'flag', 'validation_required');
  });

  test('text min/max/pattern', async () => {
    await setupLocal();
    assertFieldError(await expectError(V.create({ ...good(), title: 'ab' }), 400), 'title', 'validation_min_text_constraint');
    assertFieldError(await expectError(V.create({ ...good(), title: 'abcdefghijk' }), 400), 'title', 'validation_max_text_constraint');
    assertFieldError(await expectError(V.create({ ...good(), title: 'ABC1' }), 400), 'title', 'validation_invalid_format');
  });

  test('number min/max/onlyInt', async () => {
    await setupLocal();
    assertFieldError(await expectError(V.create({ ...good(), views: -1 }), 400), 'views', 'validation_min_number_constraint');
    assertFieldError(await expectError(V.create({ ...good(), views: 101 }), 400), 'views', 'validation_max_number_constraint');
    assertFieldError(await expectError(V.create({ ...good(), views: 1.5 }), 400), 'views', 'validation_only_int_constraint');
  });

  test('email and url', async () => {
    await setupLocal();
    assertFieldError(await expectError(V.create({ ...good(), contact: 'not-an-email' }), 400), 'contact', 'validation_is_email');
    assertFieldError(await expectError(V.create({ ...good(), homepage: 'not a url' }), 400), 'homepage', 'validation_invalid_url');
  });

  test('select: unknown value and too many values', async () => {
    await setupLocal();
    assertFieldError(await expectError(V.create({ ...good(), status: 'deleted' }), 400), 'status', 'validation_invalid_value');
    assertFieldError(await expectError(V.create({ ...good(), tags: ['a', 'b', 'c'] }), 400), 'tags', 'validation_too_many_values');
  });

  test('relation to a missing record', async () => {
    await setupLocal();
    assertFieldError(await expectError(V.create({ ...good(), author: 'missingid123456' }), 400), 'author', 'validation_missing_rel_records');
  });

  test('several invalid fields are reported together; nothing is stored', async () => {
    await setupLocal();
    const before = (await V.getList(1, 1)).totalItems;
    const body = await expectError(V.create({ title: 'ab', views: 1000, flag: true }), 400);
    assertFieldError(body, 'title', 'validation_min_text_constraint');
    assertFieldError(body, 'views', 'validation_max_number_constraint');
    assert.equal((await V.getList(1, 1)).totalItems, before);
  });

  test('validation also applies on update', async () => {
    await setupLocal();
    const r = await V.create(good());
    assertFieldError(await expectError(V.update(r.id, { title: '' }), 400), 'title', 'validation_required');
    assert.equal((await V.getOne(r.id)).title, 'fine');
  });
});

describe('records: anonymous access to open rules', () => {
  test('an anonymous client can list and view with "" rules', async () => {
    await setup();
    const anon = anonClient();
    const list = await anon.collection(fx.posts.name).getList(1, 10, { sort: 'title' });
    assert.equal(list.totalItems, 4);
    const one = await anon.collection(fx.posts.name).getOne(fx.p1.id);
    assert.equal(one.title, 'Alpha');
  });

  test('non-superusers cannot filter by @collection / @request fields → 403', async () => {
    await setup();
    const anon = anonClient();
    await expectError(anon.collection(fx.posts.name).getList(1, 10, { filter: '@request.auth.id = ""' }), 403);
  });
});
