package dev.hivelite.node.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

import dev.hivelite.node.common.ApiException;

/**
 * Open databases, by id, at {@code <dataDir>/databases/<id>/data.db}: opened lazily on first use
 * (about a millisecond), kept in an LRU with a cap, closed when evicted or invalidated. A lease keeps
 * a database open while a request uses it; an evicted database closes when its last lease ends.
 *
 * <p>Concurrency: the pool's monitor guards only map updates. A cold open (a registry read in
 * system.db, then the SQLite open) runs outside it, once per id, with later callers for that id
 * waiting on it: a hot database is never held up by a cold one. {@link #invalidate} waits for an
 * open of that id in flight, so once it returns no handle of the id is being made and any later
 * open consults the registry first: a deleted database is never reopened nor its file recreated.
 */
public final class DatabasePool implements AutoCloseable {

    public static final int DEFAULT_CAP = 256;

    private final Path databasesDir;
    private final SqliteOptions options;
    private final ExecutorService readPool;
    private final int cap;
    /** Whether an id is registered; the pool never creates a file for an id the registry lacks. */
    private final Predicate<String> registered;
    /** Access-ordered: the eldest entry is the least recently leased. Guarded by {@code this}. */
    private final LinkedHashMap<String, Entry> open = new LinkedHashMap<>(16, 0.75f, true);
    /** Cold opens in flight, by id; at most one per id. Guarded by {@code this}. */
    private final Map<String, Opening> openings = new HashMap<>();
    /** Closes evicted databases in the background, in order; drained by {@link #close}. */
    private final java.util.concurrent.ExecutorService closer = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("sqlite-closer").daemon(true).factory());
    /** Set by {@link #close}; guarded by {@code this}. */
    private boolean closed;

    /** An open database and its leases; {@code retired} once evicted or invalidated. Guarded by the pool. */
    private static final class Entry {
        final SqliteDatabase db;
        int leases;
        boolean retired;

        Entry(SqliteDatabase db) {
            this.db = db;
        }
    }

    /** A cold open in flight; {@code invalidated} (guarded by the pool) when its result must be discarded. */
    private static final class Opening {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean invalidated;
    }

    public DatabasePool(Path databasesDir, SqliteOptions options, ExecutorService readPool, int cap,
                        Predicate<String> registered) {
        if (cap < 1) {
            throw new IllegalArgumentException("pool cap must be at least 1, was " + cap);
        }
        this.databasesDir = databasesDir;
        this.options = options;
        this.readPool = readPool;
        this.cap = cap;
        this.registered = registered;
    }

    /** A database in use; closing the lease (once or more) lets it be closed. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        /** Guarded by the pool: a second close must not release someone else's lease. */
        private boolean released;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public SqliteDatabase db() {
            return entry.db;
        }

        @Override
        public void close() {
            release(this);
        }
    }

    public Path folder(String id) {
        return databasesDir.resolve(id);
    }

    /**
     * Leases the database, opening it if needed. 404 when the registry does not know the id (deleted
     * meanwhile): a racing request never recreates a deleted database's file.
     */
    public Lease lease(String id) {
        while (true) {
            Opening opening;
            boolean mine = false;
            synchronized (this) {
                if (closed) {
                    throw new ApiException.Unavailable("the server is stopping");
                }
                Entry entry = open.get(id);
                if (entry != null) {
                    entry.leases++;
                    return new Lease(entry);
                }
                opening = openings.get(id);
                if (opening == null) {
                    opening = new Opening();
                    openings.put(id, opening);
                    mine = true;
                }
            }
            if (mine) {
                Lease lease = openAndPublish(id, opening);
                if (lease != null) {
                    return lease;
                }
            } else {
                awaitOpening(opening);
            }
            // Here the open we waited for (or made) was invalidated: look again, registry first.
        }
    }

    private static void awaitOpening(Opening opening) {
        try {
            opening.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Opens outside the monitor; null when invalidated meanwhile (the handle is closed again). */
    private Lease openAndPublish(String id, Opening opening) {
        SqliteDatabase db;
        try {
            db = openRegistered(id);
        } catch (RuntimeException e) {
            synchronized (this) {
                openings.remove(id);
            }
            opening.done.completeExceptionally(e);
            throw e;
        }
        List<SqliteDatabase> evicted = new ArrayList<>();
        Lease lease = null;
        boolean discard;
        synchronized (this) {
            openings.remove(id);
            discard = opening.invalidated || closed;
            if (!discard) {
                Entry entry = new Entry(db);
                entry.leases++;
                open.put(id, entry);
                lease = new Lease(entry);
                evictBeyondCap(evicted);
            }
        }
        if (discard) {
            db.close(); // before waking the invalidator: it may remove the files next
        }
        opening.done.complete(null);
        // An evicted database closes off the request path: its close may checkpoint the WAL.
        evicted.forEach(victim -> closer.execute(victim::close));
        return lease;
    }

    private SqliteDatabase openRegistered(String id) {
        if (!registered.test(id) || !Files.isDirectory(folder(id))) {
            throw ApiException.notFound();
        }
        return SqliteDatabase.open(folder(id).resolve("data.db"), options, readPool);
    }

    private void evictBeyondCap(List<SqliteDatabase> toClose) {
        Iterator<Map.Entry<String, Entry>> eldest = open.entrySet().iterator();
        while (open.size() > cap && eldest.hasNext()) {
            Entry entry = eldest.next().getValue();
            eldest.remove();
            entry.retired = true;
            if (entry.leases == 0) {
                toClose.add(entry.db);
            }
        }
    }

    private void release(Lease lease) {
        Entry entry = lease.entry;
        boolean close;
        synchronized (this) {
            if (lease.released) {
                return;
            }
            lease.released = true;
            entry.leases--;
            close = entry.retired && entry.leases == 0;
        }
        if (close) {
            entry.db.close();
        }
    }

    /**
     * Closes the database's handles on this worker (before its files are removed or replaced). A
     * handle still leased closes when its lease ends; an open in flight is waited for and discarded.
     */
    public void invalidate(String id) {
        Entry entry;
        Opening opening;
        boolean closeNow = false;
        synchronized (this) {
            entry = open.remove(id);
            if (entry != null) {
                entry.retired = true;
                closeNow = entry.leases == 0; // else closed by the last lease
            }
            opening = openings.get(id);
            if (opening != null) {
                opening.invalidated = true;
            }
        }
        if (closeNow) {
            entry.db.close();
        }
        if (opening != null) {
            opening.done.exceptionally(e -> null).join();
        }
    }

    /** Databases open on this worker (a gauge). */
    public synchronized int openCount() {
        return open.size();
    }

    /** Leases held right now over all open databases (a gauge). */
    public synchronized int leaseCount() {
        return open.values().stream().mapToInt(e -> e.leases).sum();
    }

    public int cap() {
        return cap;
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
        }
        all.forEach(e -> e.db.close());
        closer.shutdown();
        try {
            closer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
