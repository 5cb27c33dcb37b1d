package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * The indexes of a table collection as PocketBase checks them, reporting the first problem only at its
 * position: an expression that is no {@code CREATE INDEX}, a name used twice in the list or already
 * used by another table's index in the file (SQLite's index names are one namespace per file), and
 * a definition that repeats another one whatever its name, quoting or spacing.
 */
final class CollectionIndexes {

    private static final Pattern IF_NOT_EXISTS = Pattern.compile("(?is)^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+IF\\s+NOT\\s+EXISTS\\s");
    private static final Pattern COLUMN = Pattern.compile("(?is)^(.+?)(?:\\s+collate\\s+(\\w+))?(?:\\s+(asc|desc))?$");
    private static final String QUOTES_AND_SPACES = "`\"'[] \t\r\n\f";

    private CollectionIndexes() {
    }

    /**
     * The problem of {@code indexes} of the collection now named {@code newName} (formerly
     * {@code oldName}, "" when new) as {@code {"<position>": error}}; empty when there is none.
     */
    static Map<String, FieldError> check(List<String> indexes, String oldName, String newName, DatabaseObjects objects) {
        Set<String> names = new HashSet<>();
        Set<String> definitions = new HashSet<>();
        for (int i = 0; i < indexes.size(); i++) {
            String index = indexes.get(i);
            Matcher m = CollectionBuilder.INDEX.matcher(index);
            if (!m.matches() || index.indexOf(';') >= 0 && !index.trim().endsWith(";")) {
                return at(i, new FieldError("validation_invalid_index_expression", "Invalid CREATE INDEX expression."));
            }
            String name = m.group(2);
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                return at(i, new FieldError("validation_duplicated_index_name", "The index name already exists."));
            }
            Optional<String> usedBy = objects.indexTable(name)
                    .filter(table -> !table.equalsIgnoreCase(oldName) && !table.equalsIgnoreCase(newName));
            if (usedBy.isPresent()) {
                return at(i, FieldError.of("validation_existing_index_name",
                        "The index name is already used in " + usedBy.get() + " collection.", "usedTableName", usedBy.get()));
            }
            if (!definitions.add(definition(index, m))) {
                return at(i, new FieldError("validation_duplicated_index_definition", "The index definition already exists."));
            }
        }
        return Map.of();
    }

    private static Map<String, FieldError> at(int position, FieldError error) {
        return Map.of(Integer.toString(position), error);
    }

    /** What an index does, without its name or table: uniqueness, columns (unquoted, collation, order) and condition. */
    private static String definition(String index, Matcher m) {
        List<String> columns = new ArrayList<>();
        for (String raw : topLevelParts(m.group(3))) {
            Matcher c = COLUMN.matcher(raw.trim());
            if (!c.matches()) {
                continue;
            }
            String column = strip(c.group(1));
            if (!column.isEmpty()) {
                columns.add(column + " " + (c.group(2) == null ? "" : c.group(2)) + " "
                        + (c.group(3) == null ? "" : c.group(3).toUpperCase(Locale.ROOT)));
            }
        }
        return (m.group(1) != null) + "|" + IF_NOT_EXISTS.matcher(index).find() + "|" + String.join(",", columns) + "|"
                + (m.group(4) == null ? "" : m.group(4).trim());
    }

    /** The comma-separated parts of a column list, leaving commas inside parentheses or quotes alone. */
    private static List<String> topLevelParts(String list) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(list.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(list.substring(start));
        return parts;
    }

    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && QUOTES_AND_SPACES.indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && QUOTES_AND_SPACES.indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }
}
