package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.hivelite.node.common.Ids;

/**
 * The places a user signs in from ({@code _authOrigins}), for the login alerts of an auth collection
 * with {@code authAlert.enabled}, as PocketBase keeps them: an origin is the client's address and
 * user agent, hashed; a sign-in from an origin the user has not used before, by a user who signed in
 * before, is worth an alert. Only the five latest origins of a user are kept, so a flood of made-up
 * user agents cannot grow the table without bound.
 */
final class AuthOrigins {

    static final int KEPT = 5;
    private static final int USER_AGENT_MAX = 300;

    private AuthOrigins() {
    }

    static String fingerprint(String ip, String userAgent) {
        String agent = userAgent.length() > USER_AGENT_MAX ? userAgent.substring(0, USER_AGENT_MAX) : userAgent;
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md5.digest((ip + agent).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    /**
     * Notes a sign-in from {@code fingerprint}, in the caller's write transaction, and says whether it
     * deserves an alert: the origin is new and the user had signed in from somewhere before.
     */
    static boolean signedIn(Connection c, Collection authCollection, String recordId, String fingerprint, Instant now)
            throws SQLException {
        SystemCollections.install(c);
        List<String[]> origins = new ArrayList<>(); // id, fingerprint; newest first
        try (PreparedStatement ps = c.prepareStatement("SELECT id, fingerprint FROM _authOrigins WHERE collectionRef = ?"
                + " AND recordRef = ? ORDER BY updated DESC, rowid DESC")) {
            ps.setString(1, authCollection.id());
            ps.setString(2, recordId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    origins.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        String known = origins.stream().filter(o -> o[1].equals(fingerprint)).map(o -> o[0]).findFirst().orElse(null);
        String at = Dates.format(now);
        if (known != null) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE _authOrigins SET updated = ? WHERE id = ?")) {
                ps.setString(1, at);
                ps.setString(2, known);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO _authOrigins (id, collectionRef, recordRef,"
                    + " fingerprint, created, updated) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, Ids.newId());
                ps.setString(2, authCollection.id());
                ps.setString(3, recordId);
                ps.setString(4, fingerprint);
                ps.setString(5, at);
                ps.setString(6, at);
                ps.executeUpdate();
            }
        }
        // The newest KEPT stay: this one (new or touched) and the KEPT - 1 latest of the others.
        List<String> others = origins.stream().map(o -> o[0]).filter(id -> !id.equals(known)).toList();
        for (String stale : others.subList(Math.min(others.size(), KEPT - 1), others.size())) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM _authOrigins WHERE id = ?")) {
                ps.setString(1, stale);
                ps.executeUpdate();
            }
        }
        return known == null && !origins.isEmpty();
    }
}
