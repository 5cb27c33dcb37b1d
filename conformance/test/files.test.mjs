import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, expectError, assertFieldError,
  createCollection, runCleanup, makePng, pngSize, waitFor,
  once,
} from './helpers.mjs';

let su;
let docs; // public collection with file fields
let vault; // superuser-only collection with a protected file field
const cleanup = [];
const TEXT = 'hello from the conformance suite\n';

const setup = once(async () => {
  su = await superuserClient();
  docs = await createCollection(su, cleanup, {
    name: uniqueName('docs'),
    type: 'base',
    listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1024 * 1024 },
      { name: 'image', type: 'file', maxSelect: 1, maxSize: 1024 * 1024, mimeTypes: ['image/png'], thumbs: ['50x0'] },
      { name: 'attachments', type: 'file', maxSelect: 3, maxSize: 1024 * 1024 },
      { name: 'tiny', type: 'file', maxSelect: 1, maxSize: 10 },
    ],
  });
  vault = await createCollection(su, cleanup, {
    name: uniqueName('vault'),
    type: 'base',
    fields: [{ name: 'secret', type: 'file', maxSelect: 1, maxSize: 1024 * 1024, protected: true }],
  });
});

after(async () => {
  await runCleanup(cleanup);
});

function textFile(name = 'hello.txt', content = TEXT) {
  return new File([content], name, { type: 'text/plain' });
}

async function download(url) {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') || '', bytes };
}

