package dev.hivelite.node.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plain text of an HTML fragment as PocketBase's {@code :excerpt} modifier makes it: text of
 * every element but a few that hold no reading text (scripts, forms, media, the head), a space
 * around each block element and none around inline ones ({@code t<b>es</b>t} reads "test"), runs
 * of ASCII whitespace collapsed, entities decoded, then cut at a number of UTF-8 bytes.
 *
 * <p>PocketBase walks the tree Go's HTML5 parser builds; this walks the tags as they come, closing
 * elements as their end tags (or the end of the text) close them. The two read alike for the
 * markup editors write; they part where HTML5 moves content around (misnested tables, text before
 * {@code <html>}).
 */
final class HtmlText {

    private HtmlText() {
    }

    private static final Set<String> INLINE = Set.of("a", "abbr", "acronym", "b", "bdo", "big", "br", "button",
            "cite", "code", "em", "i", "label", "q", "small", "span", "strong", "strike", "sub", "sup", "time");

    private static final Set<String> EXCLUDED = Set.of("head", "style", "script", "iframe", "embed", "applet",
            "object", "svg", "img", "picture", "dialog", "template", "button", "form", "textarea", "input", "select",
            "option");

    private static final Set<String> VOID = Set.of("area", "base", "br", "col", "embed", "hr", "img", "input",
            "keygen", "link", "meta", "param", "source", "track", "wbr");

    /** Elements whose content is text up to their end tag (entities decoded in the RCDATA ones). */
    private static final Set<String> RAW = Set.of("script", "style", "xmp", "iframe", "noembed", "noframes",
            "noscript", "textarea", "title");
    private static final Set<String> RCDATA = Set.of("textarea", "title");

    /** Go's {@code \s} in RE2: ASCII whitespace without the vertical tab. */
    private static final Pattern WHITESPACE = Pattern.compile("[\\t\\n\\f\\r ]+");

