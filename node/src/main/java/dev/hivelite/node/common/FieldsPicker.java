package dev.hivelite.node.common;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * PocketBase's {@code ?fields=}: a comma-separated list of (dotted) keys to keep, {@code *} for the
 * other keys of a level, and the {@code :excerpt(max, withEllipsis?)} modifier on text values. A key
 * that is kept is kept whole, even when a longer path also names it ({@code a,a.b} keeps all of
 * {@code a}). A list that PocketBase cannot read (unbalanced parentheses or quotes, a modifier other
 * than excerpt, an excerpt without a positive max or with more than two arguments) is a 400, as
 * PocketBase answers it.
 */
public final class FieldsPicker {

    /** An excerpt to apply to a kept text value. */
    private record Excerpt(int max, boolean ellipsis) {
        String apply(String html) {
            return HtmlText.excerpt(html, max, ellipsis);
        }
    }

    /** The listed keys, each with its modifier (null for none), in the order given (the last of equal keys wins). */
    private final Map<String, Excerpt> fields;

    private FieldsPicker(Map<String, Excerpt> fields) {
        this.fields = fields;
    }

    /** Null when {@code fields} is empty: keep everything. */
    public static FieldsPicker parse(String fields) {
        if (fields == null || fields.isBlank()) {
            return null;
        }
        Map<String, Excerpt> parsed = new LinkedHashMap<>();
        for (String token : tokens(fields, ",", false)) {
            String field = HtmlText.trimSpace(token);
            int colon = field.indexOf(':');
            if (colon < 0) {
                parsed.put(field, null);
            } else {
                parsed.put(field.substring(0, colon), modifier(field.substring(colon + 1)));
            }
        }
        return parsed.isEmpty() ? null : new FieldsPicker(parsed);
    }

    /** A modifier such as {@code excerpt(200, true)}: its name, then its arguments. */
    private static Excerpt modifier(String raw) {
        List<String> parts = tokens(raw, "(), ", true);
        if (parts.isEmpty() || !parts.getFirst().equals("excerpt")) {
            throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
        }
        List<String> args = parts.subList(1, parts.size());
        if (args.isEmpty() || args.size() > 2) {
            throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
        }
        long max = toInt(args.getFirst());
        if (max <= 0) {
            throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
        }
        boolean ellipsis = args.size() > 1 && parseBool(args.get(1));
        return new Excerpt((int) Math.min(Integer.MAX_VALUE, max), ellipsis);
    }

