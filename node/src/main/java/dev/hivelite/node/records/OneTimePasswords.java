package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import dev.hivelite.node.auth.PasswordHasher;
import dev.hivelite.node.common.Ids;

/**
 * One-time passwords of auth records ({@code _otps} in the database), as PocketBase keeps them: a
 * hashed numeric code per request, valid for the collection's {@code otp.duration}, deleted once
 * used. A record holds at most {@link #MAX_LIVE} live codes: past that, a request answers the newest
 * one's id and mails nothing, so a flood of requests fills neither the table nor the owner's inbox.
 */
final class OneTimePasswords {

    static final int MAX_LIVE = 10;

    private final Clock clock;

    OneTimePasswords(Clock clock) {
        this.clock = clock;
    }

    /** A stored code ({@code created} in PocketBase's date text, which sorts as it reads). */
    record Otp(String id, String collectionRef, String recordRef, String passwordHash, String sentTo, String created) {

        boolean expired(Collection c, Instant now) {
            return created.compareTo(Dates.format(oldestLive(c, now))) < 0;
        }
    }

    /** What a request issued: the id to answer, and the code to mail (null when a live one was reused). */
    record Issued(String id, String code) {
    }

    static void ensureTable(Connection conn) throws SQLException {
        SystemCollections.install(conn);
    }

    static int length(Collection c) {
        return (int) Math.max(4, Math.min(20, c.option("otp.length").asLong(8)));
    }

    static Instant oldestLive(Collection c, Instant now) {
        return now.minusSeconds(c.option("otp.duration").asLong(180));
    }

    /** A new code for the record (to be mailed to {@code sentTo}), or the newest live one past the cap. */
    Issued issue(Scopes.Scope scope, Collection c, String recordId, String sentTo) {
        String code = Ids.random(length(c), "0123456789");
        String hash = PasswordHasher.hash(code);
        Instant now = clock.instant();
        return scope.lease.db().write(conn -> {
            ensureTable(conn);
            String oldest = Dates.format(oldestLive(c, now));
            // Expired codes of the record can never be used again (PocketBase's cron removes them).
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM _otps WHERE collectionRef = ? AND recordRef = ?"
                    + " AND created < ?")) {
                ps.setString(1, c.id());
                ps.setString(2, recordId);
                ps.setString(3, oldest);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT id, (SELECT count(*) FROM _otps WHERE collectionRef = ?"
                    + " AND recordRef = ?) FROM _otps WHERE collectionRef = ? AND recordRef = ? ORDER BY created DESC, rowid DESC"
                    + " LIMIT 1")) {
                ps.setString(1, c.id());
                ps.setString(2, recordId);
                ps.setString(3, c.id());
                ps.setString(4, recordId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getInt(2) >= MAX_LIVE) {
                        return new Issued(rs.getString(1), null);
                    }
                }
            }
            String id = Ids.newId();
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO _otps (id, collectionRef, recordRef, password,"
                    + " sentTo, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, c.id());
                ps.setString(3, recordId);
                ps.setString(4, hash);
                ps.setString(5, sentTo);
                ps.setString(6, Dates.format(now));
                ps.setString(7, Dates.format(now));
                ps.executeUpdate();
            }
            return new Issued(id, code);
        });
    }

    /** The code of this id, of any collection; empty when there is none. */
    Optional<Otp> find(Scopes.Scope scope, String id) {
        return scope.lease.db().write(conn -> {
            ensureTable(conn);
            try (PreparedStatement ps = conn.prepareStatement("SELECT id, collectionRef, recordRef, password, sentTo, created"
                    + " FROM _otps WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Otp(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6))) : Optional.<Otp>empty();
                }
            }
        });
    }

    /** Deletes a code; false when it was already gone (used by a concurrent request). */
    static boolean delete(Connection conn, String id) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM _otps WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }
}
