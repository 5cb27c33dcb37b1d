package dev.hivelite.node.common;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that answers being built may hold at once on this worker. Answers are built whole in
 * memory (a page of records, an SQL result): each request counts what it reads into its
 * {@link Reservation}, and one that would take the worker past its budget is refused with 503 rather
 * than running the worker out of heap (which ends every request on it). One answer alone is also
 * capped at {@link #PER_ANSWER} (400).
 */
public final class HeapBudget {

    /** A third of the heap for all answers under construction together. */
    static final long LIMIT = Runtime.getRuntime().maxMemory() / 3;
    /** The most one answer may read. */
    public static final long PER_ANSWER = 48L << 20;
    private static final AtomicLong IN_USE = new AtomicLong();

    private HeapBudget() {
    }

    /** What all open reservations hold now (for tests and metrics). */
    static long inUse() {
        return IN_USE.get();
    }

    public static Reservation open() {
        return new Reservation(PER_ANSWER);
    }

    /** A reservation whose answer has a cap of its own (checked by its caller, with its own words). */
    public static Reservation openUncapped() {
        return new Reservation(Long.MAX_VALUE);
    }

    /** What one request holds; closing it gives it back. Used by one thread at a time. */
    public static final class Reservation implements AutoCloseable {
        private final long cap;
        private long held;

        private Reservation(long cap) {
            this.cap = cap;
        }

        /** Counts {@code bytes} more read for this answer: 400 past its cap, 503 past the worker's budget. */
        public void add(long bytes) {
            held += bytes;
            long total = IN_USE.addAndGet(bytes); // counted before any refusal: close() gives back all of held
            if (held > cap) {
                throw new ApiException.BadRequest("The answer would be larger than " + (PER_ANSWER >> 20)
                        + " MiB: ask for less (a smaller perPage, fewer fields, a narrower query).");
            }
            if (total > LIMIT) {
                throw new ApiException.Unavailable("The server is busy with other large answers; try again shortly.");
            }
        }

        @Override
        public void close() {
            IN_USE.addAndGet(-held);
            held = 0;
        }
    }
}
