package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;

/**
 * The SQL side of collection changes, run inside one write transaction with the {@code _collections}
 * row, so a schema change is all or nothing. A table is rebuilt (new table, copy by field id, drop,
 * rename) when its fields change: renames keep data, removed fields drop their column, a single
 * value becomes a one-item list and back.
 */
final class CollectionDdl {

    /** The name a rebuilt table has until it replaces the collection's table. */
    static final String REBUILD_PREFIX = "_hl_new_";

    private CollectionDdl() {
    }

    /** Creates the table (or view) and its indexes; for a view, returns it with the fields SQLite reports. */
    static Collection create(Connection c, Collection col) throws SQLException {
        CollectionStore.ensureTable(c);
        Collection created = col;
        if (col.isView()) {
            created = createView(c, col, "create");
        } else {
            execute(c, "CREATE TABLE " + RecordResolver.quote(col.name()) + " (" + columns(col.fields()) + ")");
            createIndexes(c, col, "create");
        }
        CollectionStore.insert(c, created);
        return created;
    }

    static Collection update(Connection c, Collection old, Collection neu) throws SQLException {
        Collection updated = neu;
        if (neu.isView()) {
            execute(c, "DROP VIEW IF EXISTS " + RecordResolver.quote(old.name()));
            updated = createView(c, neu, "update");
        } else {
            dropIndexes(c, old.name());
            if (!shape(old.fields()).equals(shape(neu.fields()))) {
                rebuild(c, old, neu);
            } else if (!old.name().equalsIgnoreCase(neu.name())) { // SQLite's names ignore case: the table stays
                withLegacyAlter(c, () -> execute(c, "ALTER TABLE " + RecordResolver.quote(old.name()) + " RENAME TO "
                        + RecordResolver.quote(neu.name())));
            }
            createIndexes(c, neu, "update");
        }
        CollectionStore.update(c, updated);
        resyncViews(c, updated.id());
        return updated;
    }

    /**
     * Derives the fields of every other view again, as PocketBase does after a collection changes: a
     * view keeps the type and options of the columns it selects, so a changed source changes it too.
     * A view whose query no longer compiles keeps its fields; reading it reports SQLite's error.
     */
    private static void resyncViews(Connection c, String changedId) throws SQLException {
        for (Collection view : CollectionStore.load(c)) {
            if (!view.isView() || view.id().equals(changedId)) {
                continue;
            }
            List<Field> fields;
            try {
                fields = ViewFields.fields(c, view.name(), Fields.text(view.options(), "viewQuery"));
            } catch (SQLException e) {
                continue;
            }
            if (!fields.stream().map(Fields::toJson).toList().equals(view.fields().stream().map(Fields::toJson).toList())) {
                CollectionStore.update(c, new Collection(view.id(), view.name(), view.type(), view.system(), fields,
                        view.indexes(), view.rules(), view.options(), view.created(), view.updated()));
            }
        }
    }

    static void delete(Connection c, Collection col, Schema schema) throws SQLException {
        delete(c, col, schema, java.util.Set.of());
    }

    /**
     * Drops a collection's table (or view) and its definition. Refused (400) while another collection
     * relates to it or a view reads from it, except collections in {@code alsoDeleted} (an import that
     * deletes them in the same transaction). A view's dependency is SQLite's own judgement: once the
     * table is gone, every view that read well before must still prepare; the caller's transaction
     * undoes the drop when one does not.
     */
    static void delete(Connection c, Collection col, Schema schema, java.util.Set<String> alsoDeleted) throws SQLException {
        List<String> referencing = schema.collections().stream()
                .filter(other -> !other.id().equals(col.id()) && !alsoDeleted.contains(other.id()))
                .filter(other -> other.fields().stream().anyMatch(f -> f instanceof RelationField r
                        && r.collectionId().equals(col.id())))
                .map(Collection::name).toList();
        if (!referencing.isEmpty()) {
            throw new ApiException.BadRequest("Failed to delete collection probably due to existing reference in "
                    + String.join(", ", referencing)); // PocketBase's words, without a period
        }
        Map<String, String> readable = readableViews(c);
        drop(c, col, schema);
        java.util.Set<String> gone = new java.util.HashSet<>(alsoDeleted);
        gone.add(col.id());
        requireReadable(c, readable, gone, "delete");
    }

