package dev.hivelite.node.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a database's {@code lastUsed} roughly current: at most one system.db write per database per
 * {@link #INTERVAL} on this worker, made off the request path. A write per request would cost more
 * than the request, and the list only needs minute precision.
 */
public final class DatabaseUsage {

    private static final Logger LOG = Logger.getLogger(DatabaseUsage.class.getName());
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Past this many ids the memory is dropped: the cost is one extra write per database. */
    static final int MAX_TRACKED = 100_000;

    private final DatabaseStore store;
    private final Clock clock;
    /** Runs the writes, e.g. a virtual thread per write. */
    private final Executor background;
    /** databaseId → when this worker last wrote its last_used; updated by request threads. */
    private final ConcurrentHashMap<String, Instant> touched = new ConcurrentHashMap<>();

    public DatabaseUsage(DatabaseStore store, Clock clock, Executor background) {
        this.store = store;
        this.clock = clock;
        this.background = background;
    }

    /** Call whenever a request uses the database (SQL, export, …); cheap when called often. */
    public void used(String databaseId) {
        Instant now = clock.instant();
        Instant seen = touched.get(databaseId);
        if (seen != null && Duration.between(seen, now).compareTo(INTERVAL) < 0) {
            return; // the hot path: a plain read, no lock on a shared key
        }
        boolean[] due = {false};
        if (touched.size() > MAX_TRACKED) {
            touched.clear();
        }
        // compute is atomic per key: of many concurrent requests, one schedules the write.
        touched.compute(databaseId, (id, last) -> {
            if (last != null && Duration.between(last, now).compareTo(INTERVAL) < 0) {
                return last;
            }
            due[0] = true;
            return now;
        });
        if (due[0]) {
            background.execute(() -> touch(databaseId));
        }
    }

    private void touch(String databaseId) {
        try {
            store.touchLastUsed(databaseId);
        } catch (RuntimeException e) {
            // Stopping, or system.db busy: lastUsed is informative, the next use writes it again.
            touched.remove(databaseId);
            LOG.log(Level.FINE, "cannot record use of database " + databaseId, e);
        }
    }
}
