package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.EmailFormat;
import dev.hivelite.node.settings.RateLimiter;

/** What the sign-in routes and the account mail routes of auth collections share. */
final class AuthRecords {

    private AuthRecords() {
    }

    static Collection authCollection(Scopes.Scope scope, ServerRequest req, RateLimiter.Action action) {
        return authCollection(scope, req, false, action);
    }

    /**
     * The auth collection of the path. {@code _superusers} only where {@code superusersToo}: the routes
     * that only read its settings (auth-methods, and request-otp, which its settings turn off). The
     * platform's superusers are not records of a database, so the other routes answer where they live.
     * Once the collection is found, the request counts against the rate limits of {@code action} (null:
     * the route has none, its path is limited before it), before its type is checked, as in PocketBase.
     */
    static Collection authCollection(Scopes.Scope scope, ServerRequest req, boolean superusersToo,
                                     RateLimiter.Action action) {
        Collection collection = Requests.collection(scope, req);
        if (action != null) {
            scope.limit(req, collection, action);
        }
        if (Scaffolds.isSuperusers(collection) && !superusersToo) {
            throw new ApiException.BadRequest("Superusers authenticate at /api/collections/_superusers/auth-with-password"
                    + " and are managed at /api/superusers.");
        }
        if (!collection.isAuth()) {
            throw new ApiException.NotFound("Missing or invalid auth collection context.");
        }
        return collection;
    }

    /** The caller and the collection of the path, which is the caller's own auth collection. */
    record SameCollection(Collection collection, dev.hivelite.node.common.Principal.User user) {
    }

    /**
     * As above, before the collection is known to be an auth collection, as PocketBase's middleware
     * checks it ahead of the route: 401 for a guest, 403 for anyone whose auth collection is not the
     * path's (a missing or base collection included). An existing collection counts the request
     * against the rate limits of {@code action} first, as PocketBase's middleware order has it.
     */
    static SameCollection sameCollectionUser(Scopes.Scope scope, ServerRequest req, RateLimiter.Action action) {
        Collection c = scope.schema.find(req.path().pathParameters().get("collection")).orElse(null);
        if (c != null) {
            scope.limit(req, c, action);
        }
        dev.hivelite.node.common.Principal.User user = scope.user();
        if (user == null && scope.principal instanceof dev.hivelite.node.common.Principal.Anonymous) {
            throw new ApiException.Unauthorized("The request requires valid record authorization token.");
        }
        if (user == null || c == null || !user.collectionId().equals(c.id())) {
            throw new ApiException.Forbidden("The request requires valid record authorization token from the same collection.");
        }
        return new SameCollection(c, user);
    }

    static Optional<Map<String, Object>> findByIdentity(Connection conn, Collection c, List<String> fields,
                                                                String identity) throws SQLException {
        for (String field : fields) {
            if (c.field(field).isEmpty()) {
                continue;
            }
            String collate = c.caseInsensitiveUnique(field) ? " COLLATE NOCASE" : "";
            RecordQuery.Where where = new RecordQuery.Where("t." + RecordResolver.quote(field) + " = ?" + collate,
                    List.of(identity));
            List<Map<String, Object>> rows = RecordQuery.select(conn, c, where, "", 1, 0);
            if (!rows.isEmpty()) {
                return Optional.of(rows.getFirst());
            }
        }
        return Optional.empty();
    }

    /** The record with this email (ignoring case only when its unique index does); empty for a blank one. */
    static Optional<Map<String, Object>> byEmail(Scopes.Scope scope, Collection c, String email) {
        if (email.isEmpty()) {
            return Optional.empty();
        }
        return scope.lease.db().read(conn -> findByIdentity(conn, c, List.of("email"), email));
    }

    static String email(JsonNode body, String key) {
        String email = Fields.text(body, key);
        if (email.isEmpty()) {
            throw ApiException.invalid(key, "validation_required", "Cannot be blank.");
        }
        if (email.length() > 255) {
            throw ApiException.invalid(Map.of(key, ApiException.FieldError.lengthBetween(1, 255)));
        }
        if (!EmailFormat.valid(email)) {
            throw ApiException.invalid(key, "validation_is_email", "Must be a valid email address.");
        }
        return email;
    }

    /** Whether a change takes an auth record from unverified to verified ({@code after}: its new values). */
    static boolean verifiedUpgrade(Map<String, Object> before, Map<String, Object> after) {
        return !isTrue(before.get("verified")) && isTrue(after.get("verified"));
    }

    private static boolean isTrue(Object v) {
        return Boolean.TRUE.equals(v) || v instanceof Number n && n.intValue() == 1;
    }

    /**
     * Drops the OAuth2 links of a record that becomes verified, as PocketBase does on that change: a
     * link made before the owner proved the address, perhaps by whoever held it then, must not stay a
     * way in. True when links were dropped: the caller then gives the record a new tokenKey, which ends
     * the sessions those links signed in.
     */
    static boolean dropLinksOnVerify(Connection conn, Collection c, String recordId) throws SQLException {
        if (!hasLinksTable(conn)) {
            return false;
        }
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + SystemCollections.EXTERNAL_AUTHS
                + " WHERE collectionRef = ? AND recordRef = ?")) {
            ps.setString(1, c.id());
            ps.setString(2, recordId);
            return ps.executeUpdate() > 0;
        }
    }

    /** Whether the OAuth2 links table ({@code _externalAuths}) exists yet (a read connection cannot create it). */
    static boolean hasLinksTable(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, SystemCollections.EXTERNAL_AUTHS);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * {@link #setColumns} for an auth flow that may verify the record ({@code before}: the row as it is):
     * a change to verified drops the record's OAuth2 links and, when there were some, renews its tokenKey
     * unless {@code set} already does. True when the tokenKey changes.
     */
    static boolean setAuthColumns(Connection conn, Collection c, Map<String, Object> before, Map<String, Object> set)
            throws SQLException {
        String id = (String) before.get("id");
        Map<String, Object> all = new java.util.LinkedHashMap<>(set);
        if (verifiedUpgrade(before, set) && dropLinksOnVerify(conn, c, id)) {
            all.putIfAbsent("tokenKey", RecordWriter.newTokenKey(c));
        }
        setColumns(conn, c, id, all);
        return all.containsKey("tokenKey");
    }

    static void setColumns(Connection conn, Collection c, String id, Map<String, Object> set) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE ").append(RecordResolver.quote(c.name())).append(" SET ");
        int i = 0;
        for (String column : set.keySet()) {
            sql.append(i++ == 0 ? "" : ", ").append(RecordResolver.quote(column)).append(" = ?");
        }
        sql.append(" WHERE id = ?");
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            int p = 1;
            for (Object v : set.values()) {
                ps.setObject(p++, v);
            }
            ps.setString(p, id);
            ps.executeUpdate();
        }
    }
}