    /**
     * The excerpt: the plain text trimmed, and when longer than {@code max} UTF-8 bytes, its first
     * {@code max} bytes trimmed again (a character cut in two shows as U+FFFD per byte left, as Go's
     * JSON writes it), with "..." after when {@code ellipsis}.
     */
    static String excerpt(String html, int max, boolean ellipsis) {
        Walk walk = new Walk(max);
        walk.run(html);
        String text = trimSpace(walk.out.toString());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return text;
        }
        String cut = trimSpace(utf8Prefix(bytes, max));
        return ellipsis ? cut + "..." : cut;
    }

    /** The first {@code n} bytes as text; the bytes of a character cut in two each read as U+FFFD. */
    private static String utf8Prefix(byte[] bytes, int n) {
        int end = n;
        int start = end;
        while (start > 0 && start > end - 4 && (bytes[start - 1] & 0xC0) == 0x80) {
            start--;
        }
        if (start > 0) {
            int lead = bytes[start - 1] & 0xFF;
            int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (length > end - (start - 1)) {
                start--; // an incomplete character: its bytes are replaced below
            } else {
                start = end;
            }
        }
        return new String(bytes, 0, start, StandardCharsets.UTF_8) + "\uFFFD".repeat(end - start);
    }

    /** Go's {@code strings.TrimSpace}: Unicode white space at both ends. */
    static String trimSpace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isSpace(char c) {
        return c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == ' ' || c == 0x85
                || Character.isSpaceChar(c);
    }

    /** One pass over the markup, writing text as PocketBase's tree walk does. */
    private static final class Walk {
        final StringBuilder out = new StringBuilder();
        private final int stopAt;
        private int bytes;
        private boolean prevSpace;
        /** Open elements, innermost first. */
        private final Deque<String> open = new ArrayDeque<>();

        Walk(int max) {
            // PocketBase stops reading once past max+2 bytes: what follows cannot reach the excerpt.
            this.stopAt = max + 2;
        }

        void run(String html) {
            int i = 0;
            int n = html.length();
            StringBuilder text = new StringBuilder();
            while (i < n && bytes <= stopAt) {
                char c = html.charAt(i);
                if (c != '<' || i + 1 >= n) {
                    text.append(c);
                    i++;
                    continue;
                }
                char next = html.charAt(i + 1);
                if (next == '!' || next == '?' || next == '/' && (i + 2 >= n || !Character.isLetter(html.charAt(i + 2)))) {
                    flush(text);
                    i = skipComment(html, i);
                } else if (Character.isLetter(next) || next == '/') {
                    flush(text);
                    i = tag(html, i);
                } else {
                    text.append(c);
                    i++;
                }
            }
            flush(text);
        }

        private static int skipComment(String html, int i) {
            if (html.startsWith("<!--", i)) {
                int end = html.indexOf("-->", i + 4);
                return end < 0 ? html.length() : end + 3;
            }
            int end = html.indexOf('>', i + 1);
            return end < 0 ? html.length() : end + 1;
        }

        /** A start or end tag at {@code i}; returns where the markup goes on. */
        private int tag(String html, int i) {
            boolean closing = html.charAt(i + 1) == '/';
            int nameStart = i + (closing ? 2 : 1);
            int j = nameStart;
            while (j < html.length() && !isTagEnd(html.charAt(j))) {
                j++;
            }
            String name = html.substring(nameStart, j).toLowerCase(Locale.ROOT);
            int end = endOfTag(html, j);
            if (closing) {
                close(name);
                return end;
            }
            if (EXCLUDED.contains(name)) {
                return VOID.contains(name) ? end : skipElement(html, name, end);
            }
            boolean block = !INLINE.contains(name);
            if (block) {
                boundary();
            }
            if (VOID.contains(name)) {
                if (block) {
                    boundary();
                }
                return end;
            }
            if (RAW.contains(name)) {
                int close = findEndTag(html, name, end);
                String raw = html.substring(end, close);
                text(RCDATA.contains(name) ? Entities.decode(raw) : raw);
                if (block) {
                    boundary();
                }
                return close >= html.length() ? close : endOfTag(html, close + 2);
            }
            open.push(name);
            return end;
        }

        private static boolean isTagEnd(char c) {
            return c == '>' || c == '/' || Character.isWhitespace(c);
        }

        /** Past the {@code >} that ends the tag whose attributes start at {@code j}, quoted values skipped. */
        private static int endOfTag(String html, int j) {
            char quote = 0;
            boolean afterEquals = false;
            for (; j < html.length(); j++) {
                char c = html.charAt(j);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '>') {
                    return j + 1;
                } else if (afterEquals && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (c == '=') {
                    afterEquals = true;
                    continue;
                }
                if (!Character.isWhitespace(c)) {
                    afterEquals = false;
                }
            }
            return html.length();
        }

        /** Past an excluded element: its content and nested elements of the same name. */
        private static int skipElement(String html, String name, int from) {
            if (RAW.contains(name)) {
                int close = findEndTag(html, name, from);
                return close >= html.length() ? close : endOfTag(html, close + 2);
            }
            if (name.equals("head")) {
                int close = findEndTag(html, name, from);
                int body = indexOfIgnoreCase(html, "<body", from);
                if (body >= 0 && body < close) {
                    return body;
                }
                return close >= html.length() ? close : endOfTag(html, close + 2);
            }
            int depth = 1;
            int j = from;
            while (j < html.length()) {
                int lt = html.indexOf('<', j);
                if (lt < 0) {
                    return html.length();
                }
                boolean closing = lt + 1 < html.length() && html.charAt(lt + 1) == '/';
                int nameStart = lt + (closing ? 2 : 1);
                if (html.regionMatches(true, nameStart, name, 0, name.length())
                        && (nameStart + name.length() >= html.length() || isTagEnd(html.charAt(nameStart + name.length())))) {
                    depth += closing ? -1 : 1;
                    int end = endOfTag(html, nameStart + name.length());
                    if (depth == 0) {
                        return end;
                    }
                    j = end;
                } else {
                    j = lt + 1;
                }
            }
            return html.length();
        }

        /** Where {@code </name} starts at or after {@code from}, or the end of the text. */
        private static int findEndTag(String html, String name, int from) {
            int j = from;
            while (true) {
                int at = indexOfIgnoreCase(html, "</" + name, j);
                if (at < 0) {
                    return html.length();
                }
                int after = at + 2 + name.length();
                if (after >= html.length() || isTagEnd(html.charAt(after))) {
                    return at;
                }
                j = at + 1;
            }
        }

        private static int indexOfIgnoreCase(String s, String what, int from) {
            for (int j = from; j + what.length() <= s.length(); j++) {
                if (s.regionMatches(true, j, what, 0, what.length())) {
                    return j;
                }
            }
            return -1;
        }

        /** An end tag closes its element and those opened inside it; one that matches none is ignored. */
        private void close(String name) {
            if (!open.contains(name)) {
                if (name.equals("p") || name.equals("br")) {
                    boundary(); // HTML5 reads a stray </p> as an empty paragraph and </br> as <br>
                }
                return;
            }
            while (!open.isEmpty()) {
                String top = open.pop();
                if (!INLINE.contains(top)) {
                    boundary();
                }
                if (top.equals(name)) {
                    return;
                }
            }
        }

        private void flush(StringBuilder text) {
            if (!text.isEmpty()) {
                text(Entities.decode(text.toString()));
                text.setLength(0);
            }
        }

        private void text(String raw) {
            String t = WHITESPACE.matcher(raw).replaceAll(" ");
            if (prevSpace) {
                int k = 0;
                while (k < t.length() && t.charAt(k) == ' ') {
                    k++;
                }
                t = t.substring(k);
            }
            if (!t.isEmpty()) {
                prevSpace = t.endsWith(" ");
                append(t);
            }
        }

        private void boundary() {
            if (!prevSpace) {
                append(" ");
                prevSpace = true;
            }
        }

        private void append(String s) {
            out.append(s);
            bytes += utf8Length(s);
        }

        private static int utf8Length(String s) {
            int n = 0;
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            }
            return n;
        }
    }

    /** HTML character references: numeric ones, and the named ones editors write. */
    static final class Entities {

        private Entities() {
        }

        private static final Map<String, String> NAMED = Map.ofEntries(
                Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
                Map.entry("apos", "'"), Map.entry("nbsp", "\u00A0"), Map.entry("ensp", "\u2002"),
                Map.entry("emsp", "\u2003"), Map.entry("thinsp", "\u2009"), Map.entry("zwnj", "\u200C"),
                Map.entry("zwj", "\u200D"), Map.entry("shy", "\u00AD"), Map.entry("copy", "\u00A9"),
                Map.entry("reg", "\u00AE"), Map.entry("trade", "\u2122"), Map.entry("hellip", "\u2026"),
                Map.entry("mdash", "\u2014"), Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"),
                Map.entry("rsquo", "\u2019"), Map.entry("sbquo", "\u201A"), Map.entry("ldquo", "\u201C"),
                Map.entry("rdquo", "\u201D"), Map.entry("bdquo", "\u201E"), Map.entry("laquo", "\u00AB"),
                Map.entry("raquo", "\u00BB"), Map.entry("lsaquo", "\u2039"), Map.entry("rsaquo", "\u203A"),
                Map.entry("bull", "\u2022"), Map.entry("middot", "\u00B7"), Map.entry("para", "\u00B6"),
                Map.entry("sect", "\u00A7"), Map.entry("deg", "\u00B0"), Map.entry("plusmn", "\u00B1"),
                Map.entry("times", "\u00D7"), Map.entry("divide", "\u00F7"), Map.entry("micro", "\u00B5"),
                Map.entry("cent", "\u00A2"), Map.entry("pound", "\u00A3"), Map.entry("yen", "\u00A5"),
                Map.entry("euro", "\u20AC"), Map.entry("curren", "\u00A4"), Map.entry("iexcl", "\u00A1"),
                Map.entry("iquest", "\u00BF"), Map.entry("frac12", "\u00BD"), Map.entry("frac14", "\u00BC"),
                Map.entry("frac34", "\u00BE"), Map.entry("sup1", "\u00B9"), Map.entry("sup2", "\u00B2"),
                Map.entry("sup3", "\u00B3"), Map.entry("larr", "\u2190"), Map.entry("rarr", "\u2192"),
                Map.entry("uarr", "\u2191"), Map.entry("darr", "\u2193"), Map.entry("harr", "\u2194"),
                Map.entry("hearts", "\u2665"), Map.entry("check", "\u2713"), Map.entry("dagger", "\u2020"),
                Map.entry("Dagger", "\u2021"), Map.entry("permil", "\u2030"), Map.entry("prime", "\u2032"),
                Map.entry("infin", "\u221E"), Map.entry("ne", "\u2260"), Map.entry("le", "\u2264"),
                Map.entry("ge", "\u2265"), Map.entry("minus", "\u2212"), Map.entry("auml", "\u00E4"),
                Map.entry("ouml", "\u00F6"), Map.entry("uuml", "\u00FC"), Map.entry("Auml", "\u00C4"),
                Map.entry("Ouml", "\u00D6"), Map.entry("Uuml", "\u00DC"), Map.entry("szlig", "\u00DF"),
                Map.entry("eacute", "\u00E9"), Map.entry("egrave", "\u00E8"), Map.entry("ecirc", "\u00EA"),
                Map.entry("aacute", "\u00E1"), Map.entry("agrave", "\u00E0"), Map.entry("acirc", "\u00E2"),
                Map.entry("iacute", "\u00ED"), Map.entry("oacute", "\u00F3"), Map.entry("uacute", "\u00FA"),
                Map.entry("ntilde", "\u00F1"), Map.entry("ccedil", "\u00E7"), Map.entry("Eacute", "\u00C9"));

        /** Names HTML5 also reads without their semicolon (the legacy ones editors meet). */
        private static final Set<String> LEGACY = Set.of("amp", "lt", "gt", "quot", "nbsp", "copy", "reg");

        static String decode(String s) {
            int amp = s.indexOf('&');
            if (amp < 0) {
                return s;
            }
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            while (amp >= 0) {
                out.append(s, i, amp);
                i = reference(s, amp, out);
                amp = s.indexOf('&', i);
            }
            return out.append(s, i, s.length()).toString();
        }

        /** Decodes the reference at {@code amp} into {@code out}; returns where the text goes on. */
        private static int reference(String s, int amp, StringBuilder out) {
            int j = amp + 1;
            if (j < s.length() && s.charAt(j) == '#') {
                boolean hex = j + 1 < s.length() && (s.charAt(j + 1) == 'x' || s.charAt(j + 1) == 'X');
                int digits = j + (hex ? 2 : 1);
                int k = digits;
                while (k < s.length() && k - digits < 8 && Character.digit(s.charAt(k), hex ? 16 : 10) >= 0) {
                    k++;
                }
                if (k == digits) {
                    out.append('&');
                    return amp + 1;
                }
                int code = Integer.parseInt(s.substring(digits, k), hex ? 16 : 10);
                out.appendCodePoint(code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ? 0xFFFD : code);
                return k < s.length() && s.charAt(k) == ';' ? k + 1 : k;
            }
            int k = j;
            while (k < s.length() && k - j < 10 && Character.isLetterOrDigit(s.charAt(k))) {
                k++;
            }
            String name = s.substring(j, k);
            String value = NAMED.get(name);
            boolean semicolon = k < s.length() && s.charAt(k) == ';';
            if (value != null && (semicolon || LEGACY.contains(name))) {
                out.append(value);
                return semicolon ? k + 1 : k;
            }
            out.append('&');
            return amp + 1;
        }
    }
}
