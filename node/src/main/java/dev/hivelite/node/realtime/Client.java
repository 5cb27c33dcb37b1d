package dev.hivelite.node.realtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.hivelite.node.common.Principal;

/**
 * One realtime connection held by this worker: its database, its auth (as set by the last
 * subscription request), its topics, and a bounded queue of messages drained to its {@link Sink}.
 * A client that cannot keep up is closed with a reason rather than buffered without bound.
 *
 * <p>Nothing waits on the queue: a message queued while no drain runs starts one, on a new virtual
 * thread, which writes everything waiting, flushes once and ends. A connection's own thread (deep in
 * the HTTP server's handler) stays parked until the stream is over. Fresh drain threads run the
 * compiled code of the day with shallow stacks; a loop parked in each connection's frame kept
 * whatever code it was entered with, and the first fan-out to thousands of old connections paid for
 * their stack thaws and for compiling that loop on the spot.
 */
final class Client {

    /** Where a client's messages go: its connection. Called by one drain at a time, never concurrently. */
    interface Sink {
        /** Writes one message (an event or a heartbeat), buffered until {@link #flush}. */
        void write(Message m) throws IOException;

        /** Ends a burst of writes: what was written goes to the socket. */
        void flush() throws IOException;

        /** The connection's last words ({@code reason}); nothing is written after. */
        void end(String reason) throws IOException;
    }

    /**
     * One message for the wire: an SSE event name (or WebSocket topic) and JSON data. One instance is
     * shared by every subscriber it goes to, so its SSE {@code event:}/{@code data:} lines are encoded
     * once here rather than once per connection.
     */
    static final class Message {
        static final Message CLOSE = new Message("", "");
        /** Queued by the heartbeat ticker to a connection idle for {@link RealtimeService#HEARTBEAT}. */
        static final Message HEARTBEAT = new Message("", "");

        private final String event;
        private final String data;
        private final byte[] sseLines;

        Message(String event, String data) {
            this.event = event;
            this.data = data;
            this.sseLines = sseLines(event, data);
        }

        String event() {
            return event;
        }

        String data() {
            return data;
        }

        /** The SSE event after its connection's {@code id:} line: {@code event:}, one {@code data:} line per data line, a blank line. */
        byte[] sseLines() {
            return sseLines;
        }

