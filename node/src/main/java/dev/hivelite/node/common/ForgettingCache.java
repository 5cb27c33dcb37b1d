package dev.hivelite.node.common;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An in-process cache in front of system.db whose entries are dropped by cluster-wide, acknowledged
 * invalidations. A fill records the epoch before reading SQLite and keeps its entry only if no forget
 * happened meanwhile, so a slow fill never resurrects what was just forgotten. Entries also expire.
 */
public final class ForgettingCache<V> {

    private record Entry<V>(V value, long expiresNanos) {
    }

    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Bumped by every forget, before the removal. */
    private final AtomicLong epoch = new AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;

    public ForgettingCache(Duration ttl, int maxEntries) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
    }

    public V get(String key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() - e.expiresNanos() > 0) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }

    /** Read before the SQLite read that produces a value for {@link #fill}. */
    public long epoch() {
        return epoch.get();
    }

    public void fill(String key, V value, long epochBeforeRead) {
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, System.nanoTime() + ttlNanos));
        if (epoch.get() != epochBeforeRead) {
            entries.remove(key);
        }
    }

    public void forget(String key) {
        epoch.incrementAndGet();
        entries.remove(key);
    }

    /** Forgets every entry whose key starts with {@code prefix}. */
    public void forgetStartingWith(String prefix) {
        epoch.incrementAndGet();
        entries.keySet().removeIf(key -> key.startsWith(prefix));
    }

    public void forgetAll() {
        epoch.incrementAndGet();
        entries.clear();
    }

    public void forgetWhere(Predicate<V> predicate) {
        epoch.incrementAndGet();
        entries.values().removeIf(e -> predicate.test(e.value()));
    }
}
