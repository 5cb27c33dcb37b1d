package dev.hivelite.node.realtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import dev.hivelite.node.common.Principal;

/**
 * One realtime connection held by this worker: its database, its auth (as set by the last
 * subscription request), its topics, and a bounded queue of messages its writer drains. A client
 * that cannot keep up is closed with a reason rather than buffered without bound.
 */
final class Client {

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
    }

    /**
     * The next message, waiting as long as it takes. Untimed on purpose: a timed wait per connection
     * and event costs a timer insert and cancel (heartbeats come from {@link #heartbeatIfIdle}).
     */
    Message next() throws InterruptedException {
        return queue.take();
    }

    /** The writer wrote something: the heartbeat clock restarts. */
    void wrote() {
        lastActivity = System.nanoTime();
    }

    /** Queues a heartbeat when nothing was written or queued for {@code idleNanos}. */
    void heartbeatIfIdle(long now, long idleNanos) {
        // The clock first: it is a plain read, and most connections are not idle.
        if (now - lastActivity >= idleNanos && closeReason == null && queue.isEmpty()) {
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
