package dev.hivelite.node.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A subscriber that does not keep up is closed with a reason, and its memory stays bounded. */
class ClientQueueTest {

    @Test
    void aFullQueueClosesTheClientWithAReasonInsteadOfGrowing() throws Exception {
        Client client = new Client("c1", "db", 4);
        for (int i = 0; i < 4; i++) {
            assertTrue(client.offer(new Client.Message("t", "{\"n\":" + i + "}")));
        }
        assertFalse(client.offer(new Client.Message("t", "{}")), "the fifth message does not fit");
        assertNotNull(client.closeReason);
        assertTrue(client.closeReason.contains("keep up"), client.closeReason);
        assertSame(Client.Message.CLOSE, client.poll(), "queued events are dropped; the writer is told to close");
        assertFalse(client.offer(new Client.Message("t", "{}")), "a closed client takes nothing more");
        assertEquals(0, client.queued());
    }

    @Test
    void messagesWaitForTheConnectionThenGoOutInOrderOneFlushPerBurst() throws Exception {
        Client client = new Client("c1", "db", 16);
        Recorder sink = new Recorder();
        client.offer(new Client.Message("t", "1"));
        client.offer(new Client.Message("t", "2"));
        Thread.sleep(50);
        assertTrue(sink.written.isEmpty(), "nothing is written before the connection is attached");
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        client.attach(sink, ends::incrementAndGet);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> sink.written.size() == 2);
        assertEquals(List.of("1", "2"), sink.written);
        assertTrue(sink.flushes.get() >= 1 && sink.flushes.get() <= 2, "a burst is flushed once: " + sink.flushes);
        client.offer(new Client.Message("t", "3"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> sink.written.size() == 3);

        client.close("the server is stopping");
        client.awaitEnd();
        assertEquals("the server is stopping", sink.ended);
        assertEquals(1, ends.get(), "the end callback runs once");
        assertFalse(client.offer(new Client.Message("t", "4")), "an ended client takes nothing more");
        client.close("again");
        Thread.sleep(50);
        assertEquals(List.of("1", "2", "3"), sink.written);
        assertEquals(1, ends.get());
    }

    @Test
    void aWriteThatFailsEndsTheStreamAndWakesItsOwner() throws Exception {
        Client client = new Client("c1", "db", 16);
        Recorder sink = new Recorder();
        sink.failing = true;
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        client.attach(sink, ends::incrementAndGet);
        client.offer(new Client.Message("t", "1"));
        client.awaitEnd(); // returns: the owner is woken, or this test hangs until surefire's timeout
        assertEquals(1, ends.get());
        assertNotNull(client.closeReason);
        assertFalse(client.offer(new Client.Message("t", "2")));
        assertEquals(null, sink.ended, "no last words on a broken stream");
    }

    @Test
    void manyWritersNeverDrainOneClientTwiceAtOnce() throws Exception {
        Client client = new Client("c1", "db", 100_000);
        Recorder sink = new Recorder();
        client.attach(sink, () -> { });
        Thread[] writers = new Thread[4];
        for (int w = 0; w < writers.length; w++) {
            int base = w * 10_000;
            writers[w] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    client.offer(new Client.Message("t", Integer.toString(base + i)));
                }
            });
        }
        for (Thread t : writers) {
            t.join();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> sink.written.size() == 40_000);
        assertEquals(0, sink.overlaps.get(), "two drains wrote at once");
        assertEquals(40_000, new java.util.HashSet<>(sink.written).size());
    }

    /** A sink that records what it is given, and whether two threads were ever inside it at once. */
    private static final class Recorder implements Client.Sink {
        final List<String> written = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        volatile String ended;
        volatile boolean failing;

        @Override
        public void write(Client.Message m) throws java.io.IOException {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (failing) {
                    throw new java.io.IOException("broken pipe");
                }
                written.add(m.data());
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        @Override
        public void end(String reason) {
            ended = reason;
        }
    }

    @Test
    void topicsParsePocketBaseSubscriptions() {
        Topic all = Topic.parse("posts/*");
        assertEquals("posts", all.collection());
        assertEquals(null, all.recordId());
        Topic one = Topic.parse("posts/abc123?options=" + java.net.URLEncoder.encode(
                "{\"query\":{\"filter\":\"a = 1\",\"expand\":\"author\"},\"headers\":{\"X-Custom\":\"v\"}}",
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("abc123", one.recordId());
        assertEquals("a = 1", one.query().get("filter"));
        assertEquals("author", one.query().get("expand"));
        assertEquals("v", one.headers().get("x_custom"));
        assertEquals(null, Topic.parse("posts").recordId(), "a bare collection means every record");
        assertTrue(Topic.parse("posts/*?options=not-json").query().isEmpty(), "bad options are ignored");
    }
}
