package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Json;

/**
 * Creates, updates and deletes records on the write connection, inside the caller's transaction
 * (one request, or every item of a batch): submitted values are cast and validated per field,
 * PocketBase's modifiers applied ({@code n+}, {@code n-}, {@code +list}), relations checked to exist,
 * passwords hashed, autodates set, unique indexes reported as field errors, and deletes cascade
 * or detach references.
 */
final class RecordWriter {

    private static final Pattern UNIQUE = Pattern.compile("UNIQUE constraint failed: ([^)\\]]+)");

    private final Connection c;
    private final Schema schema;
    private final Clock clock;

    RecordWriter(Connection c, Schema schema, Clock clock) {
        this.c = c;
        this.schema = schema;
        this.clock = clock;
    }

    /**
     * What a create or update is asked to do, and who asks: {@code admin} when the caller sets auth
     * fields freely (a superuser, or the record's manager), {@code superuser} when it may also set
     * hidden fields; {@code uploading}: the file fields that get uploads in this request (judged once
     * they are merged).
     */
    record Input(ObjectNode data, boolean admin, boolean superuser, java.util.Set<String> uploading, PasswordWork passwords) {
        Input(ObjectNode data, boolean admin) {
            this(data, admin, admin, java.util.Set.of(), new PasswordWork());
        }
    }

