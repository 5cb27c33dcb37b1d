package dev.hivelite.node.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Times;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.Sql;

/** SQL for superusers and their sessions, in system.db. */
public final class SuperuserStore {

    private final SqliteDatabase systemDb;
    private final Clock clock;

    public SuperuserStore(SqliteDatabase systemDb, Clock clock) {
        this.systemDb = systemDb;
        this.clock = clock;
    }

    /** A stored session: which superuser, until when. */
    public record Session(String id, String superuserId, String email, Instant expires) {
    }

    /** What {@link #upsert} did. */
    public enum Upserted { CREATED, UPDATED }

    /** Creates the superuser, or sets the password of the existing one (revoking its sessions). */
    public Upserted upsert(String email, String password) {
        String hash = PasswordHasher.hash(password);
        return systemDb.write(c -> {
            Optional<String> existing = idByEmail(c, email);
            String now = Times.format(clock.instant());
            if (existing.isPresent()) {
                Sql.update(c, "UPDATE superusers SET password_hash = ?, updated = ? WHERE id = ?", hash, now, existing.get());
                Sql.update(c, "DELETE FROM superuser_sessions WHERE superuser_id = ?", existing.get());
                return Upserted.UPDATED;
            }
            insert(c, email, hash, now);
            return Upserted.CREATED;
        });
    }

    /** Creates a superuser; empty if the email is taken. */
    public Optional<Superuser> create(String email, String password) {
        String hash = PasswordHasher.hash(password);
        return systemDb.write(c -> {
            if (idByEmail(c, email).isPresent()) {
                return Optional.empty();
            }
            String now = Times.format(clock.instant());
            return Optional.of(new Superuser(insert(c, email, hash, now), email, now, now));
        });
    }

    /** Creates the superuser only when no superuser exists at all (first start). */
    public boolean createIfNone(String email, String password) {
        String hash = PasswordHasher.hash(password);
        return systemDb.write(c -> {
            if (count(c) > 0) {
                return false;
            }
            insert(c, email, hash, Times.format(clock.instant()));
            return true;
        });
    }

    private String insert(Connection c, String email, String hash, String now) throws SQLException {
        String id = Ids.newId();
        Sql.update(c, "INSERT INTO superusers (id, email, password_hash, created, updated) VALUES (?, ?, ?, ?, ?)",
                id, email, hash, now, now);
        return id;
    }

    /** Stores the hash of the one-time setup token, replacing any earlier one, while there is no superuser. */
    public boolean storeSetupToken(String tokenHash) {
        return systemDb.write(c -> {
            if (count(c) > 0) {
                return false;
            }
            Sql.update(c, "INSERT OR REPLACE INTO _meta (key, value) VALUES ('setup_token', ?)", tokenHash);
            return true;
        });
    }

