// Shared helpers for the Hivelite conformance suite.
// Everything goes through the official `pocketbase` SDK; nothing here knows Hivelite's internals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { EventSource } from 'eventsource';
import PocketBase, { ClientResponseError } from 'pocketbase';

// The SDK's realtime service needs a global EventSource (Node has none).
if (typeof globalThis.EventSource === 'undefined') {
  globalThis.EventSource = EventSource;
}

/**
 * The SDK's EventSource, remembering which worker answered its stream (the X-Hivelite-Worker header):
 * SO_REUSEPORT gives each connection to a worker of the kernel's choosing.
 */
export class TracedEventSource extends EventSource {
  constructor(url, init) {
    const self = {};
    super(url, {
      ...init,
      fetch: async (input, options) => {
        const response = await fetch(input, options);
        self.it.worker = response.headers.get('x-hivelite-worker');
        return response;
      },
    });
    self.it = this;
  }
}

/**
 * Sends each later request of `pb` on a connection of its own. Node's fetch keeps connections alive
 * and reuses them, so requests meant to be spread by SO_REUSEPORT could all go down pooled
 * connections one worker accepted; `Connection: close` makes each one open a new connection, which
 * the kernel gives to a worker of its choosing. Returns `pb`.
 */
export function ownConnections(pb) {
  pb.beforeSend = (url, options) => ({ url, options: { ...options, headers: { ...options.headers, connection: 'close' } } });
  return pb;
}

/**
 * Runs `fn(clients)` with the SDK's EventSource traced (see TracedEventSource). Each client `fn` pushes
 * (`{pb, …}`) has its realtime connection closed afterwards, and the EventSource is put back.
 */
export async function withTracedStreams(fn) {
  const original = globalThis.EventSource;
  globalThis.EventSource = TracedEventSource;
  const clients = [];
  try {
    return await fn(clients);
  } finally {
    for (const cl of clients) {
      try {
        await cl.pb.realtime.unsubscribe();
      } catch {
        // its stream may be gone
      }
    }
    globalThis.EventSource = original;
  }
}

export const BASE_URL = (process.env.HIVELITE_URL || 'http://127.0.0.1:8093').replace(/\/+$/, '');
export const ADMIN_EMAIL = process.env.HIVELITE_ADMIN_EMAIL || 'conformance@example.com';
export const ADMIN_PASSWORD = process.env.HIVELITE_ADMIN_PASSWORD || 'conformance-pass-1';

export { PocketBase, ClientResponseError };

/** A client with no auth. `url` defaults to the main database (HIVELITE_URL). */
export function anonClient(url = BASE_URL) {
  const pb = new PocketBase(url);
  // Tests fire the same request concurrently on purpose; the SDK would cancel duplicates.
  pb.autoCancellation(false);
  describeFailures(pb);
  return pb;
}

/**
 * Makes failed SDK calls say which request failed: appends "[METHOD url → status body]" to the
 * error's message (the PocketBase body stays untouched in err.response for the assertions).
 */
export function describeFailures(pb) {
  const send = pb.send.bind(pb);
  pb.send = async (path, options = {}) => {
    try {
      return await send(path, options);
    } catch (err) {
      if (err instanceof ClientResponseError && !err.isAbort) {
        const method = (options.method || 'GET').toUpperCase();
        err.message = `${err.message} [${method} ${err.url || path} → ${err.status} ${JSON.stringify(err.response)}]`;
      }
      throw err;
    }
  };
  return pb;
}

/** A client authenticated as the suite's superuser (`_superusers` auth-with-password). */
export async function superuserClient(url = BASE_URL) {
  const pb = anonClient(url);
  await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  return pb;
}

/** A name that no other test (or earlier run on the same data dir) uses: [a-z0-9_], starts with a letter. */
export function uniqueName(prefix = 't') {
  const clean = String(prefix).toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${clean}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Awaits `promiseOrFn` (a promise or a function returning one), asserts it rejects with a
 * ClientResponseError of HTTP `status`, optionally checks `predicate(body, err)`, and returns the
 * PocketBase error body `{status, message, data}`.
 */
export async function expectError(promiseOrFn, status, predicate) {
  const promise = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
  let result;
  try {
    result = await promise;
  } catch (err) {
    assert.ok(err instanceof ClientResponseError,
      `expected a ClientResponseError, got ${err && err.stack ? err.stack : err}`);
    assert.equal(err.status, status,
      `expected HTTP ${status}, got ${err.status} (${err.url}): ${JSON.stringify(err.response)}`);
    const body = err.response;
    assert.equal(typeof body, 'object', 'error body must be JSON');
    if (predicate) {
      const ok = predicate(body, err);
      if (ok === false) {
        assert.fail(`error body did not match the predicate: ${JSON.stringify(body)}`);
      }
    }
    return body;
  }
  assert.fail(`expected HTTP ${status}, but the request succeeded with ${JSON.stringify(result)}`);
}

/** Asserts the standard PocketBase error shape {status, message, data}. */
export function assertErrorShape(body, status) {
  assert.equal(body.status, status, `body.status: ${JSON.stringify(body)}`);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0, 'message must not be empty');
  assert.equal(typeof body.data, 'object');
  assert.notEqual(body.data, null);
}

/** Asserts `body.data[field].code === code` (a PocketBase field validation error). */
export function assertFieldError(body, field, code) {
  assert.ok(body.data && body.data[field],
    `expected a validation error on "${field}", got ${JSON.stringify(body)}`);
  assert.equal(body.data[field].code, code, `data.${field}: ${JSON.stringify(body.data[field])}`);
  assert.equal(typeof body.data[field].message, 'string');
}

export const NOT_FOUND_BODY = { status: 404, message: "The requested resource wasn't found.", data: {} };

/**
 * Creates a collection and registers it for deletion in `cleanup` (an array of async functions
 * that `runCleanup` executes in reverse order).
 */
export async function createCollection(pb, cleanup, spec) {
  const collection = await pb.collections.create(spec);
  if (cleanup) {
    cleanup.push(async () => {
      try {
        await pb.collections.delete(collection.id);
      } catch {
        // already gone, or the server lacks the API: cleanup must never mask the real failure
      }
    });
  }
  return collection;
}

/** A base collection named after `prefix`, public list and view rules, one text field `title`. */
export function createTitledCollection(pb, cleanup, prefix) {
  return createCollection(pb, cleanup, {
    name: uniqueName(prefix), type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }],
  });
}

export async function runCleanup(cleanup) {
  while (cleanup.length) {
    const fn = cleanup.pop();
    try {
      await fn();
    } catch {
      // best effort
    }
  }
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` elapses (then throws). */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Standard autodate fields, which PocketBase v0.23+ collections only have when declared. */
export function autodateFields() {
  return [
    { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
  ];
}

/** A field of a collection model by name. */
export function fieldByName(collection, name) {
  return (collection.fields || []).find((f) => f.name === name);
}

/** CRC-32 (PNG chunk checksum). */
function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid RGB PNG of width x height (a simple gradient), for file and thumb tests. */
export function makePng(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = 128;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width and height from a PNG's IHDR. */
export function pngSize(buf) {
  const b = Buffer.from(buf);
  assert.equal(b.subarray(1, 4).toString('ascii'), 'PNG', 'not a PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/**
 * Memoizes an async set-up function. Tests call `await setup()` first instead of using a
 * `before` hook, so that a set-up failure (e.g. an API the server lacks) fails each test with the
 * server's answer rather than cancelling the whole file.
 */
export function once(fn) {
  let promise;
  return () => {
    promise ??= fn();
    return promise;
  };
}
