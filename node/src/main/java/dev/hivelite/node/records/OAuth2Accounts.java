package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.auth.PasswordHasher;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;

/**
 * Which auth record an OAuth2 login signs in as, and what the login changes on it, as PocketBase
 * decides (in the caller's transaction):
 * <ol>
 * <li>the record already linked to the provider's user ({@code _externalAuths});</li>
 * <li>else the caller's own record, when a user of the same collection is logged in: that is how a
 * signed-in user links a provider to the account, whatever email the provider reports;</li>
 * <li>else the record whose email is the provider's email;</li>
 * <li>else a new record, created through the collection's create rule in the {@code oauth2} context.</li>
 * </ol>
 * A found record that is not the caller's own and whose email was never verified gets a new random
 * password (and so a new tokenKey): whoever registered that address first with a password of their
 * choosing may not be its owner, and must not keep a way in once the owner proved the address through
 * the provider. The record is marked verified when its email is the provider's (or it has none).
 */
final class OAuth2Accounts {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(OAuth2Accounts.class.getName());

    private final RecordOperations operations;
    private final Clock clock;

    OAuth2Accounts(RecordOperations operations, Clock clock) {
        this.operations = operations;
        this.clock = clock;
    }

    /**
     * What a login decided: the record signed in as, whether it is new, and what changed on it (a
     * create or an update, for the work that follows the commit; null when nothing changed).
     */
    record Login(Map<String, Object> record, boolean isNew, RecordOperations.Done change) {
    }

    static void ensureTable(Connection conn) throws SQLException {
        SystemCollections.install(conn);
    }

    /**
     * What a sign-up needs done ahead of the transaction, so that the database's writer waits for
     * neither: the user's avatar downloaded when the collection maps {@code avatarURL} to a file field
     * (a slow download), and the passwords {@code createData} sets hashed (bcrypt's ~60 ms). Nothing is
     * done when the provider's user already has a record here: it signs in, and nothing is created.
     * The caller deletes the avatar {@link #signIn} did not use.
     */
    Ahead ahead(Scopes.Scope scope, Collection c, String provider, OAuth2.AuthUser user, Principal.User caller,
                JsonNode createData) {
        String field = c.option("oauth2.mappedFields").path("avatarURL").asText("");
        Optional<Field> target = c.field(field);
        boolean wantsAvatar = !user.avatarUrl().isEmpty() && target.isPresent() && target.get() instanceof FileField
                && !(createData != null && createData.has(field));
        boolean setsPassword = createData != null && createData.isObject() && c.fields().stream()
                .anyMatch(f -> f instanceof PasswordField && !createData.path(f.name()).asText("").isEmpty());
        if (!wantsAvatar && !setsPassword || caller != null || exists(scope, c, provider, user)) {
            return new Ahead(null, new PasswordWork());
        }
        PasswordWork passwords = new PasswordWork();
        if (setsPassword) {
            passwords.prepare(c, createData);
        }
        return new Ahead(wantsAvatar ? avatar(field, (FileField) target.get(), user) : null, passwords);
    }

    /** A sign-up's work done ahead: the avatar (null when none was fetched) and the passwords' hashes. */
    record Ahead(Upload avatar, PasswordWork passwords) {
    }

    /** Whether the provider's user has a record here already: by its link, or by its email. */
    private static boolean exists(Scopes.Scope scope, Collection c, String provider, OAuth2.AuthUser user) {
        return scope.lease.db().read(conn ->
                AuthRecords.hasLinksTable(conn) && linkedRecordId(conn, c, provider, user.id()) != null
                || !user.email().isEmpty() && AuthRecords.findByIdentity(conn, c, List.of("email"), user.email()).isPresent());
    }

