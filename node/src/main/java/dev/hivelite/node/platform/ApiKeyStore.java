package dev.hivelite.node.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.hivelite.node.common.Hashes;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Times;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.Sql;

/** SQL for API keys in system.db. Only SHA-256 hashes of secrets are stored. */
public final class ApiKeyStore {

    /** Every key starts with this, so it can be told from a session token at a glance. */
    public static final String PREFIX = "hl_";
    static final int SECRET_LENGTH = 32;

    private final SqliteDatabase systemDb;
    private final Clock clock;

    public ApiKeyStore(SqliteDatabase systemDb, Clock clock) {
        this.systemDb = systemDb;
        this.clock = clock;
    }

    /** A key as listed: never its secret. */
    public record ApiKey(String id, String databaseId, String label, String created, String rotated, String lastUsed) {
    }

    /** A key with its secret, shown once, when created or rotated. */
    public record IssuedKey(ApiKey key, String secret, String previousHash) {
    }

    public static boolean looksLikeKey(String token) {
        return token.startsWith(PREFIX);
    }

    public static String newSecret() {
        return PREFIX + Ids.secret(SECRET_LENGTH);
    }

    public IssuedKey create(String databaseId, String label) {
        String secret = newSecret();
        String now = Times.format(clock.instant());
        String id = Ids.newId();
        systemDb.write(c -> Sql.update(c, "INSERT INTO api_keys (id, database_id, label, secret_hash, created) VALUES (?, ?, ?, ?, ?)",
                id, databaseId, label, Hashes.sha256(secret), now));
        return new IssuedKey(new ApiKey(id, databaseId, label, now, null, null), secret, null);
    }

    public List<ApiKey> list(String databaseId) {
        return systemDb.read(c -> {
            List<ApiKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, database_id, label, created, rotated, last_used FROM api_keys WHERE database_id = ? ORDER BY created")) {
                ps.setString(1, databaseId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(key(rs));
                    }
                }
            }
            return keys;
        });
    }

    /** New secret, same id; the old secret stops working. Empty if no such key. */
    public Optional<IssuedKey> rotate(String databaseId, String id) {
        String secret = newSecret();
        String now = Times.format(clock.instant());
        return systemDb.write(c -> {
            Optional<Found> found = find(c, databaseId, id);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Sql.update(c, "UPDATE api_keys SET secret_hash = ?, rotated = ? WHERE id = ?", Hashes.sha256(secret), now, id);
            ApiKey old = found.get().key();
            return Optional.of(new IssuedKey(new ApiKey(id, databaseId, old.label(), old.created(), now, old.lastUsed()),
                    secret, found.get().hash()));
        });
    }

    /** Deletes the key; returns the hash it had (for the cluster cache), or empty if absent. */
    public Optional<String> revoke(String databaseId, String id) {
        return systemDb.write(c -> {
            Optional<Found> found = find(c, databaseId, id);
            if (found.isPresent()) {
                Sql.update(c, "DELETE FROM api_keys WHERE id = ?", id);
            }
            return found.map(Found::hash);
        });
    }

    /** Hashes of every key of a database (deleting a database revokes them). */
    public List<String> hashesOf(String databaseId) {
        return systemDb.read(c -> {
            List<String> hashes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT secret_hash FROM api_keys WHERE database_id = ?")) {
                ps.setString(1, databaseId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hashes.add(rs.getString(1));
                    }
                }
            }
            return hashes;
        });
    }

    /** The key whose secret hashes to {@code hash}: id and database. */
    public Optional<ApiKey> byHash(String hash) {
        return systemDb.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, database_id, label, created, rotated, last_used FROM api_keys WHERE secret_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(key(rs)) : Optional.empty();
                }
            }
        });
    }

    public void touch(String id) {
        String now = Times.format(clock.instant());
        systemDb.write(c -> Sql.update(c, "UPDATE api_keys SET last_used = ? WHERE id = ?", now, id));
    }

    private record Found(ApiKey key, String hash) {
    }

    private static Optional<Found> find(Connection c, String databaseId, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, database_id, label, created, rotated, last_used, secret_hash FROM api_keys WHERE id = ? AND database_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, databaseId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Found(key(rs), rs.getString(7))) : Optional.empty();
            }
        }
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
    }

}
