package dev.hivelite.node.platform;

import dev.hivelite.node.common.ForgettingCache;
import java.time.Duration;
import java.util.Optional;

import dev.hivelite.node.cluster.Invalidations;

/**
 * The registry as the hot paths (SQL, export) read it: by name, from memory. Renames, config changes
 * and deletes forget the entry on every worker (acknowledged) before they answer, so no worker serves
 * a stale name, read-only flag or deleted database afterwards. While this worker is outside the
 * cluster it could miss such a broadcast, so it reads system.db every time.
 */
public final class DatabaseDirectory {

    public static final String KIND = "database";
    static final Duration TTL = Duration.ofSeconds(30);

    private final DatabaseStore store;
    private final Invalidations invalidations;
    private final ForgettingCache<DatabaseStore.Database> byName = new ForgettingCache<>(TTL, 10_000);

    public DatabaseDirectory(DatabaseStore store, Invalidations invalidations) {
        this.store = store;
        this.invalidations = invalidations;
        invalidations.flushOnReunion(byName);
    }

    public Optional<DatabaseStore.Database> byName(String name) {
        boolean cache = invalidations.delivered();
        if (cache) {
            DatabaseStore.Database hit = byName.get(name);
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        long epoch = byName.epoch();
        Optional<DatabaseStore.Database> db = store.byName(name);
        if (cache) {
            db.ifPresent(d -> byName.fill(name, d, epoch));
        }
        return db;
    }

    /** This worker's part of a cluster-wide forget. */
    public void forget(String databaseId) {
        byName.forgetWhere(d -> d.id().equals(databaseId));
    }
}
