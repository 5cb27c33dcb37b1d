package dev.hivelite.node.records;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.ForgettingCache;
import dev.hivelite.node.storage.SqliteDatabase;

/**
 * The schema of each database as this worker last read it from {@code _collections}. A collection
 * change forgets it on every worker (acknowledged) before the change is answered, so no worker
 * applies an old rule or field list afterwards; while this worker is outside the cluster it would
 * miss such a message, so it reads the schema every time.
 */
public final class SchemaCache {

    public static final String KIND = "schema";
    static final Duration TTL = Duration.ofMinutes(5);

    private static final Logger LOG = Logger.getLogger(SchemaCache.class.getName());

    private final Invalidations invalidations;
    /** Database id → its schema. */
    private final ForgettingCache<Schema> schemas = new ForgettingCache<>(TTL, 100_000);

    public SchemaCache(Invalidations invalidations) {
        this.invalidations = invalidations;
        invalidations.flushOnReunion(schemas);
    }

    Schema get(String databaseId, SqliteDatabase db) {
        return get(databaseId, db, false);
    }

    /**
     * The database's schema; where {@code writable} and the database had collections before the
     * system collections existed, they are installed first (once: every later read finds them).
     */
    Schema get(String databaseId, SqliteDatabase db, boolean writable) {
        boolean cache = invalidations.delivered();
        if (cache) {
            Schema hit = schemas.get(databaseId);
            if (hit != null) {
                return hit;
            }
        }
        long epoch = schemas.epoch();
        List<Collection> stored = db.read(CollectionStore::load);
        if (writable && SystemCollections.missingFrom(stored)) {
            try {
                db.write(c -> {
                    SystemCollections.install(c);
                    return null;
                });
                stored = db.read(CollectionStore::load);
                invalidations.everywhere(KIND, databaseId);
            } catch (RuntimeException e) {
                // Served without them this time (a full disk, a locked file); the next read tries again.
                LOG.log(Level.WARNING, "Could not install the system collections of " + databaseId, e);
            }
        }
        Schema schema = new Schema(stored);
        if (cache) {
            schemas.fill(databaseId, schema, epoch);
        }
        return schema;
    }

    /** {@link dev.hivelite.node.settings.AuthTemplates}: an auth collection's mail template, by id or name. */
    public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> authTemplate(String databaseId, SqliteDatabase db,
                                                                                   String collectionIdOrName, String key) {
        return get(databaseId, db).find(collectionIdOrName).filter(Collection::isAuth).map(c -> c.option(key));
    }

    /** The schema this worker holds for the database, or null when it must be read. */
    Schema cached(String databaseId) {
        return invalidations.delivered() ? schemas.get(databaseId) : null;
    }

    /** After a committed collection change: forget it here and on every other worker. */
    void changed(String databaseId) {
        invalidations.everywhere(KIND, databaseId);
    }

    /** This worker's part of a cluster-wide forget. */
    public void forget(String databaseId) {
        schemas.forget(databaseId);
    }
}
