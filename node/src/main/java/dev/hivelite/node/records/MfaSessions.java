package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.records.filter.FilterException;

/**
 * MFA sessions of auth collections ({@code _mfas} in the database), as PocketBase keeps them: a first
 * successful method starts one, a different second method completes it within {@code mfa.duration}.
 */
final class MfaSessions {

    private final Clock clock;

    MfaSessions(Clock clock) {
        this.clock = clock;
    }

    /** A first method succeeded: a new MFA session for the record, and its id. */
    String start(Scopes.Scope scope, Collection c, Map<String, Object> record, String method) {
        String id = Ids.newId();
        scope.lease.db().write(conn -> {
            ensureTable(conn);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO _mfas (id, collectionRef, recordRef, method,"
                    + " created, updated) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, c.id());
                ps.setString(3, (String) record.get("id"));
                ps.setString(4, method);
                ps.setString(5, Dates.format(clock.instant()));
                ps.setString(6, Dates.format(clock.instant()));
                ps.executeUpdate();
            }
            return null;
        });
        return id;
    }

    private static void ensureTable(Connection conn) throws SQLException {
        SystemCollections.install(conn);
    }

    /**
     * Whether this record needs a second method: an empty {@code mfa.rule} means every record; a rule
     * that does not compile is a 400.
     */
    boolean wanted(Scopes.Scope scope, Collection c, Map<String, Object> record, RequestInfo info) {
        String rule = c.option("mfa.rule").asText("");
        if (rule.isBlank()) {
            return true;
        }
        try {
            RecordQuery.Where where = RecordQuery.compile(rule, scope.schema, c, info, true, clock);
            return scope.lease.db().read(conn -> RecordQuery.byId(conn, c, (String) record.get("id"), where)).isPresent();
        } catch (FilterException e) {
            // A rule that does not compile lets no one in (PocketBase's answer), rather than deciding either way.
            throw new ApiException.BadRequest("Failed to authenticate.");
        }
    }

    /** The second step: the session exists, is fresh, is this record's, and came from another method. */
    void complete(Scopes.Scope scope, Collection c, Map<String, Object> record, String mfaId, String method) {
        Instant oldest = clock.instant().minusSeconds(c.option("mfa.duration").asLong(1800));
        String problem = scope.lease.db().write(conn -> {
            ensureTable(conn);
            String found = null;
            try (PreparedStatement ps = conn.prepareStatement("SELECT collectionRef, recordRef, method, created FROM _mfas WHERE id = ?")) {
                ps.setString(1, mfaId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getString(4).compareTo(Dates.format(oldest)) < 0) {
                        found = "Invalid or expired MFA session.";
                    } else if (!rs.getString(1).equals(c.id()) || !rs.getString(2).equals(record.get("id"))) {
                        return "Invalid MFA session.";
                    } else if (rs.getString(3).equals(method)) {
                        return "A different authentication method is required.";
                    }
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM _mfas WHERE id = ?")) {
                ps.setString(1, mfaId);
                ps.executeUpdate();
            }
            return found;
        });
        if (problem != null) {
            throw new ApiException.BadRequest(problem);
        }
    }
}