    /**
     * The body as rules see it ({@code @request.body}), as PocketBase replaces it: every key that
     * sets or modifies a field gives way to the field's resulting value; other keys stay as sent.
     */
    static ObjectNode resolvedBody(Collection collection, ObjectNode data, Map<String, Object> values) {
        ObjectNode out = Json.mapper().createObjectNode();
        data.fields().forEachRemaining(e -> {
            BodyKeys.Target target = BodyKeys.target(collection, e.getKey());
            if (target != null && !(target.field() instanceof PasswordField)) {
                String name = target.field().name();
                out.set(name, Json.mapper().valueToTree(target.field().toJson(values.get(name))));
            } else {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    Map<String, Object> prepareCreate(Collection collection, Input input) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            values.put(f.name(), f.zero());
        }
        apply(collection, values, input, true, "");
        return values;
    }

    Map<String, Object> prepareUpdate(Collection collection, Map<String, Object> current, Input input) {
        Map<String, Object> values = new LinkedHashMap<>(current);
        apply(collection, values, input, false, Objects.toString(current.get("password"), ""));
        return values;
    }

    private void apply(Collection collection, Map<String, Object> values, Input input, boolean creating,
                       String storedHash) {
        Map<String, Object> errors = new LinkedHashMap<>();
        Map<String, Object> before = new LinkedHashMap<>(values);
        for (Map.Entry<String, JsonNode> e : BodyKeys.inOrder(input.data())) {
            BodyKeys.Target target = BodyKeys.target(collection, e.getKey());
            if (target == null || target.field() instanceof AutodateField
                    || !settable(collection, target.field(), input, creating)) {
                continue;
            }
            String name = target.field().name();
            values.put(name, BodyKeys.apply(target, values.get(name), e.getValue()));
        }
        String now = Dates.format(clock.instant());
        for (Field f : collection.fields()) {
            if (f instanceof AutodateField a && (creating ? a.onCreate() : a.onUpdate())) {
                values.put(f.name(), now);
            }
            if (creating && f instanceof TextField t && ((String) values.get(f.name())).isEmpty()
                    && !t.autogeneratePattern().isEmpty()) {
                values.put(f.name(), Autogenerate.fromPattern(t.autogeneratePattern()));
            }
        }
        if (collection.isAuth()) {
            authFields(collection, values, input, creating, storedHash, before, errors);
            if (!errors.isEmpty()) {
                throw ApiException.BadRequest.nested(creating ? "Failed to create record." : "Failed to update record.",
                        errors);
            }
        }
        if (creating && collection.field("id").orElse(null) instanceof TextField id && id.primaryKey()) {
            FieldError error = newPrimaryKey(collection, id, (String) values.get("id"));
            if (error != null) {
                errors.put("id", error);
            }
        }
        for (Field f : collection.fields()) {
            if (errors.containsKey(f.name()) || f instanceof FileField && input.uploading().contains(f.name())) {
                continue;
            }
            if (!creating && f instanceof TextField t && t.primaryKey()) {
                // A stored id is not checked again (it may predate the field's pattern); it may only not change.
                if (!Objects.equals(values.get(f.name()), before.get(f.name()))) {
                    errors.put(f.name(), new FieldError("validation_pk_change", "The record primary key cannot be changed."));
                }
                continue;
            }
            FieldError error = f.validate(values.get(f.name()));
            if (error != null) {
                errors.put(f.name(), error);
            }
        }
        checkRelations(collection, values, errors);
        if (!errors.isEmpty()) {
            throw ApiException.BadRequest.nested(creating ? "Failed to create record." : "Failed to update record.", errors);
        }
        for (Field f : collection.fields()) {
            if (values.get(f.name()) instanceof PasswordField.Plain plain) {
                values.put(f.name(), plain.value().isEmpty() ? "" : input.passwords().hash(plain.value(), ((PasswordField) f).cost()));
            }
        }
    }

    /**
     * PocketBase's check of a new record's id before its field's own (which refuses the characters a
     * file folder or URL reads specially): where the collection chose its own id pattern, no id that
     * differs from an existing one only by case (ids may meet file systems that ignore case).
     */
    private FieldError newPrimaryKey(Collection collection, TextField id, String value) {
        if (value == null || value.isEmpty() || Scaffolds.ID_PATTERN.equals(id.pattern())) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + RecordResolver.quote(collection.name())
                + " WHERE id = ? COLLATE NOCASE LIMIT 1")) {
            ps.setString(1, value);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new FieldError("validation_pk_invalid", "The record primary key is invalid or already exists.") : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the caller may set this field directly. Auth system fields have their own flows, and a
     * hidden field is set by superusers only (as PocketBase drops it from anyone else's body): a
     * hidden field is where rules keep what callers must not choose, such as a role. An auth
     * collection's password is hidden, yet set through its own checks.
     */
    private static boolean settable(Collection collection, Field f, Input input, boolean creating) {
        if (f.hidden() && !input.superuser() && !(collection.isAuth() && f instanceof PasswordField)) {
            return false;
        }
        if (!collection.isAuth() || input.admin()) {
            return !(collection.isAuth() && "tokenKey".equals(f.name()));
        }
        return !"tokenKey".equals(f.name());
    }

    /**
     * PocketBase's form checks of an auth record, made before the fields are validated (when one of
     * them fails, only these errors are reported): the password is required on create or whenever
     * {@code passwordConfirm} or {@code oldPassword} is sent; the confirmation must equal it; the owner
     * changing it must give the old one; only superusers and managers change {@code verified}, or an
     * existing email, directly.
     */
    private static void authFields(Collection collection, Map<String, Object> values, Input input, boolean creating,
                                   String storedHash, Map<String, Object> before, Map<String, Object> errors) {
        JsonNode data = input.data();
        if (!input.admin()) {
            if (data.has("verified") && !Objects.equals(values.get("verified"), before.getOrDefault("verified", false))) {
                errors.put("verified", new FieldError("validation_values_mismatch", "Values don't match."));
            }
            if (!creating && data.has("email") && !Objects.equals(values.get("email"), before.get("email"))) {
                errors.put("email", new FieldError("validation_values_mismatch", "Values don't match."));
            }
        }
        String plain = values.get("password") instanceof PasswordField.Plain p ? p.value() : "";
        String confirm = Values.text(data.get("passwordConfirm"));
        String old = Values.text(data.get("oldPassword"));
        if (creating || !plain.isEmpty() || !confirm.isEmpty() || !old.isEmpty()) {
            if (plain.isEmpty()) {
                errors.put("password", Values.requiredError());
            }
            if (confirm.isEmpty()) {
                errors.put("passwordConfirm", Values.requiredError());
            } else if (!confirm.equals(plain)) {
                errors.put("passwordConfirm", new FieldError("validation_values_mismatch", "Values don't match."));
            }
            if (!creating && !input.admin() && !plain.isEmpty()) {
                if (old.isEmpty()) {
                    errors.put("oldPassword", Values.requiredError());
                } else if (storedHash.isEmpty() || !input.passwords().verify(old, storedHash)) {
                    errors.put("oldPassword", new FieldError("validation_invalid_old_password",
                            "Missing or invalid old password."));
                }
            }
        }
        if (values.get("password") instanceof PasswordField.Plain && plain.isEmpty() && !creating) {
            values.put("password", storedHash); // an empty password field changes nothing
        } else if (!plain.isEmpty()) {
            values.put("tokenKey", newTokenKey(collection)); // a new password ends every token of the old one
        }
        if (creating && ((String) values.get("tokenKey")).isEmpty()) {
            values.put("tokenKey", newTokenKey(collection));
        }
    }

    private void checkRelations(Collection collection, Map<String, Object> values, Map<String, Object> errors) {
        for (Field f : collection.fields()) {
            if (!(f instanceof RelationField relation) || errors.containsKey(f.name())) {
                continue;
            }
            List<String> ids = relation.ids(values.get(f.name()));
            if (ids.isEmpty()) {
                continue;
            }
            Collection target = relation.collectionId().equals(collection.id()) ? collection
                    : schema.find(relation.collectionId()).orElse(null);
            if (target == null || existing(target, ids) < new LinkedHashSet<>(ids).size()) {
                errors.put(f.name(), new FieldError("validation_missing_rel_records",
                        "Failed to find all relation records with the provided ids."));
            }
        }
    }

    private int existing(Collection target, List<String> ids) {
        String sql = "SELECT COUNT(*) FROM " + RecordResolver.quote(target.name()) + " WHERE id IN ("
                + ids.stream().map(x -> "?").collect(Collectors.joining(",")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            return 0;
        }
    }

    /** Inserts or updates the row and returns it as stored (one statement: {@code RETURNING}). */
    Map<String, Object> insert(Collection collection, Map<String, Object> values, boolean creating) throws SQLException {
        List<Field> fields = collection.fields();
        String sql = creating ? INSERT_SQL.get(collection) : UPDATE_SQL.get(collection);
        try {
            PreparedStatement ps = dev.hivelite.node.storage.Statements.prepare(c, sql);
            int i = 1;
            for (Field f : fields) {
                ps.setObject(i++, f.toDb(values.get(f.name())));
            }
            if (!creating) {
                ps.setString(i, (String) values.get("id"));
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound();
                }
                return RecordQuery.row(rs, collection);
            }
        } catch (SQLException e) {
            dev.hivelite.node.storage.Statements.evict(c, sql);
            throw uniqueViolation(collection, e, creating);
        }
    }

    /** The statements of a collection, built once per schema version. */
    private static final PerCollection<String> INSERT_SQL = new PerCollection<>(collection ->
            "INSERT INTO " + RecordResolver.quote(collection.name()) + " ("
                    + collection.fields().stream().map(f -> RecordResolver.quote(f.name())).collect(Collectors.joining(", "))
                    + ") VALUES (" + collection.fields().stream().map(f -> "?").collect(Collectors.joining(", "))
                    + ") RETURNING " + RecordQuery.returning(collection));
    private static final PerCollection<String> UPDATE_SQL = new PerCollection<>(collection ->
            "UPDATE " + RecordResolver.quote(collection.name()) + " SET "
                    + collection.fields().stream().map(f -> RecordResolver.quote(f.name()) + " = ?")
                    .collect(Collectors.joining(", "))
                    + " WHERE id = ? RETURNING " + RecordQuery.returning(collection));


    private static SQLException uniqueViolation(Collection collection, SQLException e, boolean creating) {
        Matcher m = UNIQUE.matcher(Objects.toString(e.getMessage(), ""));
        if (!m.find()) {
            if (Objects.toString(e.getMessage(), "").contains("PRIMARYKEY") || Objects.toString(e.getMessage(), "").contains(".id")) {
                throw ApiException.BadRequest.nested(creating ? "Failed to create record." : "Failed to update record.",
                        Map.of("id", new FieldError("validation_not_unique", "Value must be unique.")));
            }
            return e;
        }
        Map<String, Object> errors = new LinkedHashMap<>();
        for (String column : m.group(1).split(",")) {
            String name = column.trim().substring(column.trim().indexOf('.') + 1);
            errors.put(name, new FieldError("validation_not_unique", "Value must be unique."));
        }
        throw ApiException.BadRequest.nested(creating ? "Failed to create record." : "Failed to update record.", errors);
    }

    /** Deletes a record; references to it cascade (cascadeDelete) or are removed from the referencing field. */
    /** What a cascade did to other records: "delete" (the row as it was) or "update" (the row as it is now). */
    record Cascaded(String action, Collection collection, Map<String, Object> before, Map<String, Object> after) {
    }

    /** The records a delete also deleted or changed, in order, for their events once committed. */
    final List<Cascaded> cascaded = new ArrayList<>();

    void delete(Collection collection, String id, int depth) throws SQLException {
        if (depth > 32) {
            throw new ApiException.BadRequest("Failed to delete record: the cascade is too deep.");
        }
        for (Collection other : schema.collections()) {
            if (other.isView()) {
                continue;
            }
            for (Field f : other.fields()) {
                if (f instanceof RelationField r && r.collectionId().equals(collection.id())) {
                    detach(other, r, id, depth);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + RecordResolver.quote(collection.name())
                + " WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        if (collection.isAuth()) {
            SystemCollections.forgetRecord(c, schema, collection, id);
        }
    }

    private void detach(Collection other, RelationField r, String id, int depth) throws SQLException {
        String column = RecordResolver.quote(r.name());
        String match = r.multi() ? "EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE value = ?)" : column + " = ?";
        List<Map<String, Object>> referencing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + RecordQuery.columns(other).replace("t.", "")
                + " FROM " + RecordResolver.quote(other.name()) + " WHERE " + match)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    referencing.add(RecordQuery.row(rs, other));
                }
            }
        }
        for (Map<String, Object> row : referencing) {
            String refId = (String) row.get("id");
            if (refId.equals(id) && other.id().equals(r.collectionId())) {
                continue; // a self-reference goes with the record
            }
            List<String> left = new ArrayList<>(r.ids(row.get(r.name())));
            left.remove(id);
            if (r.cascadeDelete() && (!r.multi() || left.isEmpty())) {
                delete(other, refId, depth + 1);
                cascaded.add(new Cascaded("delete", other, row, null));
                continue;
            }
            if (r.required() && left.isEmpty()) {
                throw new ApiException.BadRequest("Failed to delete record. Make sure that the record is not part of a required relation reference.");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + RecordResolver.quote(other.name()) + " SET "
                    + column + " = ? WHERE id = ?")) {
                ps.setObject(1, r.toDb(r.multi() ? left : ""));
                ps.setString(2, refId);
                ps.executeUpdate();
            }
            Map<String, Object> after = new LinkedHashMap<>(row);
            after.put(r.name(), r.multi() ? left : "");
            cascaded.add(new Cascaded("update", other, row, after));
        }
    }

    /**
     * A new tokenKey, made by the collection's tokenKey field pattern as PocketBase makes it (so it
     * fits the field's own length options), 50 random letters and digits when it has none.
     */
    static String newTokenKey(Collection collection) {
        return collection.field("tokenKey").orElse(null) instanceof TextField t && !t.autogeneratePattern().isEmpty()
                ? Autogenerate.fromPattern(t.autogeneratePattern()) : Ids.secret(50);
    }
}