    /** The avatar, stored to wait for the write; null when the download failed (PocketBase then creates the record without it). */
    private Upload avatar(String field, FileField file, OAuth2.AuthUser user) {
        try {
            OAuth2.Avatar avatar = OAuth2.avatar(user.avatarUrl());
            try (var body = avatar.body()) {
                return operations.intake().store(body, avatar.filename(), avatar.contentType(), field, file.sizeLimit());
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warning("cannot fetch the OAuth2 avatar " + user.avatarUrl() + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Signs the provider's {@code user} in to collection {@code c}. {@code caller}: the user of this
     * collection who sent the request, or null; {@code info}: the request as the create rule sees it;
     * {@code ahead}: what {@link #ahead} did for a new record.
     */
    Login signIn(Connection conn, Scopes.Scope scope, Collection c, String provider, OAuth2.AuthUser user,
                 Principal.User caller, JsonNode createData, RequestInfo info, Ahead ahead)
            throws SQLException {
        ensureTable(conn);
        Map<String, Object> record = linkedRecord(conn, c, provider, user.id());
        boolean linked = record != null;
        if (record == null && caller != null) {
            record = RecordQuery.byId(conn, c, caller.recordId(), RecordQuery.Where.ALL).orElse(null);
        }
        if (record == null && !user.email().isEmpty()) {
            record = AuthRecords.findByIdentity(conn, c, List.of("email"), user.email()).orElse(null);
        }
        Login login = record == null
                ? create(conn, scope, c, user, createData, info, ahead)
                : update(conn, c, record, user, caller != null && caller.recordId().equals(record.get("id")));
        // A record that became verified lost its earlier links, the one it was found by included: it is made again.
        if (!linked || linkedRecordId(conn, c, provider, user.id()) == null) {
            link(conn, c, (String) login.record().get("id"), provider, user.id());
        }
        return login;
    }

    private static String linkedRecordId(Connection conn, Collection c, String provider, String providerId)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT recordRef FROM _externalAuths WHERE collectionRef = ?"
                + " AND provider = ? AND providerId = ?")) {
            ps.setString(1, c.id());
            ps.setString(2, provider);
            ps.setString(3, providerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The record linked to this provider user; a link whose record is gone is dropped (a deleted account). */
    private static Map<String, Object> linkedRecord(Connection conn, Collection c, String provider, String providerId)
            throws SQLException {
        String recordId = linkedRecordId(conn, c, provider, providerId);
        if (recordId == null) {
            return null;
        }
        Optional<Map<String, Object>> record = RecordQuery.byId(conn, c, recordId, RecordQuery.Where.ALL);
        if (record.isEmpty()) {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM _externalAuths WHERE collectionRef = ?"
                    + " AND recordRef = ?")) {
                ps.setString(1, c.id());
                ps.setString(2, recordId);
                ps.executeUpdate();
            }
        }
        return record.orElse(null);
    }

    /**
     * Links the record to the provider user. A record holds one link per provider, as PocketBase's
     * unique index has it: linking a second account of the same provider is refused.
     */
    private void link(Connection conn, Collection c, String recordId, String provider, String providerId)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM _externalAuths WHERE collectionRef = ?"
                + " AND recordRef = ? AND provider = ?")) {
            ps.setString(1, c.id());
            ps.setString(2, recordId);
            ps.setString(3, provider);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new ApiException.BadRequest("Failed to authenticate.");
                }
            }
        }
        String now = Dates.format(clock.instant());
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO _externalAuths (id, collectionRef, recordRef,"
                + " provider, providerId, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, Ids.newId());
            ps.setString(2, c.id());
            ps.setString(3, recordId);
            ps.setString(4, provider);
            ps.setString(5, providerId);
            ps.setString(6, now);
            ps.setString(7, now);
            ps.executeUpdate();
        }
    }

    /** An existing record: a new password unless it is the caller's or verified, the email filled, verified. */
    private Login update(Connection conn, Collection c, Map<String, Object> record, OAuth2.AuthUser user,
                         boolean callersOwn) throws SQLException {
        String email = String.valueOf(record.getOrDefault("email", ""));
        boolean verified = Boolean.TRUE.equals(record.get("verified"));
        Map<String, Object> set = new LinkedHashMap<>();
        if (!callersOwn && !email.isEmpty() && !verified) {
            set.put("password", PasswordHasher.unusable());
        }
        if (email.isEmpty() && !user.email().isEmpty()) {
            email = user.email();
            set.put("email", email);
        }
        if (!verified && (email.isEmpty() || email.equals(user.email()))) {
            set.put("verified", 1);
        }
        if (set.isEmpty()) {
            return new Login(record, false, null);
        }
        if (set.containsKey("password") || set.containsKey("email")) {
            set.put("tokenKey", RecordWriter.newTokenKey(c)); // a new password or email ends the tokens of the old one
        }
        String id = (String) record.get("id");
        try {
            AuthRecords.setAuthColumns(conn, c, record, set);
        } catch (SQLException e) {
            throw new ApiException.BadRequest("Failed to authenticate."); // the email is taken by another record
        }
        Map<String, Object> after = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow();
        return new Login(after, false, new RecordOperations.Done("update", c, record, after, null));
    }

    /**
     * The collection's {@code oauth2.mappedFields} into the new record's data, each unless createData
     * holds that field: {@code id} and {@code name} as given; {@code username} only when no record has
     * it (under a unique index) and the text field takes it; {@code avatarURL} as the URL, or into a
     * file field as the prefetched file. Returns the files to upload.
     */
    private static Map<String, List<Upload>> map(Connection conn, Collection c, OAuth2.AuthUser user,
                                                 ObjectNode data, Upload avatar)
            throws SQLException {
        JsonNode mapped = c.option("oauth2.mappedFields");
        String id = mapped.path("id").asText("");
        if (!id.isEmpty() && !data.has(id)) {
            data.put(id, user.id());
        }
        String name = mapped.path("name").asText("");
        if (!name.isEmpty() && !data.has(name)) {
            data.put(name, user.name());
        }
        String username = mapped.path("username").asText("");
        if (!username.isEmpty() && !data.has(username) && usernameFree(conn, c, username, user.username())) {
            data.put(username, user.username());
        }
        String avatarField = mapped.path("avatarURL").asText("");
        if (avatarField.isEmpty() || data.has(avatarField) || user.avatarUrl().isEmpty()) {
            return Map.of();
        }
        if (c.field(avatarField).filter(f -> f instanceof FileField).isEmpty()) {
            data.put(avatarField, user.avatarUrl());
            return Map.of();
        }
        return avatar == null ? Map.of() : Map.of(avatarField, List.of(avatar));
    }

    /** Whether the provider's username may go into the mapped text field (PocketBase's backward-compatible checks). */
    private static boolean usernameFree(Connection conn, Collection c, String field, String value) throws SQLException {
        if (!(c.field(field).orElse(null) instanceof TextField text) || text.validate(value) != null) {
            return false;
        }
        return !Scaffolds.hasUniqueIndex(c.indexes(), field)
                || AuthRecords.findByIdentity(conn, c, List.of(field), value).isEmpty();
    }

    /** A new record through the create rule: createData, the provider's email unless one is given, mapped fields. */
    private Login create(Connection conn, Scopes.Scope scope, Collection c, OAuth2.AuthUser user, JsonNode createData,
                         RequestInfo info, Ahead ahead) throws SQLException {
        if (c.rules().create() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        ObjectNode data = createData != null && createData.isObject() ? (ObjectNode) createData.deepCopy()
                : Json.mapper().createObjectNode();
        if (!data.path("email").isTextual() || data.path("email").asText().isEmpty()) {
            data.put("email", user.email());
        }
        PasswordWork passwords = ahead.passwords();
        if (!data.path("password").isTextual() || data.path("password").asText().isEmpty()) {
            String password = Ids.secret(30);
            data.put("password", password).put("passwordConfirm", password);
            passwords.unknown(password);
        }
        Map<String, List<Upload>> files = map(conn, c, user, data, ahead.avatar());
        RecordFiles.FileChanges[] changes = {null};
        @SuppressWarnings("unchecked")
        Map<String, Object>[] saved = new Map[1];
        operations.createRow(conn, scope, c, new Submitted(data, files, passwords), info.withBody(data, null),
                changes, saved);
        Map<String, Object> record = saved[0];
        if (user.email().equals(record.get("email")) && !Boolean.TRUE.equals(record.get("verified"))) {
            AuthRecords.setColumns(conn, c, (String) record.get("id"), Map.of("verified", 1));
            record = RecordQuery.byId(conn, c, (String) record.get("id"), RecordQuery.Where.ALL).orElseThrow();
        }
        return new Login(record, true, new RecordOperations.Done("create", c, null, record, changes[0]));
    }
}
