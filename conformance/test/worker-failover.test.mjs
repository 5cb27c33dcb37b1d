// Workers killed or rolled under the SDK's realtime clients: the SDK reconnects on its own, to a live
// worker, subscribes again, and gets every later event. Runs last (it kills and restarts workers) and
// waits for the cluster to be whole again before each test ends. Its name sorts it last: node runs
// the files in name order.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, runCleanup, waitFor, sleep, withTracedStreams, createTitledCollection,
} from './helpers.mjs';

const MANAGEMENT = process.env.HIVELITE_MANAGEMENT_URL;
const cleanup = [];
after(async () => {
  await runCleanup(cleanup);
});

async function clusterHealth() {
  const response = await fetch(`${MANAGEMENT}/_/health`);
  return { status: response.status, body: await response.json() };
}

/** Retries `fn` while it fails on the network (a pooled connection to the killed worker), up to `ms`. */
async function retrying(fn, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline || (err.status && err.status !== 0)) throw err;
      await sleep(100);
    }
  }
}

describe('failover', { skip: !MANAGEMENT && 'HIVELITE_MANAGEMENT_URL is not set' }, () => {
  test("a killed worker's SDK subscribers reconnect to a live one, subscribe again and miss no later event",
    { timeout: 90_000 }, async () => {
      await withTracedStreams(async (clients) => {
        const su = await superuserClient();
        const c = await createTitledCollection(su, cleanup, 'failover');
        for (let i = 0; i < 8; i++) {
          const pb = anonClient();
          const client = { pb, events: [], connects: 0 };
          await pb.realtime.subscribe('PB_CONNECT', () => { client.connects++; });
          await pb.collection(c.name).subscribe('*', (e) => client.events.push(e));
          client.worker = pb.realtime.eventSource.worker;
          clients.push(client);
        }
        const before = await clusterHealth();
        assert.equal(before.status, 200, JSON.stringify(before.body));
        const victim = before.body.workers.find((w) => clients.some((cl) => cl.worker === String(w.id)));
        assert.ok(victim, `no worker holds a stream: ${clients.map((cl) => cl.worker)}`);
        const onVictim = clients.filter((cl) => cl.worker === String(victim.id));

        process.kill(victim.pid, 'SIGKILL');
        // Every client of the killed worker gets a new stream (its second PB_CONNECT) from the SDK.
        await waitFor(() => onVictim.every((cl) => cl.connects >= 2), { timeoutMs: 20_000, what: 'the SDK to reconnect' });
        for (const cl of clients) {
          assert.notEqual(cl.pb.realtime.eventSource.worker, String(victim.id), 'a new stream is on a live worker');
        }

        // The write may reach any live worker; each subscriber, moved or not, gets it.
        const writer = await retrying(() => superuserClient());
        const created = await retrying(() => writer.collection(c.name).create({ title: 'after the kill' }));
        await waitFor(() => clients.every((cl) => cl.events.some((e) => e.record.id === created.id)),
          { timeoutMs: 15_000, what: 'every subscriber to get the event written after the kill' });
        for (const cl of clients) {
          const mine = cl.events.filter((e) => e.record.id === created.id);
          assert.equal(mine.length, 1, 'exactly one event per subscriber');
          assert.equal(mine[0].action, 'create');
          assert.equal(mine[0].record.title, 'after the kill');
        }
        for (const cl of onVictim) {
          assert.equal(cl.connects, 2, 'one reconnect per client, no PB_CONNECT storm');
        }
        for (const cl of clients.filter((x) => !onVictim.includes(x))) {
          assert.equal(cl.connects, 1, 'a stream on a live worker stayed open');
        }

        // The coordinator replaces the killed worker; the cluster is whole again for whatever follows.
        const healed = await waitFor(async () => {
          const h = await clusterHealth();
          return h.status === 200 && h.body.workers.find((w) => w.id === victim.id).pid !== victim.pid ? h : null;
        }, { timeoutMs: 60_000, intervalMs: 250, what: 'the coordinator to replace the killed worker' });
        assert.equal(healed.body.workers.find((w) => w.id === victim.id).restarts, victim.restarts + 1);
      });
    });

  test('a rolling restart moves every SDK subscriber to a live worker, each at most once per worker, and misses no later event',
    { timeout: 150_000 }, async () => {
      await withTracedStreams(async (clients) => {
        const su = await retrying(() => superuserClient());
        const c = await retrying(() => createTitledCollection(su, cleanup, 'rolling'));
        for (let i = 0; i < 6; i++) {
          const pb = anonClient();
          const client = { pb, events: [], connects: 0 };
          await retrying(() => pb.realtime.subscribe('PB_CONNECT', () => { client.connects++; }));
          await retrying(() => pb.collection(c.name).subscribe('*', (e) => client.events.push(e)));
          clients.push(client);
        }
        const before = await clusterHealth();
        assert.equal(before.status, 200, JSON.stringify(before.body));
        const started = await fetch(`${MANAGEMENT}/_/workers/restart`, { method: 'POST' });
        assert.equal(started.status, 202);
        // Done when every worker runs in a new process and the cluster is whole.
        await waitFor(async () => {
          const h = await clusterHealth();
          return h.status === 200 && !h.body.rollingRestart
            && h.body.workers.every((w) => w.pid !== before.body.workers.find((b) => b.id === w.id).pid);
        }, { timeoutMs: 120_000, intervalMs: 250, what: 'the rolling restart to finish' });
        // Every stream was closed by its draining worker (so each client connects again), at most once
        // per worker restarted. Waited for, not sampled: the last worker's close may still be on its
        // way to a client when the cluster reports the roll done.
        await waitFor(() => clients.every((cl) => cl.connects >= 2 && cl.pb.realtime.isConnected),
          { timeoutMs: 20_000, what: 'every SDK client to connect again to a live worker' });
        for (const cl of clients) {
          assert.ok(cl.connects <= 1 + before.body.workers.length,
            `PB_CONNECT ${cl.connects} times over a restart of ${before.body.workers.length} workers`);
        }
        const writer = await retrying(() => superuserClient());
        const created = await retrying(() => writer.collection(c.name).create({ title: 'after the roll' }));
        await waitFor(() => clients.every((cl) => cl.events.some((e) => e.record.id === created.id)),
          { timeoutMs: 15_000, what: 'every subscriber to get the event written after the roll' });
        for (const cl of clients) {
          assert.equal(cl.events.filter((e) => e.record.id === created.id).length, 1, 'exactly one event per subscriber');
        }
      });
    });
});
