// Realtime across the two workers, made certain rather than left to the kernel's choice: the test
// keeps opening SDK clients until it holds streams on both workers, one of them subscribed through a
// worker other than its stream's, and writes until both workers have written.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient, superuserClient, runCleanup, waitFor, withTracedStreams, createTitledCollection, ownConnections,
} from './helpers.mjs';

const cleanup = [];
after(async () => {
  await runCleanup(cleanup);
});

/** Makes `pb` remember which worker answered each of its requests, by path. */
function traceAnswers(pb) {
  const answers = [];
  pb.afterSend = (response, data) => {
    answers.push({ url: response.url, worker: response.headers.get('x-hivelite-worker'), data });
    return data;
  };
  return answers;
}

describe('realtime across workers', () => {
  test('a subscriber on one worker gets what a writer on the other wrote, whichever worker took its subscription',
    { timeout: 90_000 }, async () => {
      await withTracedStreams(async (clients) => {
        const su = await superuserClient();
        const c = await createTitledCollection(su, cleanup, 'rtcluster');
        const covered = () => new Set(clients.map((cl) => cl.worker)).size >= 2
          && clients.some((cl) => cl.subscribedOn !== cl.worker);
        for (let i = 0; i < 24 && !covered(); i++) {
          const pb = anonClient();
          const answers = traceAnswers(pb);
          const client = { pb, events: [] };
          await pb.collection(c.name).subscribe('*', (e) => client.events.push(e));
          client.worker = pb.realtime.eventSource.worker;
          client.subscribedOn = answers.filter((a) => a.url.endsWith('/api/realtime')).at(-1).worker;
          clients.push(client);
        }
        assert.ok(covered(), `streams on ${[...new Set(clients.map((cl) => cl.worker))]}; subscriptions: `
          + clients.map((cl) => `${cl.worker}<-${cl.subscribedOn}`).join(' '));

        // Creates in parallel, each on a new connection; go on until both workers have written.
        const writes = traceAnswers(ownConnections(su));
        const writtenBy = new Map();
        for (let round = 0; round < 10 && new Set(writtenBy.values()).size < 2; round++) {
          writes.length = 0;
          await Promise.all(Array.from({ length: 6 }, (_, i) => su.collection(c.name).create({ title: `r${round}-${i}` })));
          for (const a of writes) writtenBy.set(a.data.id, a.worker);
        }
        assert.equal(new Set(writtenBy.values()).size, 2, 'creates reached both workers');

        await waitFor(() => clients.every((cl) => [...writtenBy.keys()].every((id) => cl.events.some((e) => e.record.id === id))),
          { timeoutMs: 15_000, what: 'every subscriber to get every create' });
        for (const cl of clients) {
          for (const id of writtenBy.keys()) {
            assert.equal(cl.events.filter((e) => e.record.id === id && e.action === 'create').length, 1,
              `one create event of ${id} (written on worker ${writtenBy.get(id)}) on the stream of worker ${cl.worker}`);
          }
        }

        // Deletes, wherever they run, reach every stream with the record as it was.
        await Promise.all([...writtenBy.keys()].map((id) => su.collection(c.name).delete(id)));
        await waitFor(() => clients.every((cl) => cl.events.filter((e) => e.action === 'delete').length === writtenBy.size),
          { timeoutMs: 15_000, what: 'every subscriber to get every delete' });
        for (const cl of clients) {
          for (const e of cl.events.filter((x) => x.action === 'delete')) {
            assert.match(e.record.title, /^r\d+-\d$/, 'a delete event carries the record as it was');
          }
        }
      });
    });
});
