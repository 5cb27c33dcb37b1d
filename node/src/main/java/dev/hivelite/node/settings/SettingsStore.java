package dev.hivelite.node.settings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.ForgettingCache;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Times;
import dev.hivelite.node.storage.DatabasePool;
import dev.hivelite.node.storage.SqliteDatabase;

/**
 * Each database's settings, in its own data.db as PocketBase keeps them: table {@code _params}, row
 * {@code settings}, the JSON in {@code value}. A database that never saved any has no table and reads
 * as {@link Settings#DEFAULTS}. This worker caches what it read; a change forgets it on every worker
 * (acknowledged) before it is answered. While the worker is outside the cluster it would miss such a
 * message, so it reads every time.
 */
public final class SettingsStore {

    public static final String KIND = "settings";
    static final Duration TTL = Duration.ofMinutes(5);
    static final String ROW = "settings";
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS _params (id TEXT PRIMARY KEY NOT NULL, "
            + "value JSON, created TEXT NOT NULL, updated TEXT NOT NULL)";

    private final DatabasePool pool;
    private final Invalidations invalidations;
    private final Clock clock;
    /** Database id → its settings as last read here. */
    private final ForgettingCache<Settings> cache = new ForgettingCache<>(TTL, 100_000);

    public SettingsStore(DatabasePool pool, Invalidations invalidations, Clock clock) {
        this.pool = pool;
        this.invalidations = invalidations;
        invalidations.flushOnReunion(cache);
        this.clock = clock;
    }

    /**
     * The settings of a database, opening it for the read (callers without a lease: mailers, jobs,
     * filters), unless they are cached: then no lease is taken at all.
     */
    public Settings get(String databaseId) {
        if (invalidations.delivered()) {
            Settings hit = cache.get(databaseId);
            if (hit != null) {
                return hit;
            }
        }
        try (DatabasePool.Lease lease = pool.lease(databaseId)) {
            return get(databaseId, lease.db());
        }
    }

    /** The settings of a database the caller holds open. */
    public Settings get(String databaseId, SqliteDatabase db) {
        boolean cached = invalidations.delivered();
        if (cached) {
            Settings hit = cache.get(databaseId);
            if (hit != null) {
                return hit;
            }
        }
        long epoch = cache.epoch();
        Settings settings = db.read(SettingsStore::load);
        if (cached) {
            cache.fill(databaseId, settings, epoch);
        }
        return settings;
    }

    /**
     * Applies {@code change} to the stored settings inside one write transaction (so two concurrent
     * changes never lose one another), saves the result, then forgets it on every worker. A change that
     * throws (validation) leaves the database as it was.
     */
    public Settings update(String databaseId, SqliteDatabase db, UnaryOperator<Settings> change) {
        Settings saved = db.write(c -> {
            Settings next = change.apply(load(c));
            save(c, next, Times.format(clock.instant()));
            return next;
        });
        invalidations.everywhere(KIND, databaseId);
        return saved;
    }

    /** This worker's part of a cluster-wide forget. */
    public void forget(String databaseId) {
        cache.forget(databaseId);
    }

    static Settings load(Connection c) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_params'");
             ResultSet table = exists.executeQuery()) {
            if (!table.next()) {
                return Settings.DEFAULTS;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM _params WHERE id = ?")) {
            ps.setString(1, ROW);
            try (ResultSet rs = ps.executeQuery()) {
                String value = rs.next() ? rs.getString(1) : null;
                return value == null || value.isBlank() ? Settings.DEFAULTS : Settings.fromStored(value);
            }
        }
    }

    private static void save(Connection c, Settings settings, String now) throws SQLException {
        try (Statement ddl = c.createStatement()) {
            ddl.execute(CREATE_TABLE);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO _params (id, value, created, updated) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated = excluded.updated")) {
            ps.setString(1, ROW);
            ps.setString(2, new String(Json.bytes(settings.toStoredJson()), java.nio.charset.StandardCharsets.UTF_8));
            ps.setString(3, now);
            ps.setString(4, now);
            ps.executeUpdate();
        }
    }
}
