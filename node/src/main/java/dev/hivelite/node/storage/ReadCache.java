package dev.hivelite.node.storage;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One database's kept read results (see {@link SqliteDatabase#readCached}), each tagged with the WAL
 * index header its read began at, within a byte budget per database and one for the whole process.
 */
final class ReadCache {

    static final int ENTRIES = 8192;
    /** What one database keeps at most; a value larger than an eighth of it is not kept. */
    static final long BYTES = 8L << 20;
    /** What every database of the process keeps at most together: a worker with many databases stays small. */
    static final long BYTES_ALL = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16);
    private static final AtomicLong BYTES_IN_USE = new AtomicLong();

    private record Cached(long[] version, Object basis, Object value, long bytes) {
    }

    private final ConcurrentHashMap<String, Cached> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    /** The value kept under {@code key} for this {@code basis} (same object) and WAL index header, or null. */
    Object get(String key, Object basis, long[] version) {
        Cached hit = entries.get(key);
        return hit != null && hit.basis() == basis && Arrays.equals(hit.version(), version) ? hit.value() : null;
    }

    /**
     * Keeps {@code value}, unless it would take the cache over its budget (byte arrays count their
     * length, keys twice theirs); a full cache is emptied first.
     */
    void put(String key, long[] version, Object basis, Object value) {
        Cached entry = new Cached(version, basis, value, 96 + 2L * key.length() + (value instanceof byte[] b ? b.length : 0));
        if (entry.bytes() > BYTES / 8) {
            return;
        }
        if (entries.size() >= ENTRIES || bytes.get() + entry.bytes() > BYTES) {
            clear();
        }
        if (BYTES_IN_USE.get() + entry.bytes() > BYTES_ALL) {
            return; // other databases hold the process's share; this one reads SQLite until theirs is cleared
        }
        Cached old = entries.put(key, entry);
        long delta = entry.bytes() - (old == null ? 0 : old.bytes());
        bytes.addAndGet(delta);
        BYTES_IN_USE.addAndGet(delta);
    }

    void clear() {
        for (String key : entries.keySet()) {
            Cached removed = entries.remove(key);
            if (removed != null) {
                bytes.addAndGet(-removed.bytes());
                BYTES_IN_USE.addAndGet(-removed.bytes());
            }
        }
    }

    long bytes() {
        return bytes.get();
    }
}
