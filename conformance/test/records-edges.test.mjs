// Edges of the records API that PocketBase's API tests pin down: ids, paging and sort limits,
// long and raw query strings, and the "expand" key.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, anonClient, superuserClient, uniqueName, expectError, assertErrorShape, assertFieldError,
  createCollection, runCleanup, once,
} from './helpers.mjs';

let su;
const cleanup = [];
const fx = {};
const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };

const setup = once(async () => {
  su = await superuserClient();
  fx.people = await createCollection(su, cleanup, {
    name: uniqueName('people'), type: 'base', ...open, fields: [{ name: 'name', type: 'text' }],
  });
  fx.items = await createCollection(su, cleanup, {
    name: uniqueName('items'), type: 'base', ...open,
    fields: [
      { name: 'n', type: 'number' },
      { name: 'owner', type: 'relation', collectionId: fx.people.id, maxSelect: 1 },
    ],
  });
  fx.created = [];
  for (let i = 0; i < 5; i++) fx.created.push(await su.collection(fx.items.name).create({ n: i }));
});

after(async () => {
  await runCleanup(cleanup);
});

describe('records: edges', () => {
  test('a create with an id that exists is validation_not_unique; a PATCH changing the id is validation_pk_change', async () => {
    await setup();
    const I = su.collection(fx.items.name);
    const body = await expectError(I.create({ id: fx.created[0].id, n: 9 }), 400);
    assertFieldError(body, 'id', 'validation_not_unique');
    const pk = await expectError(I.update(fx.created[0].id, { id: 'abcdefghijklmno' }), 400);
    assertFieldError(pk, 'id', 'validation_pk_change');
    await I.update(fx.created[0].id, { id: fx.created[0].id, n: 0 }); // the same id is no change
    await expectError(I.getOne('abcdefghijklmno'), 404);
  });

  test('an auth record cannot take the id of a record of another auth collection', async () => {
    await setup();
    const members = await createCollection(su, cleanup, { name: uniqueName('members'), type: 'auth', ...open });
    const guests = await createCollection(su, cleanup, { name: uniqueName('guests'), type: 'auth', ...open });
    const victim = await su.collection(members.name).create({
      email: `v_${Date.now()}@example.com`, password: 'password-123', passwordConfirm: 'password-123',
    });
    const body = await expectError(anonClient().collection(guests.name).create({
      id: victim.id, email: `i_${Date.now()}@example.com`, password: 'password-123', passwordConfirm: 'password-123',
    }), 400);
    assertFieldError(body, 'id', 'validation_invalid_auth_id');
    assert.equal((await su.collection(guests.name).getList(1, 1)).totalItems, 0, 'nothing was created');
  });

  test('page, perPage and skipTotal that do not parse are 400; more than 8 sort keys is 400', async () => {
    await setup();
    const I = anonClient().collection(fx.items.name);
    for (const query of [{ page: 'abc' }, { perPage: '2.5' }, { skipTotal: 'yes' }]) {
      assertErrorShape(await expectError(I.getList(1, 1, { query }), 400), 400);
    }
    assertErrorShape(await expectError(I.getList(1, 1, { sort: Array(9).fill('n').join(',') }), 400), 400);
    const eight = await I.getList(1, 1, { sort: Array(8).fill('-n').join(',') });
    assert.equal(eight.items.length, 1);
  });

  test('a filter of 100 ids (about 2,600 characters, under the 3,500 limit) is answered', async () => {
    await setup();
    const ids = fx.created.map((r) => r.id);
    while (ids.length < 100) ids.push(`missing${String(ids.length).padStart(8, '0')}`);
    const filter = ids.map((id) => su.filter('id = {:id}', { id })).join(' || ');
    assert.ok(filter.length > 2500 && filter.length < 3500, `filter length ${filter.length}`);
    const list = await anonClient().collection(fx.items.name).getList(1, 200, { filter });
    assert.equal(list.totalItems, fx.created.length);
  });

  test('characters fetch() leaves unencoded in a query string (|| and quotes) still reach the filter', async () => {
    await setup();
    const res = await fetch(`${BASE_URL}/api/collections/${fx.items.name}/records?filter=n=1||n=3&sort=n`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.items.map((r) => r.n), [1, 3]);
  });

  test('an expand that resolves gives "expand": {} even when nothing is related', async () => {
    await setup();
    const I = anonClient().collection(fx.items.name);
    const one = await I.getOne(fx.created[1].id, { expand: 'owner' });
    assert.deepEqual(one.expand, {});
    const list = await I.getList(1, 2, { expand: 'owner' });
    for (const r of list.items) assert.deepEqual(r.expand, {});
    const plain = await I.getOne(fx.created[1].id);
    assert.equal('expand' in plain, false, 'no expand asked, no key');
  });

  test('a json field takes text as PocketBase normalises it: JSON when it is exactly JSON, else a string', async () => {
    await setup();
    const col = await createCollection(su, cleanup, {
      name: uniqueName('jsonish'), type: 'base', ...open,
      fields: [{ name: 'data', type: 'json' }, { name: 'must', type: 'json', required: true }],
    });
    const R = su.collection(col.name);
    const cases = [['', ''], [' 12', ' 12'], ['12', 12], ['{"a":1}', { a: 1 }], ['true', true], ['hello', 'hello']];
    for (const [sent, stored] of cases) {
      const fd = new FormData();
      fd.append('data', sent);
      fd.append('must', '1');
      const r = await R.create(fd);
      assert.deepEqual(r.data, stored, `multipart ${JSON.stringify(sent)}`);
    }
    assertFieldError(await expectError(R.create({ must: '' }), 400), 'must', 'validation_required');
  });

  test('values and errors as PocketBase writes them: params, codes, numbers, a visible password, :autogenerate, forms', async () => {
    await setup();
    const col = await createCollection(su, cleanup, {
      name: uniqueName('valued'), type: 'base', ...open,
      fields: [
        { name: 'txt', type: 'text', min: 3, max: 10 },
        { name: 'code', type: 'text', autogeneratePattern: '[a-z]{5}' },
        { name: 'site', type: 'url' },
        { name: 'd', type: 'date', min: '2020-01-01 00:00:00.000Z' },
        { name: 'g', type: 'geoPoint' },
        { name: 'n', type: 'number' },
        { name: 'pw', type: 'password' },
      ],
    });
    const R = su.collection(col.name);
    const short = await expectError(R.create({ txt: 'ab' }), 400);
    assert.deepEqual(short.data.txt.params, { min: 3 }, JSON.stringify(short));
    assertFieldError(await expectError(R.create({ site: 'not a url' }), 400), 'site', 'validation_invalid_url');
    assertFieldError(await expectError(R.create({ d: '2019-12-31 00:00:00.000Z' }), 400), 'd',
      'validation_min_greater_equal_than_required');
    assertFieldError(await expectError(R.create({ g: { lon: 0, lat: 91 } }), 400), 'g', 'validation_invalid_latitude');
    assertFieldError(await expectError(R.create({ g: { lon: 181, lat: 1 } }), 400), 'g', 'validation_invalid_longitude');

    const r = await R.create({ txt: 'abc', site: 'example.com/x', 'code:autogenerate': 'pre-', pw: 'secret-1', n: 1e20 });
    assert.equal(r.site, 'example.com/x', 'a URL without a scheme is a URL');
    assert.match(r.code, /^pre-[a-z]{5}$/);
    assert.equal(r.pw, '', 'a visible password field of a base collection reads as empty');
    const raw = await (await fetch(`${BASE_URL}/api/collections/${col.name}/records/${r.id}`)).text();
    assert.ok(raw.includes('"g":{"lat":0,"lon":0}') || raw.includes('"g":{"lon":0,"lat":0}'), raw);
    assert.ok(raw.includes('"n":100000000000000000000'), raw);

    const big = await expectError(R.create({ txt: 1e21 }), 400); // "1000000000000000000000" is 22 characters
    assert.equal(big.data.txt.code, 'validation_max_text_constraint');

    const form = await fetch(`${BASE_URL}/api/collections/${col.name}/records`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'txt=hello&n=7',
    });
    assert.equal(form.status, 200, await form.clone().text());
    const made = await form.json();
    assert.equal(made.txt, 'hello');
    assert.equal(made.n, 7);
  });

  test('a bool field reads text as Go ParseBool does: "yes" and "on" are false', async () => {
    await setup();
    const col = await createCollection(su, cleanup, {
      name: uniqueName('flags'), type: 'base', ...open, fields: [{ name: 'b', type: 'bool' }],
    });
    const R = su.collection(col.name);
    for (const [sent, stored] of [['true', true], ['1', true], ['T', true], ['yes', false], ['on', false], ['', false]]) {
      const fd = new FormData();
      fd.append('b', sent);
      assert.equal((await R.create(fd)).b, stored, `multipart ${JSON.stringify(sent)}`);
    }
    assert.equal((await R.create({ b: 'yes' })).b, false);
    assert.equal((await R.create({ b: 1 })).b, true);
  });
});