describe('files', () => {
  test('upload with FormData: the stored name keeps the base name plus a random suffix', async () => {
    await setup();
    const fd = new FormData();
    fd.append('title', 'with file');
    fd.append('doc', new Blob([TEXT], { type: 'text/plain' }), 'hello.txt');
    const r = await su.collection(docs.name).create(fd);
    assert.equal(r.title, 'with file');
    assert.equal(typeof r.doc, 'string');
    assert.match(r.doc, /^hello_[a-zA-Z0-9]{10}\.txt$/, `stored name: ${r.doc}`);
    assert.deepEqual(r.attachments, [], 'an empty multi file field is []');
    assert.equal(r.image, '', 'an empty single file field is ""');
  });

  test('download through pb.files.getURL returns the same bytes and content type', async () => {
    await setup();
    const r = await anonClient().collection(docs.name).create({ title: 'sdk object', doc: textFile() });
    const url = anonClient().files.getURL(r, r.doc);
    assert.ok(url.includes(`/api/files/${docs.id}/${r.id}/${r.doc}`) || url.includes(`/api/files/${docs.name}/${r.id}/${r.doc}`), url);
    const got = await download(url);
    assert.equal(got.status, 200);
    assert.equal(got.bytes.toString(), TEXT);
    assert.match(got.type, /^text\/plain/);
  });

  test('a PNG is served as image/png; ?thumb=100x100 gives a 100x100 PNG', async () => {
    await setup();
    const png = makePng(200, 150);
    const r = await su.collection(docs.name).create({ image: new File([png], 'pic.png', { type: 'image/png' }) });
    const original = await download(su.files.getURL(r, r.image));
    assert.equal(original.status, 200);
    assert.equal(original.type, 'image/png');
    assert.deepEqual(original.bytes, png);

    const thumb = await download(su.files.getURL(r, r.image, { thumb: '100x100' }));
    assert.equal(thumb.status, 200);
    assert.equal(thumb.type, 'image/png');
    assert.deepEqual(pngSize(thumb.bytes), { width: 100, height: 100 });

    const scaled = await download(su.files.getURL(r, r.image, { thumb: '50x0' }));
    assert.equal(scaled.status, 200);
    const size = pngSize(scaled.bytes);
    assert.equal(size.width, 50);
    assert.ok(Math.abs(size.height - 38) <= 1, `50x0 keeps the aspect ratio (got ${size.width}x${size.height})`);

    const unlisted = await download(su.files.getURL(r, r.image, { thumb: '33x33' }));
    assert.equal(unlisted.status, 200);
    assert.deepEqual(unlisted.bytes, png, 'a thumb size not in the field options serves the original');
  });

  test('multiple files: upload several, append with attachments+, remove with attachments-', async () => {
    await setup();
    const R = su.collection(docs.name);
    const r = await R.create({ attachments: [textFile('a.txt', 'A'), textFile('b.txt', 'B')] });
    assert.equal(r.attachments.length, 2);
    // PocketBase pads a name shorter than 3 characters with 10 random ones before its random suffix.
    assert.match(r.attachments[0], /^a[a-zA-Z0-9]{10}_[a-zA-Z0-9]{10}\.txt$/);
    assert.match(r.attachments[1], /^b[a-zA-Z0-9]{10}_[a-zA-Z0-9]{10}\.txt$/);

    const added = await R.update(r.id, { 'attachments+': textFile('c.txt', 'C') });
    assert.equal(added.attachments.length, 3);
    assert.deepEqual(added.attachments.slice(0, 2), r.attachments);

    const removed = await R.update(r.id, { 'attachments-': [r.attachments[0]] });
    assert.deepEqual(removed.attachments, [r.attachments[1], added.attachments[2]]);
    const gone = await download(su.files.getURL(r, r.attachments[0]));
    assert.equal(gone.status, 404, 'a removed file is deleted from storage');
    const kept = await download(su.files.getURL(r, r.attachments[1]));
    assert.equal(kept.bytes.toString(), 'B');

    const tooMany = await expectError(R.update(r.id, { 'attachments+': [textFile('d.txt'), textFile('e.txt')] }), 400);
    assertFieldError(tooMany, 'attachments', 'validation_too_many_files');
  });

  test('replacing or clearing a single file deletes the old one (doc- / empty value)', async () => {
    await setup();
    const R = su.collection(docs.name);
    const r = await R.create({ doc: textFile('first.txt', 'first') });
    const replaced = await R.update(r.id, { doc: textFile('second.txt', 'second') });
    assert.notEqual(replaced.doc, r.doc);
    assert.equal((await download(su.files.getURL(r, r.doc))).status, 404);
    assert.equal((await download(su.files.getURL(replaced, replaced.doc))).bytes.toString(), 'second');

    const cleared = await R.update(r.id, { 'doc-': replaced.doc });
    assert.equal(cleared.doc, '');
    assert.equal((await download(su.files.getURL(replaced, replaced.doc))).status, 404);

    const again = await R.update(r.id, { doc: textFile('third.txt', 'third') });
    const nulled = await R.update(r.id, { doc: null });
    assert.equal(nulled.doc, '');
    assert.equal((await download(su.files.getURL(again, again.doc))).status, 404);
  });

  test('deleting the record deletes its files', async () => {
    await setup();
    const r = await su.collection(docs.name).create({ doc: textFile('bye.txt', 'bye') });
    const url = su.files.getURL(r, r.doc);
    assert.equal((await download(url)).status, 200);
    await su.collection(docs.name).delete(r.id);
    await waitFor(async () => (await download(url)).status === 404, { what: 'the file to be gone' });
  });

  test('size and mime type limits → 400 per field', async () => {
    await setup();
    assertFieldError(await expectError(su.collection(docs.name).create({
      tiny: textFile('big.txt', 'more than ten bytes'),
    }), 400), 'tiny', 'validation_file_size_limit');
    assertFieldError(await expectError(su.collection(docs.name).create({
      image: textFile('not-a-png.txt', 'plain text'),
    }), 400), 'image', 'validation_invalid_mime_type');
  });

  test('a file name that is not in the record → 404', async () => {
    await setup();
    const r = await su.collection(docs.name).create({ doc: textFile() });
    const got = await download(su.files.getURL(r, 'other_abcdefghij.txt'));
    assert.equal(got.status, 404);
  });

  test('protected files need a file token from pb.files.getToken()', async () => {
    await setup();
    const r = await su.collection(vault.name).create({ secret: textFile('secret.txt', 'top secret') });
    const plain = await download(su.files.getURL(r, r.secret));
    // PocketBase (apis/file.go, v0.23+): a protected file without a valid file token is a 404.
    assert.equal(plain.status, 404, 'no token → 404');

    const token = await su.files.getToken();
    assert.equal(typeof token, 'string');
    assert.ok(token.length > 0);
    const ok = await download(su.files.getURL(r, r.secret, { token }));
    assert.equal(ok.status, 200);
    assert.equal(ok.bytes.toString(), 'top secret');

    const bad = await download(su.files.getURL(r, r.secret, { token: 'not-a-token' }));
    assert.equal(bad.status, 404);
  });

  test('a file token needs an authenticated client (anonymous → 401)', async () => {
    await setup();
    // PocketBase binds RequireAuth() to POST /api/files/token: 401 without credentials.
    await expectError(anonClient().files.getToken(), 401);
  });

  test('a view keeps a file column a file field, and pb.files.getURL serves it through the view', async () => {
    await setup();
    const r = await su.collection(docs.name).create({ title: 'in a view', doc: textFile('viewed.txt') });
    const view = await createCollection(su, cleanup, {
      name: uniqueName('docview'),
      type: 'view',
      listRule: '', viewRule: '',
      viewQuery: `SELECT 'v' || d.id AS id, d.doc AS document, d.title FROM ${docs.name} d`,
    });
    const field = view.fields.find((f) => f.name === 'document');
    assert.equal(field.type, 'file', JSON.stringify(view.fields));
    const row = await anonClient().collection(view.name).getOne('v' + r.id);
    assert.equal(row.document, r.doc);
    const got = await download(anonClient().files.getURL(row, row.document));
    assert.equal(got.status, 200);
    assert.equal(got.bytes.toString(), TEXT);
  });

  test('a required file field is filled by an upload, on create and on update; without one it is validation_required', async () => {
    await setup();
    const col = await createCollection(su, cleanup, {
      name: uniqueName('needs_file'), type: 'base',
      listRule: '', viewRule: '', createRule: '', updateRule: '',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'one', type: 'file', maxSelect: 1, required: true },
        { name: 'many', type: 'file', maxSelect: 3, required: true },
      ],
    });
    const R = anonClient().collection(col.name);
    const r = await R.create({ title: 't', one: textFile('one.txt', '1'), many: [textFile('m.txt', 'm')] });
    assert.match(r.one, /^one_[a-zA-Z0-9]{10}\.txt$/);
    assert.equal(r.many.length, 1);

    const missing = await expectError(R.create({ title: '' }), 400);
    assertFieldError(missing, 'title', 'validation_required');
    assertFieldError(missing, 'one', 'validation_required');
    assertFieldError(missing, 'many', 'validation_required');

    const replaced = await R.update(r.id, { one: textFile('two.txt', '2') });
    assert.match(replaced.one, /^two_/);
    assertFieldError(await expectError(R.update(r.id, { 'many-': r.many }), 400), 'many', 'validation_required');
  });

  test('file names in the body can only keep files the record has: others are validation_invalid_file', async () => {
    await setup();
    const R = su.collection(docs.name);
    for (const bogus of [{ doc: 'never_uploaded.txt' }, { attachments: ['../../../../.secret'] }]) {
      assertFieldError(await expectError(R.create({ title: 'bogus', ...bogus }), 400),
        Object.keys(bogus)[0], 'validation_invalid_file');
    }
    // An object is no list of names: PocketBase casts it to none.
    assert.deepEqual((await R.create({ title: 'object', attachments: { a: 1 } })).attachments, []);
    const r = await R.create({ attachments: [textFile('x.txt', 'X'), textFile('y.txt', 'Y')] });
    const reordered = await R.update(r.id, { attachments: [r.attachments[1], r.attachments[0]] });
    assert.deepEqual(reordered.attachments, [r.attachments[1], r.attachments[0]], 'kept names may be reordered');
    const other = await R.create({ doc: textFile('z.txt', 'Z') });
    assertFieldError(await expectError(R.update(r.id, { attachments: [r.attachments[0], other.doc] }), 400),
      'attachments', 'validation_invalid_file');
    assert.deepEqual((await R.getOne(r.id)).attachments, reordered.attachments, 'nothing changed');
  });

  test('a file is judged by its content, not its name: mime type limits and the served type', async () => {
    await setup();
    const col = await createCollection(su, cleanup, {
      name: uniqueName('typed_files'), type: 'base', listRule: '', viewRule: '', createRule: '',
      fields: [
        { name: 'note', type: 'file', maxSelect: 1, mimeTypes: ['text/plain'] },
        { name: 'any', type: 'file', maxSelect: 1 },
      ],
    });
    const R = su.collection(col.name);
    const renamed = await R.create({ note: textFile('looks-compressed.gz', 'just text') });
    assert.match(renamed.note, /\.gz$/, 'plain text is text/plain whatever its extension');
    assertFieldError(await expectError(R.create({
      note: new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])], 'note.txt'),
    }), 400), 'note', 'validation_invalid_mime_type');
    assertFieldError(await expectError(su.collection(docs.name).create({
      image: new File(['<html><script>alert(1)</script></html>'], 'evil.png', { type: 'image/png' }),
    }), 400), 'image', 'validation_invalid_mime_type');

    const html = await R.create({ any: new File(['<!DOCTYPE html><p>hi</p>'], 'page.png', { type: 'image/png' }) });
    const res = await fetch(su.files.getURL(html, html.any));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/, 'served as what it is');
    assert.match(res.headers.get('content-disposition'), /^attachment/, 'never inline');
    const text = await fetch(su.files.getURL(renamed, renamed.note));
    assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
  });
});
