package dev.hivelite.node.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.hivelite.node.common.ApiException;

/**
 * A light lexer over one SQL text submitted to the SQL endpoint: it finds the leading keyword, checks
 * that the text holds a single statement, and turns named parameters ({@code :name}, {@code @name},
 * {@code $name}) into positional ones. Strings, quoted identifiers and comments are skipped exactly,
 * so nothing inside them is mistaken for syntax. Values are never spliced: they stay bound parameters.
 */
final class SqlText {

    /** Statements that would break Hivelite's own transactions, attach other files or write files. */
    static final Set<String> REFUSED = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
            "ATTACH", "DETACH", "VACUUM");
    /** Pragmas that only report, and whose argument in parentheses names what to report on. */
    static final Set<String> REPORTING_WITH_ARGUMENT = Set.of("table_info", "table_xinfo", "table_list", "index_list",
            "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check");
    /** Pragmas that report without an argument (with one, or with {@code =}, some of them would set). */
    static final Set<String> REPORTING_PLAIN = Set.of("collation_list", "function_list", "pragma_list",
            "compile_options", "user_version", "schema_version", "page_count", "page_size", "freelist_count",
            "data_version", "foreign_keys", "journal_mode", "synchronous");

    final String sql;
    final String keyword;
    /** Named parameters in order of appearance, when the text used names; empty for positional. */
    final List<String> names;

    private SqlText(String sql, String keyword, List<String> names) {
        this.sql = sql;
        this.keyword = keyword;
        this.names = names;
    }

    static SqlText parse(String text) {
        StringBuilder out = new StringBuilder(text.length());
        List<String> names = new ArrayList<>();
        String keyword = null;
        boolean ended = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                out.append(' ');
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
            } else if (ended) {
                if (c != ';') {
                    throw bad("Only one statement per \"sql\"; send several as \"statements\".");
                }
                i++;
            } else if (c == ';') {
                ended = true;
                i++;
            } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int end = i + 1;
                while (true) {
                    end = text.indexOf(close, end);
                    if (end < 0) {
                        throw bad("Unterminated quote in the SQL text.");
                    }
                    if (close != ']' && end + 1 < n && text.charAt(end + 1) == close) {
                        end += 2; // doubled quote inside the literal
                        continue;
                    }
                    break;
                }
                out.append(text, i, end + 1);
                i = end + 1;
            } else if ((c == ':' || c == '@' || c == '$') && i + 1 < n && isNameStart(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && isNamePart(text.charAt(end))) {
                    end++;
                }
                names.add(text.substring(i + 1, end));
                out.append('?');
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < n && isNamePart(text.charAt(end))) {
                    end++;
                }
                if (keyword == null) {
                    keyword = text.substring(i, end).toUpperCase(Locale.ROOT);
                }
                out.append(text, i, end);
                i = end;
            } else {
                if (c == '?' && !names.isEmpty()) {
                    throw bad("Use either named (:name) or positional (?) parameters, not both.");
                }
                out.append(c);
                i++;
            }
        }
        if (keyword == null) {
            throw bad("The SQL text is empty.");
        }
        return new SqlText(out.toString().trim(), keyword, List.copyOf(names));
    }

    /** Refuses what the endpoint never runs, with a message saying why. */
    SqlText checkAllowed() {
        if (REFUSED.contains(keyword)) {
            throw new ApiException.Forbidden(keyword + " is not allowed here: every request is one transaction, and "
                    + "a database's files are managed by Hivelite.");
        }
        if (keyword.equals("PRAGMA")) {
            String rest = sql.substring("PRAGMA".length()).trim();
            String name = rest.split("[\\s(=;]", 2)[0].toLowerCase(Locale.ROOT);
            int dot = name.indexOf('.');
            if (dot >= 0) {
                name = name.substring(dot + 1);
            }
            boolean reports = !rest.contains("=") && (REPORTING_WITH_ARGUMENT.contains(name)
                    || REPORTING_PLAIN.contains(name) && !rest.contains("("));
            if (!reports) {
                throw new ApiException.Forbidden("PRAGMA " + name + " is not allowed here: only pragmas that report "
                        + "(table_info, index_list, integrity_check, …) may run through the SQL endpoint.");
            }
        }
        return this;
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static ApiException bad(String message) {
        return new ApiException.BadRequest(message);
    }
}
