// What one worker changes holds on the other from the moment the change is answered: rules, fields,
// revoked sessions, deleted collections. Each check sends requests in parallel, each on a new
// connection (so SO_REUSEPORT spreads them), until both workers have answered, right after the change.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, uniqueName, createCollection, runCleanup, ClientResponseError, BASE_URL, ownConnections,
} from './helpers.mjs';

const cleanup = [];
after(async () => {
  await runCleanup(cleanup);
});

/**
 * Runs `request(pb)` 8 at a time, each on a new client and connection, until both workers have answered (at most
 * 6 rounds); returns every outcome as {worker, status, data}.
 */
async function onBothWorkers(request, makeClient = () => anonClient()) {
  const outcomes = [];
  for (let round = 0; round < 6 && new Set(outcomes.map((o) => o.worker)).size < 2; round++) {
    await Promise.all(Array.from({ length: 8 }, async () => {
      const pb = ownConnections(await makeClient());
      let worker = null;
      pb.afterSend = (response, data) => {
        worker = response.headers.get('x-hivelite-worker');
        return data;
      };
      try {
        const data = await request(pb);
        outcomes.push({ worker, status: 200, data });
      } catch (err) {
        if (!(err instanceof ClientResponseError)) throw err;
        outcomes.push({ worker, status: err.status, data: err.response });
      }
    }));
  }
  assert.equal(new Set(outcomes.map((o) => o.worker)).size, 2, `answers came from workers ${[...new Set(outcomes.map((o) => o.worker))]}`);
  return outcomes;
}

describe('cluster coherence', () => {
  test('a rule change, a new field and a deleted collection hold on every worker as soon as they are answered', async () => {
    const su = await superuserClient();
    const c = await createCollection(su, cleanup, {
      name: uniqueName('coherent'), type: 'base', listRule: '', viewRule: '', createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
    await su.collection(c.name).create({ title: 'one' });
    for (const o of await onBothWorkers((pb) => pb.collection(c.name).getList(1, 5))) {
      assert.equal(o.status, 200, JSON.stringify(o));
      assert.equal(o.data.totalItems, 1);
    }

    await su.collections.update(c.id, { listRule: null, createRule: null });
    for (const o of await onBothWorkers((pb) => pb.collection(c.name).getList(1, 5))) {
      assert.equal(o.status, 403, `worker ${o.worker} still lists for guests: ${JSON.stringify(o.data)}`);
    }
    for (const o of await onBothWorkers((pb) => pb.collection(c.name).create({ title: 'guest' }))) {
      assert.equal(o.status, 403, `worker ${o.worker} still lets guests create: ${JSON.stringify(o.data)}`);
    }

    await su.collections.update(c.id, { fields: [...c.fields, { name: 'extra', type: 'number', required: true }] });
    const created = await onBothWorkers((pb) => pb.collection(c.name).create({ title: 'typed', extra: 7 }), superuserClient);
    for (const o of created) {
      assert.equal(o.status, 200, JSON.stringify(o));
      assert.equal(o.data.extra, 7, `worker ${o.worker} dropped the new field`);
    }
    for (const o of await onBothWorkers((pb) => pb.collection(c.name).create({ title: 'untyped' }), superuserClient)) {
      assert.equal(o.status, 400, `worker ${o.worker} ignored the new required field: ${JSON.stringify(o.data)}`);
      assert.equal(o.data.data.extra.code, 'validation_required');
    }

    await su.collections.delete(c.id);
    cleanup.length = 0;
    for (const o of await onBothWorkers((pb) => pb.collection(c.name).getList(1, 5), superuserClient)) {
      assert.equal(o.status, 404, `worker ${o.worker} still has the deleted collection: ${JSON.stringify(o.data)}`);
    }
  });

  test('a password change revokes the user\'s tokens on every worker as soon as it is answered', async () => {
    const su = await superuserClient();
    const users = await createCollection(su, cleanup, {
      name: uniqueName('coherentusers'), type: 'auth', listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id',
    });
    const email = `co_${Date.now()}@example.com`;
    const user = await su.collection(users.name).create({ email, password: 'password-123', passwordConfirm: 'password-123' });
    const login = anonClient();
    await login.collection(users.name).authWithPassword(email, 'password-123');
    const token = login.authStore.token;
    const asUser = () => {
      const pb = anonClient();
      pb.authStore.save(token, login.authStore.record);
      return pb;
    };
    for (const o of await onBothWorkers((pb) => pb.collection(users.name).getList(1, 5), asUser)) {
      assert.equal(o.status, 200, JSON.stringify(o));
      assert.equal(o.data.totalItems, 1, 'the user sees itself');
    }

    await su.collection(users.name).update(user.id, { password: 'password-456', passwordConfirm: 'password-456' });
    for (const o of await onBothWorkers((pb) => pb.collection(users.name).getList(1, 5), asUser)) {
      // The old token is no credential any more: a guest's list under this rule is empty.
      assert.equal(o.status, 200, JSON.stringify(o));
      assert.equal(o.data.totalItems, 0, `worker ${o.worker} still accepts the revoked token`);
    }
    for (const o of await onBothWorkers((pb) => pb.collection(users.name).authRefresh(), asUser)) {
      assert.equal(o.status, 401, `worker ${o.worker} refreshed a revoked token: ${JSON.stringify(o.data)}`);
    }
  });

  test("a database's rate limit is one count across the workers, not one per worker", async () => {
    const su = await superuserClient();
    const name = uniqueName('limited');
    await su.send('/api/databases', { method: 'POST', body: { name } });
    cleanup.push(() => su.send(`/api/databases/${encodeURIComponent(name)}`, { method: 'DELETE' }));
    const url = `${BASE_URL}/db/${name}`;
    const dbSu = await superuserClient(url);
    const c = await createCollection(dbSu, null, {
      name: 'notes', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }],
    });
    await dbSu.settings.update({
      rateLimits: { enabled: true, rules: [{ label: `${c.name}:list`, maxRequests: 5, duration: 60, audience: '@guest' }] },
    });
    const outcomes = await onBothWorkers((pb) => pb.collection(c.name).getList(1, 1), () => anonClient(url));
    const allowed = outcomes.filter((o) => o.status === 200);
    const limited = outcomes.filter((o) => o.status === 429);
    assert.equal(allowed.length, 5, `${allowed.length} of ${outcomes.length} let through by workers ${allowed.map((o) => o.worker)}`);
    assert.equal(limited.length, outcomes.length - 5);
    assert.deepEqual(limited[0].data, { status: 429, message: 'Too Many Requests.', data: {} });
  });
});