    /**
     * Go's {@code cast.ToInt} of text: an integer literal as {@code strconv.ParseInt(s, 0, 64)} reads
     * it (sign, {@code 0x}/{@code 0o}/{@code 0b} or a leading 0 for octal, underscores between digits),
     * after a zero fraction is cut ({@code "2.0"}); anything else, or past 64 bits, is 0.
     */
    static long toInt(String s) {
        String text = trimZeroDecimal(s);
        boolean negative = text.startsWith("-");
        if (negative || text.startsWith("+")) {
            text = text.substring(1);
        }
        int radix = 10;
        String digits = text;
        boolean prefixed = false;
        if (text.length() >= 2 && text.charAt(0) == '0') {
            char b = Character.toLowerCase(text.charAt(1));
            if (b == 'x' || b == 'o' || b == 'b') {
                radix = b == 'x' ? 16 : b == 'o' ? 8 : 2;
                digits = text.substring(2);
                prefixed = true;
            } else {
                radix = 8;
                digits = text.substring(1);
            }
        }
        if (digits.contains("_")) {
            // Go's literal syntax: an underscore follows a base prefix or a digit, and precedes a digit.
            if (digits.startsWith("_") && !prefixed || digits.endsWith("_") || digits.contains("__")) {
                return 0;
            }
            digits = digits.replace("_", "");
        }
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c < 0x80)) {
            return 0; // "0" itself, a prefix without digits, or digits Go does not read
        }
        try {
            return new java.math.BigInteger((negative ? "-" : "") + digits, radix).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return 0;
        }
    }

    private static String trimZeroDecimal(String s) {
        boolean foundZero = false;
        for (int i = s.length(); i > 0; i--) {
            char c = s.charAt(i - 1);
            if (c == '.') {
                if (foundZero) {
                    return s.substring(0, i - 1);
                }
            } else if (c == '0') {
                foundZero = true;
            } else {
                return s;
            }
        }
        return s;
    }

    /** Go's {@code strconv.ParseBool} as {@code cast.ToBool} uses it: anything it does not read is false. */
    static boolean parseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            default -> false;
        };
    }

    /**
     * PocketBase's tokenizer: {@code text} cut at any of {@code separators} outside quotes (and
     * outside parentheses unless {@code parenthesesAreSeparators}), each token trimmed, empty ones
     * dropped; an unclosed quote or parenthesis is an error.
     */
    private static List<String> tokens(String text, String separators, boolean parenthesesAreSeparators) {
        List<String> out = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        int depth = 0;
        char quote = 0;
        char prev = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (prev != '\\') {
                if (!parenthesesAreSeparators && c == '(' && quote == 0) {
                    depth++;
                } else if (!parenthesesAreSeparators && c == ')' && depth > 0 && quote == 0) {
                    depth--;
                } else if (c == '\'' || c == '"' || c == '`') {
                    quote = quote == c ? 0 : quote == 0 ? c : quote;
                }
            }
            if (separators.indexOf(c) >= 0 && depth == 0 && quote == 0) {
                add(out, token, separators);
                prev = 0;
                continue;
            }
            prev = c;
            token.append(c);
        }
        if (depth > 0 || quote != 0) {
            throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
        }
        add(out, token, separators);
        return out;
    }

    private static void add(List<String> out, StringBuilder token, String separators) {
        String trimmed = trim(token.toString(), separators);
        if (!trimmed.isEmpty()) {
            out.add(trimmed);
        }
        token.setLength(0);
    }

    /** The tokenizer's trim: its white space characters, less those that separate. */
    private static String trim(String s, String separators) {
        String cutset = "\t\n\u000B\f\r \u0085\u00A0";
        int from = 0;
        int to = s.length();
        while (from < to && cutset.indexOf(s.charAt(from)) >= 0 && separators.indexOf(s.charAt(from)) < 0) {
            from++;
        }
        while (to > from && cutset.indexOf(s.charAt(to - 1)) >= 0 && separators.indexOf(s.charAt(to - 1)) < 0) {
            to--;
        }
        return s.substring(from, to);
    }

    public void apply(JsonNode node) {
        pick(node, new LinkedHashMap<>(fields));
    }

    private static void pick(JsonNode node, Map<String, Excerpt> fields) {
        if (node instanceof ArrayNode array) {
            // As PocketBase: a list is picked item by item when it holds objects, otherwise kept.
            if (!array.isEmpty() && array.get(0).isObject()) {
                array.forEach(item -> {
                    if (item instanceof ObjectNode object) {
                        pickObject(object, fields);
                    }
                });
            }
        } else if (node instanceof ObjectNode object) {
            pickObject(object, fields);
        }
    }

    private static void pickObject(ObjectNode object, Map<String, Excerpt> fields) {
        if (fields.isEmpty()) {
            return;
        }
        if (fields.containsKey("*")) {
            Excerpt all = fields.get("*");
            object.fieldNames().forEachRemaining(key -> {
                if (fields.keySet().stream().noneMatch(f -> (f + ".").startsWith(key + "."))) {
                    fields.put(key, all);
                }
            });
        }
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            Map<String, Excerpt> rest = new LinkedHashMap<>();
            boolean whole = false;
            Excerpt modifier = null;
            for (Map.Entry<String, Excerpt> f : fields.entrySet()) {
                if (!(f.getKey() + ".").startsWith(key + ".")) {
                    continue;
                }
                String remains = f.getKey().length() == key.length() ? "" : f.getKey().substring(key.length() + 1);
                if (remains.isEmpty()) {
                    whole = true;
                    modifier = f.getValue();
                } else {
                    rest.put(remains, f.getValue());
                }
            }
            if (whole) {
                if (modifier != null && e.getValue().isTextual()) {
                    e.setValue(TextNode.valueOf(modifier.apply(e.getValue().asText())));
                }
            } else if (rest.isEmpty()) {
                it.remove();
            } else {
                pick(e.getValue(), rest);
            }
        }
    }
}