    /**
     * Creates the first superuser if {@code tokenHash} is the stored setup token and none exists yet;
     * the token is spent either way it succeeds.
     */
    public Optional<Superuser> createWithSetupToken(String tokenHash, String email, String password) {
        String hash = PasswordHasher.hash(password);
        return systemDb.write(c -> {
            String stored = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM _meta WHERE key = 'setup_token'");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    stored = rs.getString(1);
                }
            }
            if (stored == null || count(c) > 0 || !java.security.MessageDigest.isEqual(
                    stored.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    tokenHash.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return Optional.empty();
            }
            Sql.update(c, "DELETE FROM _meta WHERE key = 'setup_token'");
            String now = Times.format(clock.instant());
            return Optional.of(new Superuser(insert(c, email, hash, now), email, now, now));
        });
    }

    public long count() {
        return systemDb.read(SuperuserStore::count);
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM superusers"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The superuser and its password hash, for a login. */
    public record Credentials(Superuser superuser, String passwordHash) {
    }

    public Optional<Credentials> credentials(String email) {
        return systemDb.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, email, created, updated, password_hash FROM superusers WHERE email = ?")) {
                ps.setString(1, email);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Credentials(superuser(rs), rs.getString(5))) : Optional.empty();
                }
            }
        });
    }

    public Optional<Superuser> byId(String id) {
        return systemDb.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, email, created, updated FROM superusers WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(superuser(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<Superuser> list() {
        return systemDb.read(c -> {
            List<Superuser> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, email, created, updated FROM superusers ORDER BY created");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(superuser(rs));
                }
            }
            return all;
        });
    }

    /**
     * Changes email and/or password; a password change deletes every session of that superuser.
     * Returns the ids of the deleted sessions (for the cluster cache), or empty if no such superuser.
     */
    public Optional<List<String>> update(String id, String email, String password) {
        String hash = password == null ? null : PasswordHasher.hash(password);
        return systemDb.write(c -> {
            if (byId(c, id).isEmpty()) {
                return Optional.empty();
            }
            String now = Times.format(clock.instant());
            if (email != null) {
                Sql.update(c, "UPDATE superusers SET email = ?, updated = ? WHERE id = ?", email, now, id);
            }
            List<String> revoked = List.of();
            if (hash != null) {
                Sql.update(c, "UPDATE superusers SET password_hash = ?, updated = ? WHERE id = ?", hash, now, id);
                revoked = deleteSessionsOf(c, id);
            }
            return Optional.of(revoked);
        });
    }

    private static Optional<Superuser> byId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, email, created, updated FROM superusers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(superuser(rs)) : Optional.empty();
            }
        }
    }

    public boolean emailTaken(String email, String exceptId) {
        return systemDb.read(c -> idByEmail(c, email).filter(id -> !id.equals(exceptId)).isPresent());
    }

    /** Deletes a superuser and its sessions; returns the deleted session ids, or empty if absent. */
    public Optional<List<String>> delete(String id) {
        return systemDb.write(c -> {
            if (byId(c, id).isEmpty()) {
                return Optional.empty();
            }
            List<String> sessions = deleteSessionsOf(c, id);
            Sql.update(c, "DELETE FROM superusers WHERE id = ?", id);
            return Optional.of(sessions);
        });
    }

    public boolean deleteByEmail(String email) {
        return systemDb.write(c -> {
            Optional<String> id = idByEmail(c, email);
            if (id.isEmpty()) {
                return false;
            }
            deleteSessionsOf(c, id.get());
            Sql.update(c, "DELETE FROM superusers WHERE id = ?", id.get());
            return true;
        });
    }

    public Session createSession(Superuser superuser, Duration ttl, String ip) {
        Instant now = clock.instant();
        Session session = new Session(Ids.secret(24), superuser.id(), superuser.email(), now.plus(ttl));
        systemDb.write(c -> Sql.update(c,
                "INSERT INTO superuser_sessions (id, superuser_id, created, expires, ip) VALUES (?, ?, ?, ?, ?)",
                session.id(), superuser.id(), Times.format(now), Times.format(session.expires()), ip));
        return session;
    }

    /** The session if it exists and has not expired. */
    public Optional<Session> session(String sessionId) {
        return systemDb.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.id, s.superuser_id, u.email, s.expires FROM superuser_sessions s
                    JOIN superusers u ON u.id = s.superuser_id WHERE s.id = ?""")) {
                ps.setString(1, sessionId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Session s = new Session(rs.getString(1), rs.getString(2), rs.getString(3), Times.parse(rs.getString(4)));
                    return s.expires().isAfter(clock.instant()) ? Optional.of(s) : Optional.empty();
                }
            }
        });
    }

    /** Moves a session's expiry (token refresh). */
    public boolean extendSession(String sessionId, Instant expires) {
        return systemDb.write(c -> Sql.update(c, "UPDATE superuser_sessions SET expires = ? WHERE id = ?",
                Times.format(expires), sessionId) == 1);
    }

    public void deleteSession(String sessionId) {
        systemDb.write(c -> Sql.update(c, "DELETE FROM superuser_sessions WHERE id = ?", sessionId));
    }

    /** Deletes every session of a superuser; returns their ids. */
    public List<String> deleteSessions(String superuserId) {
        return systemDb.write(c -> deleteSessionsOf(c, superuserId));
    }

    private static List<String> deleteSessionsOf(Connection c, String superuserId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM superuser_sessions WHERE superuser_id = ? RETURNING id")) {
            ps.setString(1, superuserId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static Optional<String> idByEmail(Connection c, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM superusers WHERE email = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static Superuser superuser(ResultSet rs) throws SQLException {
        return new Superuser(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }

}
