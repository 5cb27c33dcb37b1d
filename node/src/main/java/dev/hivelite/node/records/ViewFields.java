package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * The fields of a view collection, as PocketBase infers them: a column that is a plain column of a
 * collection keeps that field's type and options (a file field stays a file field, a relation a
 * relation), another collection's {@code id} becomes a relation to it, and any other expression gets a
 * type from the column's declared affinity.
 *
 * <p>SQLite names the table a result column comes from ({@code sqlite3_column_table_name}, only for
 * plain column references, through joins and nested views); the column's name in that table is read
 * from the view's select list, since the result only carries its alias. A column read from another
 * view collection keeps that view as its origin.
 */
final class ViewFields {

    /** Where a view column's values come from: a column of a table. */
    record Origin(String table, String column) {
    }

    /** A view's columns in order, each with its field and, for plain column references, its origin. */
    record Column(Field field, Origin origin) {
    }

    private ViewFields() {
    }

    /** The fields of the view {@code view} (created from {@code query}), in column order. */
    static List<Field> fields(Connection c, String view, String query) throws SQLException {
        return infer(c, view, query).stream().map(Column::field).toList();
    }

    static List<Column> infer(Connection c, String view, String query) throws SQLException {
        List<String[]> declared = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA table_info(" + RecordResolver.quote(view) + ")")) {
            while (rs.next()) {
                declared.add(new String[] {rs.getString("name"), rs.getString("type")});
            }
        }
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + RecordResolver.quote(view) + " LIMIT 0");
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                tables.add(md.getTableName(i));
            }
        }
        List<String> selected = selectedColumns(query);
        List<String> items = selectList(query);
        boolean positional = selected != null && selected.size() == declared.size();
        Map<String, Collection> collections = new HashMap<>();
        for (Collection col : CollectionStore.load(c)) {
            collections.put(col.name().toLowerCase(Locale.ROOT), col);
        }
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            String name = declared.get(i)[0];
            String table = i < tables.size() ? tables.get(i) : null;
            Origin origin = null;
            if (table != null && !table.isEmpty()) {
                String column = positional && selected.get(i) != null ? selected.get(i) : name;
                origin = throughView(query, new Origin(table, column), collections);
            }
            String type = declared.get(i)[1];
            if ((type == null || type.isEmpty()) && positional && AGGREGATE.matcher(items.get(i)).matches()) {
                type = "NUMERIC"; // count(), sum(), avg() and total() are numbers, as PocketBase infers them
            }
            out.add(new Column(field(name, type, origin, collections), origin));
        }
        return out;
    }

    /**
     * The origin of a column a view selects from another view: SQLite names the table at the end of
     * the chain, while the select list names the column in the view it reads. When that table has no
     * such column, the column is the one of that name in a view collection the query reads from, so
     * that it keeps that view's field (as PocketBase resolves views of views, level by level).
     */
    private static Origin throughView(String query, Origin origin, Map<String, Collection> collections) {
        Collection table = collections.get(origin.table().toLowerCase(Locale.ROOT));
        if (table == null || table.field(origin.column()).isPresent()) {
            return origin;
        }
        return collections.values().stream()
                .filter(v -> v.isView() && v.field(origin.column()).isPresent()
                        && Pattern.compile("(?i)(?<![\\w$])" + Pattern.quote(v.name()) + "(?![\\w$])").matcher(query).find())
                .map(Collection::name).sorted().findFirst()
                .map(view -> new Origin(view, origin.column())).orElse(origin);
    }

    /** Where the values of a view's column come from, read again from SQLite (for file downloads). */
    static Optional<Origin> origin(Connection c, Collection view, String column) throws SQLException {
        String query = Fields.text(view.options(), "viewQuery");
        for (Column col : infer(c, view.name(), query)) {
            if (col.field().name().equals(column)) {
                return Optional.ofNullable(col.origin());
            }
        }
        return Optional.empty();
    }

    private static Field field(String name, String declared, Origin origin, Map<String, Collection> collections) {
        if ("id".equals(name)) {
            // As PocketBase makes it: a system text primary key, whatever the query selects as id.
            return new TextField(new Field.Common(Fields.newId("text", name), name, true, false, false), 0, 0,
                    "^[a-z0-9]+$", "", true, true);
        }
        Field.Common common = new Field.Common(Fields.newId("view", name), name, false, false, false);
        Collection source = origin == null ? null : collections.get(origin.table().toLowerCase(Locale.ROOT));
        if (source != null) {
            if ("id".equals(origin.column())) {
                return new RelationField(common, source.id(), false, 0, 1, false);
            }
            Field original = source.field(origin.column()).orElse(null);
            if (original != null) {
                ObjectNode json = Fields.toJson(original);
                json.put("id", common.id()).put("name", name).put("system", false).put("required", false);
                Field copy = Fields.stored(json);
                if (copy != null) {
                    return copy;
                }
            }
        }
        String type = declared == null ? "" : declared.toUpperCase(Locale.ROOT);
        if (type.contains("BOOL")) {
            return new BoolField(common, false);
        }
        if (type.contains("INT") || type.contains("NUM") || type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB")) {
            return new NumberField(common, null, null, false, false);
        }
        if (type.contains("TEXT") || type.contains("CHAR")) {
            return new TextField(common, 0, 0, "", "", false, false);
        }
        return new JsonField(common, 0, false);
    }

    private static final Pattern AGGREGATE = Pattern.compile("(?is)^\\s*(count|sum|avg|total)\\s*\\(.*");

    private static final String IDENT = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\"|`[^`]+`|\\[[^\\]]+\\])";
    private static final Pattern ALIASED = Pattern.compile("(?is)^(.*?)\\s+(?:AS\\s+)?(" + IDENT + ")$");
    private static final Pattern COLUMN = Pattern.compile("(?s)^(?:" + IDENT + "\\s*\\.\\s*)?(" + IDENT + ")$");

    /**
     * Whether the outermost select list has a {@code *} or {@code t.*}: refused, as PocketBase does,
     * because such a view would show every column of its tables, hidden ones included, under types
     * that no longer know they are hidden.
     */
    static boolean selectsEverything(String query) {
        List<String> items = selectList(query);
        return items != null && items.stream().anyMatch(item -> item.endsWith("*"));
    }

    /**
     * The column name each item of the outermost select list refers to (null for an expression), or
     * null when the list cannot be matched to the result by position (a {@code *}, or no select list).
     */
    static List<String> selectedColumns(String query) {
        List<String> items = selectList(query);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String item : items) {
            if (item.endsWith("*")) {
                return null;
            }
            String expression = item;
            Matcher aliased = ALIASED.matcher(item);
            if (aliased.matches() && !aliased.group(1).endsWith(".")) {
                expression = aliased.group(1).trim();
            }
            Matcher column = COLUMN.matcher(expression);
            out.add(column.matches() ? unquote(column.group(1)) : null);
        }
        return out;
    }

    /** The items between the outermost SELECT and its FROM, split at the commas outside brackets and quotes. */
    private static List<String> selectList(String query) {
        List<String> items = new ArrayList<>();
        StringBuilder item = null;
        int depth = 0;
        int i = 0;
        int n = query.length();
        while (i < n) {
            char ch = query.charAt(i);
            char next = i + 1 < n ? query.charAt(i + 1) : 0;
            if (ch == '-' && next == '-' || ch == '/' && next == '*') { // a comment: skipped, read as a space
                int end = ch == '-' ? query.indexOf('\n', i) : query.indexOf("*/", i + 2);
                i = end < 0 ? n : end + (ch == '-' ? 1 : 2);
                if (item != null) {
                    item.append(' ');
                }
                continue;
            }
            if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
                char close = ch == '[' ? ']' : ch;
                int end = query.indexOf(close, i + 1);
                while (end > 0 && close != ']' && end + 1 < n && query.charAt(end + 1) == close) {
                    end = query.indexOf(close, end + 2); // a doubled quote inside the literal
                }
                end = end < 0 ? n - 1 : end;
                if (item != null) {
                    item.append(query, i, end + 1);
                }
                i = end + 1;
                continue;
            }
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            }
            if (depth == 0 && Character.isLetter(ch) && (i == 0 || !isWordChar(query.charAt(i - 1)))) {
                int end = i;
                while (end < n && isWordChar(query.charAt(end))) {
                    end++;
                }
                String word = query.substring(i, end).toUpperCase(Locale.ROOT);
                if (item == null && "SELECT".equals(word)) {
                    item = new StringBuilder();
                    i = end;
                    continue;
                }
                if (item != null && item.toString().isBlank() && items.isEmpty()
                        && ("DISTINCT".equals(word) || "ALL".equals(word))) {
                    i = end;
                    continue;
                }
                if (item != null && "FROM".equals(word)) {
                    items.add(item.toString().trim());
                    return items;
                }
                if (item != null) {
                    item.append(query, i, end);
                }
                i = end;
                continue;
            }
            if (item != null) {
                if (depth == 0 && ch == ',') {
                    items.add(item.toString().trim());
                    item = new StringBuilder();
                } else {
                    item.append(ch);
                }
            }
            i++;
        }
        if (item == null) {
            return null;
        }
        items.add(item.toString().trim());
        return items;
    }

    private static boolean isWordChar(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '$';
    }

    private static String unquote(String identifier) {
        char first = identifier.charAt(0);
        if (first == '"') {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        if (first == '`' || first == '[') {
            return identifier.substring(1, identifier.length() - 1);
        }
        return identifier;
    }
}
