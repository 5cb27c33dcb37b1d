package dev.hivelite.node.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

import dev.hivelite.node.common.ApiException;

/**
 * Open databases, by id, at {@code <dataDir>/databases/<id>/data.db}: opened lazily on first use
 * (about a millisecond), kept in an LRU with a cap, closed when evicted or invalidated. A lease keeps
 * a database open while a request uses it; an evicted database closes when its last lease ends.
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

    /** An open database and its leases; {@code retired} once evicted or invalidated. Guarded by the pool. */
    private static final class Entry {
        final SqliteDatabase db;
        int leases;
        boolean retired;

        Entry(SqliteDatabase db) {
            this.db = db;
        }
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

    /** A database in use; closing the lease lets it be closed. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public SqliteDatabase db() {
            return entry.db;
        }

        @Override
        public void close() {
            release(entry);
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
        List<SqliteDatabase> toClose = new ArrayList<>();
        Lease lease;
        synchronized (this) {
            Entry entry = open.get(id);
            if (entry == null) {
                if (!registered.test(id) || !java.nio.file.Files.isDirectory(folder(id))) {
                    throw new ApiException.NotFound("The requested resource wasn't found.");
                }
                entry = new Entry(SqliteDatabase.open(folder(id).resolve("data.db"), options, readPool));
                open.put(id, entry);
                evictBeyondCap(toClose);
            }
            entry.leases++;
            lease = new Lease(entry);
        }
        toClose.forEach(SqliteDatabase::close);
        return lease;
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

    private void release(Entry entry) {
        boolean close;
        synchronized (this) {
            entry.leases--;
            close = entry.retired && entry.leases == 0;
        }
        if (close) {
            entry.db.close();
        }
    }

    /** Closes the database's handles on this worker (before its files are removed or replaced). */
    public void invalidate(String id) {
        Entry entry;
        synchronized (this) {
            entry = open.remove(id);
            if (entry == null) {
                return;
            }
            entry.retired = true;
            if (entry.leases > 0) {
                return; // closed by the last lease
            }
        }
        entry.db.close();
    }

    public synchronized int openCount() {
        return open.size();
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(open.values());
            open.clear();
        }
        all.forEach(e -> e.db.close());
    }
}
