package dev.hivelite.node.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code system.db}: the instance's own data (databases registry, superusers, keys, audit, settings
 * as later features add them). Its schema is versioned with {@code PRAGMA user_version}; every worker
 * runs the pending migrations at start, inside one {@code BEGIN IMMEDIATE} transaction, so two
 * workers starting together migrate once. A server refuses a system.db newer than itself.
 */
public final class SystemDb {

    /**
     * Migration {@code i} (0-based) brings the schema from version {@code i} to {@code i + 1}; one
     * SQL statement per element. Append only: a released migration never changes.
     */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE _meta (
                        key   TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID""",
                    "INSERT INTO _meta (key, value) VALUES ('created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"),
            // 2: the platform: superusers and their sessions, databases, API keys, audit log.
            List.of("""
                    CREATE TABLE superusers (
                        id            TEXT PRIMARY KEY NOT NULL,
                        email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        password_hash TEXT NOT NULL,
                        created       TEXT NOT NULL,
                        updated       TEXT NOT NULL
                    )""", """
                    CREATE TABLE superuser_sessions (
                        id           TEXT PRIMARY KEY NOT NULL,
                        superuser_id TEXT NOT NULL REFERENCES superusers (id) ON DELETE CASCADE,
                        created      TEXT NOT NULL,
                        expires      TEXT NOT NULL,
                        ip           TEXT NOT NULL DEFAULT ''
                    )""",
                    "CREATE INDEX superuser_sessions_superuser ON superuser_sessions (superuser_id)", """
                    CREATE TABLE databases (
                        id           TEXT PRIMARY KEY NOT NULL,
                        name         TEXT NOT NULL UNIQUE,
                        grp          TEXT NOT NULL DEFAULT '',
                        read_only    INTEGER NOT NULL DEFAULT 0,
                        cors_origins TEXT NOT NULL DEFAULT '[]',
                        created      TEXT NOT NULL,
                        updated      TEXT NOT NULL,
                        last_used    TEXT
                    )""", """
                    CREATE TABLE api_keys (
                        id          TEXT PRIMARY KEY NOT NULL,
                        database_id TEXT NOT NULL REFERENCES databases (id) ON DELETE CASCADE,
                        label       TEXT NOT NULL,
                        secret_hash TEXT NOT NULL UNIQUE,
                        created     TEXT NOT NULL,
                        rotated     TEXT,
                        last_used   TEXT
                    )""",
                    "CREATE INDEX api_keys_database ON api_keys (database_id)", """
                    CREATE TABLE audit_log (
                        id          INTEGER PRIMARY KEY AUTOINCREMENT,
                        time        TEXT NOT NULL,
                        actor       TEXT NOT NULL,
                        action      TEXT NOT NULL,
                        database_id TEXT,
                        ip          TEXT NOT NULL DEFAULT '',
                        details     TEXT NOT NULL DEFAULT '{}'
                    )""",
                    "CREATE INDEX audit_log_time ON audit_log (time)"),
            // 3: per-database analytics, one row per database and hour, added to by every worker.
            List.of("""
                    CREATE TABLE analytics (
                        database_id TEXT NOT NULL REFERENCES databases (id) ON DELETE CASCADE,
                        hour        TEXT NOT NULL,
                        requests    INTEGER NOT NULL DEFAULT 0,
                        queries     INTEGER NOT NULL DEFAULT 0,
                        errors      INTEGER NOT NULL DEFAULT 0,
                        latency     TEXT NOT NULL DEFAULT '',
                        size        INTEGER,
                        PRIMARY KEY (database_id, hour)
                    ) WITHOUT ROWID""",
                    "CREATE INDEX analytics_hour ON analytics (hour)"));

    private SystemDb() {
    }

    /** The schema version this build writes and understands. */
    public static int latestVersion() {
        return MIGRATIONS.size();
    }

    /**
     * Opens {@code <dataDir>/system.db}, creating the data dir layout, and migrates it.
     *
     * @throws NewerSchemaException when the file was written by a newer Hivelite
     */
    public static SqliteDatabase open(Path dataDir, SqliteOptions options, ExecutorService readPool) {
        try {
            Files.createDirectories(dataDir.resolve("databases"));
        } catch (java.io.IOException e) {
            throw new StorageException("cannot create " + dataDir.resolve("databases"), e);
        }
        SqliteDatabase db = SqliteDatabase.open(dataDir.resolve("system.db"), options, readPool);
        try {
            db.write(SystemDb::migrate);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static Void migrate(Connection connection) throws SQLException {
        int version = userVersion(connection);
        if (version > latestVersion()) {
            throw new NewerSchemaException(version, latestVersion());
        }
        try (Statement statement = connection.createStatement()) {
            for (int v = version; v < latestVersion(); v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    statement.executeUpdate(sql);
                }
            }
            statement.execute("PRAGMA user_version = " + latestVersion());
        }
        return null;
    }

    static int userVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** system.db was migrated by a newer Hivelite; starting would risk writing a schema we do not know. */
    public static final class NewerSchemaException extends RuntimeException {
        public NewerSchemaException(int found, int supported) {
            super("system.db has schema version " + found + " but this Hivelite understands up to "
                    + supported + "; run the newer Hivelite that wrote it, or restore a backup");
        }
    }
}