    /**
     * Drops a collection's table (or view) and its definition with no check of what relates to it or
     * reads from it: for an import, which deletes what it leaves out before it saves the rest (so a
     * name can pass from a deleted collection to an imported one) and judges references and views
     * once everything is saved.
     */
    static void drop(Connection c, Collection col, Schema schema) throws SQLException {
        execute(c, (col.isView() ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") + RecordResolver.quote(col.name()));
        if (col.isAuth()) {
            SystemCollections.forgetCollection(c, schema, col);
        }
        CollectionStore.delete(c, col.id());
    }

    /**
     * The views SQLite can read now, id to name. A schema change must leave each of them readable; a
     * view that something else broke before is not the change's to answer for (nor to block it).
     */
    static Map<String, String> readableViews(Connection c) throws SQLException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Collection view : CollectionStore.load(c)) {
            if (view.isView() && readable(c, view.name())) {
                out.put(view.id(), view.name());
            }
        }
        return out;
    }

    /**
     * A 400 naming the first view of {@code before} (still a collection, and not in {@code exempt})
     * that SQLite can no longer read: renaming a table, or dropping or renaming a column, that a view
     * reads would otherwise leave every read of the view failing.
     */
    static void requireReadable(Connection c, Map<String, String> before, java.util.Set<String> exempt, String verb)
            throws SQLException {
        for (Collection view : CollectionStore.load(c)) {
            if (view.isView() && before.containsKey(view.id()) && !exempt.contains(view.id()) && !readable(c, view.name())) {
                throw new ApiException.BadRequest("Failed to " + verb + " collection due to existing view dependency in "
                        + view.name() + ".");
            }
        }
    }

