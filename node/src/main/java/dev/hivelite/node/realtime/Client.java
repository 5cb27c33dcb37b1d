package dev.hivelite.node.realtime;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.hivelite.node.common.Principal;

/**
 * One realtime connection held by this worker: its database, its auth (as set by the last
 * subscription request), its topics, and a bounded queue of messages its writer drains. A client
 * that cannot keep up is closed with a reason rather than buffered without bound.
 */
final class Client {

    /** One message for the wire: an SSE event name (or WebSocket topic) and JSON data. */
    record Message(String event, String data) {
        static final Message CLOSE = new Message("", "");
    }

    final String id;
    final String databaseId;
    /** The token of the last subscription request; null until one came. Written by subscribe, read by delivery. */
    volatile String token;
    volatile Principal principal = Principal.ANONYMOUS;
    volatile List<Topic> topics = List.of();
    /** Why the connection is ending; null while open. */
    volatile String closeReason;
    private final BlockingQueue<Message> queue;

    Client(String id, String databaseId, int capacity) {
        this.id = id;
        this.databaseId = databaseId;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues a message; a full queue closes the client (slow consumer). */
    boolean offer(Message m) {
        if (closeReason != null) {
            return false;
        }
        if (queue.offer(m)) {
            return true;
        }
        close("the client did not keep up with its events (" + queue.size() + " queued)");
        return false;
    }

    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        queue.clear();
        queue.offer(Message.CLOSE);
    }

    /** The next message, or null after {@code millis} without one. */
    Message next(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    Message poll() {
        return queue.poll();
    }

    int queued() {
        return queue.size();
    }
}
