package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.GoFloats;

/**
 * A JSON field's value as PocketBase stores it, which is what its {@code maxSize} measures and its
 * emptiness is read from: a submitted value as Go's encoder writes it (keys sorted, numbers as
 * float64, {@code <}, {@code >}, {@code &} escaped to six bytes each), plain text as Go's
 * {@code strconv.Quote} writes it (whose {@code \x01} or {@code \a} escapes are not JSON).
 */
final class GoJson {

    private GoJson() {
    }

    static String encode(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isBoolean()) {
            out.append(node.asBoolean());
        } else if (node.isNumber()) {
            out.append(GoFloats.json(node.asDouble()));
        } else if (node.isTextual()) {
            string(node.asText(), out);
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i > 0 ? "," : "");
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            keys.sort(null);
            out.append('{');
            for (String key : keys) {
                out.append(out.charAt(out.length() - 1) == '{' ? "" : ",");
                string(key, out);
                out.append(':');
                write(node.get(key), out);
            }
            out.append('}');
        }
    }

    /** A JSON string as Go escapes it: HTML characters and line separators too, a lone surrogate as U+FFFD. */
    private static void string(String s, StringBuilder out) {
        out.append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"', '\\' -> out.append('\\').appendCodePoint(cp);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', 0x2028, 0x2029 -> out.append(String.format("\\u%04x", cp));
                default -> {
                    if (cp < 0x20) {
                        out.append(String.format("\\u%04x", cp));
                    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                        out.append("\\ufffd");
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        out.append('"');
    }

    /** {@code s} as Go's {@code strconv.Quote} writes it: printable characters as they are, others escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (printable(cp)) {
                out.appendCodePoint(cp);
            } else {
                switch (cp) {
                    case 0x07 -> out.append("\\a");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case 0x0b -> out.append("\\v");
                    default -> out.append(cp < 0x20 || cp == 0x7f ? String.format("\\x%02x", cp)
                            : cp < 0x10000 ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
                }
            }
        });
        return out.append('"').toString();
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                 Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }
}