    private static boolean readable(Connection c, String view) {
        try (var ps = c.prepareStatement("SELECT * FROM " + RecordResolver.quote(view) + " LIMIT 0")) {
            ps.getMetaData();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** A field list's storage shape: what a rebuild must change. */
    private static List<String> shape(List<Field> fields) {
        return fields.stream().map(f -> f.id() + "|" + f.name() + "|" + f.columnDefinition()).toList();
    }

    static String columns(List<Field> fields) {
        return fields.stream().map(f -> RecordResolver.quote(f.name()) + " " + f.columnDefinition())
                .collect(Collectors.joining(", "));
    }

    private static void rebuild(Connection c, Collection old, Collection neu) throws SQLException {
        String temp = RecordResolver.quote(REBUILD_PREFIX + neu.name());
        execute(c, "CREATE TABLE " + temp + " (" + columns(neu.fields()) + ")");
        List<String> targets = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (Field f : neu.fields()) {
            old.fields().stream().filter(o -> o.id().equals(f.id())).findFirst().ifPresent(o -> {
                targets.add(RecordResolver.quote(f.name()));
                sources.add(copyExpression(o, f));
            });
        }
        if (!targets.isEmpty()) {
            execute(c, "INSERT INTO " + temp + " (" + String.join(", ", targets) + ") SELECT " + String.join(", ", sources)
                    + " FROM " + RecordResolver.quote(old.name()));
        }
        withLegacyAlter(c, () -> {
            execute(c, "DROP TABLE " + RecordResolver.quote(old.name()));
            execute(c, "ALTER TABLE " + temp + " RENAME TO " + RecordResolver.quote(neu.name()));
        });
    }

    /** The old column as the new field stores it. */
    private static String copyExpression(Field old, Field neu) {
        String col = RecordResolver.quote(old.name());
        if (!old.multi() && neu.multi()) {
            return "CASE WHEN COALESCE(" + col + ", '') = '' THEN '[]' ELSE json_array(" + col + ") END";
        }
        if (old.multi() && !neu.multi()) {
            return "CASE WHEN json_valid(" + col + ") THEN COALESCE(json_extract(" + col + ", '$[#-1]'), '') ELSE COALESCE("
                    + col + ", '') END";
        }
        Object zero = neu.toDb(neu.zero());
        if (zero == null) {
            return col;
        }
        String literal = zero instanceof Number ? zero.toString() : "'" + zero.toString().replace("'", "''") + "'";
        return "COALESCE(" + col + ", " + literal + ")";
    }

    /** Renames and drops without SQLite re-checking every view against the table mid-rebuild. */
    private static void withLegacyAlter(Connection c, SqlStep step) throws SQLException {
        execute(c, "PRAGMA legacy_alter_table = ON");
        try {
            step.run();
        } finally {
            execute(c, "PRAGMA legacy_alter_table = OFF");
        }
    }

    @FunctionalInterface
    private interface SqlStep {
        void run() throws SQLException;
    }

    private static void dropIndexes(Connection c, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        for (String name : names) {
            execute(c, "DROP INDEX IF EXISTS " + RecordResolver.quote(name));
        }
    }

    /**
     * Creates the collection's indexes on its table. An index SQLite refuses (a column that does not
     * exist, say) is a field error on {@code indexes.<position>}, as PocketBase reports it: every
     * refused index, each named with SQLite's reason, under the verb of the change that failed.
     */
    private static void createIndexes(Connection c, Collection col, String verb) throws SQLException {
        Map<String, FieldError> refused = new java.util.LinkedHashMap<>();
        for (int i = 0; i < col.indexes().size(); i++) {
            var m = CollectionBuilder.INDEX.matcher(col.indexes().get(i));
            if (!m.matches()) {
                continue; // validated before; kept unreachable
            }
            String sql = "CREATE " + (m.group(1) != null ? "UNIQUE " : "") + "INDEX " + RecordResolver.quote(m.group(2))
                    + " ON " + RecordResolver.quote(col.name()) + " (" + m.group(3) + ")"
                    + (m.group(4) != null ? " WHERE " + m.group(4) : "");
            try {
                execute(c, sql);
            } catch (SQLException e) {
                refused.put(Integer.toString(i), new FieldError("validation_invalid_index_expression",
                        "Failed to create index " + m.group(2) + " - " + sqliteMessage(e) + "."));
            }
        }
        if (!refused.isEmpty()) {
            throw CollectionBuilder.failed(verb, Map.of("indexes", refused));
        }
    }

    private static Collection createView(Connection c, Collection col, String verb) throws SQLException {
        String query = Fields.text(col.options(), "viewQuery").trim();
        if (query.endsWith(";")) {
            query = query.substring(0, query.length() - 1);
        }
        if (query.contains(";")) {
            throw invalidView(verb, "only one SELECT statement is allowed");
        }
        if (ViewFields.selectsEverything(query)) {
            throw invalidView(verb, "dynamic column names are not supported (list the columns instead of *)");
        }
        try {
            execute(c, "CREATE VIEW " + RecordResolver.quote(col.name()) + " AS " + query);
            textIds(c, col.name(), query);
        } catch (SQLException e) {
            throw invalidView(verb, sqliteMessage(e));
        }
        List<Field> fields;
        try {
            fields = ViewFields.fields(c, col.name(), query);
        } catch (SQLException e) {
            // SQLite checks a view's tables only when the view is first used.
            throw invalidView(verb, sqliteMessage(e));
        }
        if (fields.stream().noneMatch(f -> "id".equals(f.name()))) {
            throw invalidView(verb, new FieldError("validation_missing_primary_key", "Missing or invalid \"id\" PK field."),
                    "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)");
        }
        return new Collection(col.id(), col.name(), col.type(), col.system(), fields, List.of(), col.rules(),
                col.options(), col.created(), col.updated());
    }

    /**
     * Makes the view's ids text when the query computes them ({@code (ROW_NUMBER() OVER()) as id}),
     * as PocketBase does: ids arrive as text in paths and filters, and an integer column never
     * equals the text {@code '1'}. An id that is already text is left as is, so lookups by id keep
     * the index of the table it comes from.
     */
    private static void textIds(Connection c, String view, String query) throws SQLException {
        List<String> columns = new ArrayList<>();
        boolean textId = true;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA table_info(" + RecordResolver.quote(view) + ")")) {
            while (rs.next()) {
                String name = rs.getString("name");
                columns.add(name);
                if ("id".equals(name)) {
                    textId = "TEXT".equalsIgnoreCase(Objects.requireNonNullElse(rs.getString("type"), ""));
                }
            }
        }
        if (textId || !columns.contains("id")) {
            return;
        }
        StringBuilder select = new StringBuilder();
        for (String name : columns) {
            String quoted = RecordResolver.quote(name);
            select.append(select.isEmpty() ? "" : ", ")
                    .append("id".equals(name) ? "CAST(" + quoted + " AS TEXT) AS " + quoted : quoted);
        }
        execute(c, "DROP VIEW " + RecordResolver.quote(view));
        execute(c, "CREATE VIEW " + RecordResolver.quote(view) + " AS SELECT " + select + " FROM (" + query + ")");
    }

    /** A query SQLite refuses makes no fields, as PocketBase reports it: {@code fields} blank and why on {@code viewQuery}. */
    private static ApiException invalidView(String verb, String why) {
        return invalidView(verb, new FieldError("validation_required", "Cannot be blank."), why);
    }

    private static ApiException invalidView(String verb, FieldError fields, String why) {
        Map<String, FieldError> errors = new java.util.LinkedHashMap<>();
        errors.put("fields", fields);
        errors.put("viewQuery", new FieldError("validation_invalid_view_query", "Invalid query - " + why));
        return CollectionBuilder.failed(verb, errors);
    }

    /** SQLite's own words from sqlite-jdbc's "[SQLITE_ERROR] SQL error or missing database (…)". */
    static String sqliteMessage(SQLException e) {
        return Objects.requireNonNullElse(e.getMessage(), "").replaceFirst("^\\[SQLITE_[A-Z_]+\\][^(]*\\(", "")
                .replaceFirst("\\)$", "");
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
