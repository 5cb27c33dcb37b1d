package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.Ids;

/**
 * Login alerts, as PocketBase sends them where a collection's {@code authAlert} is enabled: a login
 * by a method (password, OTP, OAuth2; not a refresh or an impersonation) records where it came from
 * (the MD5 of the client IP and user agent) among the record's last {@link #MAX_ORIGINS} origins
 * ({@code _authOrigins} in the database), and a login from an origin not among them mails the record
 * so its owner learns of a login they did not make. The very first login of a record sends nothing.
 */
final class AuthAlerts {

    static final int MAX_ORIGINS = 5;
    /** PocketBase fingerprints at most this much of the user agent. */
    static final int USER_AGENT_CHARS = 300;
    private static final Logger LOG = Logger.getLogger(AuthAlerts.class.getName());

    private final RecordAuthService.AuthMail mail;
    private final Clock clock;

    AuthAlerts(RecordAuthService.AuthMail mail, Clock clock) {
        this.mail = mail;
        this.clock = clock;
    }

    static String fingerprint(String ip, String userAgent) {
        String agent = userAgent.length() > USER_AGENT_CHARS ? userAgent.substring(0, USER_AGENT_CHARS) : userAgent;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((ip + agent).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After a successful login by a method: records the origin, and mails the record when it is a new one. */
    void loggedIn(Scopes.Scope scope, Collection c, Map<String, Object> record, String ip, String userAgent) {
        if (!c.option("authAlert.enabled").asBoolean(false) || scope.db.readOnly()) {
            return;
        }
        String fingerprint = fingerprint(ip, userAgent);
        String recordId = (String) record.get("id");
        boolean alert = scope.lease.db().write(conn -> {
            ensureTable(conn);
            List<String[]> origins = origins(conn, c, recordId);
            String now = Dates.format(clock.instant());
            for (String[] origin : origins) {
                if (origin[1].equals(fingerprint)) {
                    touch(conn, origin[0], now);
                    return false;
                }
            }
            // Keep the newest MAX_ORIGINS - 1 and add this one.
            for (int i = MAX_ORIGINS - 1; i < origins.size(); i++) {
                delete(conn, origins.get(i)[0]);
            }
            insert(conn, c, recordId, fingerprint, now);
            return !origins.isEmpty();
        });
        String email = String.valueOf(record.getOrDefault("email", ""));
        if (alert && !email.isEmpty()) {
            JsonNode template = c.option("authAlert.emailTemplate");
            Map<String, String> values = new LinkedHashMap<>();
            values.put("RECORD:id", recordId);
            values.put("RECORD:email", email);
            if (!mail.send(scope.db.id(), email, template.path("subject").asText(""), template.path("body").asText(""),
                    values)) {
                LOG.warning("cannot send the login alert of record " + recordId + " of " + c.name());
            }
        }
    }

    private static void ensureTable(Connection conn) throws SQLException {
        CollectionDdl.execute(conn, "CREATE TABLE IF NOT EXISTS _authOrigins (id TEXT PRIMARY KEY NOT NULL,"
                + " collectionRef TEXT NOT NULL, recordRef TEXT NOT NULL, fingerprint TEXT NOT NULL,"
                + " created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (collectionRef, recordRef, fingerprint))");
    }

    /** The record's origins, most recently used first: {id, fingerprint}. */
    private static List<String[]> origins(Connection conn, Collection c, String recordId) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, fingerprint FROM _authOrigins WHERE collectionRef = ?"
                + " AND recordRef = ? ORDER BY updated DESC, rowid DESC")) {
            ps.setString(1, c.id());
            ps.setString(2, recordId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return out;
    }

    private static void touch(Connection conn, String id, String now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE _authOrigins SET updated = ? WHERE id = ?")) {
            ps.setString(1, now);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    private static void delete(Connection conn, String id) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM _authOrigins WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static void insert(Connection conn, Collection c, String recordId, String fingerprint, String now)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO _authOrigins (id, collectionRef, recordRef,"
                + " fingerprint, created, updated) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, Ids.newId());
            ps.setString(2, c.id());
            ps.setString(3, recordId);
            ps.setString(4, fingerprint);
            ps.setString(5, now);
            ps.setString(6, now);
            ps.executeUpdate();
        }
    }
}