        private static byte[] sseLines(String event, String data) {
            StringBuilder lines = new StringBuilder(data.length() + event.length() + 16);
            lines.append("event:").append(event).append('\n');
            // Each line of the data is a data: line of its own (JSON rendered here has none, so one line).
            int start = 0;
            for (int end = data.indexOf('\n'); end >= 0; end = data.indexOf('\n', start)) {
                lines.append("data:").append(data, start, end).append('\n');
                start = end + 1;
            }
            lines.append("data:").append(data, start, data.length()).append("\n\n");
            return lines.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    final String id;
    /** {@code id:<clientId>\n}, the line that starts each of this connection's SSE events. */
    final byte[] sseIdLine;
    final String databaseId;
    /** The token of the last subscription request; null until one came. Written by subscribe, read by delivery. */
    volatile String token;
    volatile Principal principal = Principal.ANONYMOUS;
    volatile List<Topic> topics = List.of();
    /** Why the connection is ending; null while open. */
    volatile String closeReason;
    private final BlockingQueue<Message> queue;
    /** Set once the connection can be written to; null before (messages wait in the queue). */
    private volatile Sink sink;
    /** Run once, by the drain that ended the stream (its last words written, or the socket failed). */
    private volatile Runnable onEnd;
    /** True while a drain runs: at most one per client. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Nothing more is written once set: the stream ended, or its owner took the connection back. */
    private volatile boolean over;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** {@link System#nanoTime()} of the last message written or heartbeat queued: when the connection is due a heartbeat. */
    private volatile long lastActivity = System.nanoTime();

    Client(String id, String databaseId, int capacity) {
        this.id = id;
        this.sseIdLine = ("id:" + id + "\n").getBytes(StandardCharsets.US_ASCII);
        this.databaseId = databaseId;
        // Linked, not an array: an idle connection holds no preallocated slots (512 of them were
        // 2 KiB of heap per connection), and a message costs one small node while it waits.
        this.queue = new LinkedBlockingQueue<>(capacity);
    }

    /** True when this open client of {@code databaseId} has topics: an event of that database may be for it. */
    boolean listensTo(String databaseId) {
        return this.databaseId.equals(databaseId) && !topics.isEmpty() && closeReason == null;
    }

    /** Queues a message; a full queue closes the client (slow consumer). */
    boolean offer(Message m) {
        if (closeReason != null) {
            return false;
        }
        if (queue.offer(m)) {
            drainSoon();
            return true;
        }
        String reason = "the client did not keep up with its events (" + queue.size() + " queued)";
        java.util.logging.Logger.getLogger(Client.class.getName())
                .warning(() -> "realtime client " + id + " disconnected: " + reason);
        close(reason);
        return false;
    }

    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        queue.clear();
        queue.offer(Message.CLOSE);
        drainSoon();
    }

    /**
     * The connection is ready for its messages (its first words are written): from now on each burst
     * is drained to {@code sink}. {@code onEnd} runs once the stream is over, on the drain's thread.
     */
    void attach(Sink sink, Runnable onEnd) {
        this.onEnd = onEnd;
        this.sink = sink;
        if (!queue.isEmpty()) {
            // Only then: a drain is for messages, and one started with none would run a branch the
            // JIT has not seen in delivery (thousands of connections opening deoptimized it).
            drainSoon();
        }
    }

    /** Waits until the stream is over: its last words written, or its socket failed. */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /**
     * The connection's owner takes it back (it is being torn down, interrupted): no drain writes after
     * this returns, so the owner may close the stream. Waits up to a second for a drain in a write.
     */
    void detach() {
        over = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (draining.get() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Starts a drain unless one runs (it will see what was just queued) or the connection is not ready. */
    private void drainSoon() {
        if (sink != null && !draining.get() && draining.compareAndSet(false, true)) {
            Thread.startVirtualThread(this::drain);
        }
    }

    /**
     * Writes whatever is queued, flushes once (one socket write for a burst), and ends; runs again if
     * a message came in just as it finished. The stream's end (CLOSE, or a write that failed) is
     * final: later messages are dropped.
     */
    private void drain() {
        do {
            try {
                if (over) {
                    queue.clear();
                } else {
                    burst(sink);
                }
            } catch (IOException | RuntimeException e) {
                // The peer went away, or the stream broke: nothing more can be written.
                if (closeReason == null) {
                    closeReason = "the connection failed";
                }
                finish();
            } finally {
                draining.set(false);
            }
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }

    /** One burst: a method of its own, so the JIT compiles it whole and every drain runs that code. */
    private void burst(Sink out) throws IOException {
        boolean wroteAny = false;
        for (Message m = queue.poll(); m != null; m = queue.poll()) {
            if (m == Message.CLOSE) {
                try {
                    out.end(closeReason == null ? "closed" : closeReason);
                } finally {
                    finish();
                }
                return;
            }
            out.write(m);
            wroteAny = true;
        }
        if (wroteAny) {
            out.flush();
            wrote();
        }
    }

    /** The stream is over: no more writes, its owner is told, and the end callback runs once. */
    private void finish() {
        over = true;
        queue.clear();
        Runnable end = onEnd;
        onEnd = null;
        try {
            if (end != null) {
                end.run();
            }
        } finally {
            ended.countDown(); // last: whoever waits sees everything above done
        }
    }

    /** This connection's share of {@code idleNanos} taken off its heartbeat delay: [0, idle / 2), whole milliseconds. */
    long phase(long idleNanos) {
        long halfMillis = Math.max(1, idleNanos / 2_000_000);
        return Math.floorMod(id.hashCode() * 0x9E3779B9L, halfMillis) * 1_000_000L;
    }

    /** A drain (or the first words of the stream) went out: the heartbeat clock restarts. */
    void wrote() {
        lastActivity = System.nanoTime();
    }

    /**
     * Queues a heartbeat when nothing was written or queued for {@code idleNanos}, less this connection's
     * phase: up to half of it, fixed per connection by its id. Connections that went idle together (a
     * mass reconnect after a restart, an event everyone received) would otherwise be due on one tick of
     * the ticker, and stay so: thousands of writes at once every period, in front of the next event.
     */
    void heartbeatIfIdle(long now, long idleNanos) {
        // The clock first: it is a plain read, and most connections are not idle.
        if (now - lastActivity >= idleNanos - phase(idleNanos) && closeReason == null && queue.isEmpty()) {
            lastActivity = now;
            offer(Message.HEARTBEAT);
        }
    }

    Message poll() {
        return queue.poll();
    }

    int queued() {
        return queue.size();
    }
}
