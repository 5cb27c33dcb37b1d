package dev.hivelite.node.http;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hostile and half-plausible inputs for {@link ApiFuzzTest}, all drawn from one seeded
 * {@link java.util.Random} so that a run can be repeated request for request: strings (unicode, NUL,
 * quotes, huge), JSON of every type and depth, filter/sort/fields/expand expressions, multipart
 * bodies whole and broken, and header values. Nothing here names a host: no input can make the
 * worker reach the network.
 */
final class FuzzInputs {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings that have hurt parsers, SQL builders and encoders before. */
    private static final List<String> NASTY = List.of("", " ", "'", "\"", "\\", "%", "%00", "%zz", "_", "*", "?", "#",
            "a\u0000b", "\u0000", "\u202etxet", "日本語", "ünïcødé", "🙂🙃", "\ud83d", "\uffff", "../../etc/passwd", "..",
            "<script>alert(1)</script>", "' OR 1=1 --", "\"; DROP TABLE kinds; --", "null", "true", "[]", "{}", "1e400",
            "-0", "NaN", "Infinity", "9223372036854775808", "-9223372036854775809", "0x1F", "2024-13-45 99:99:99",
            "2024-01-01 10:00:00.000Z", "1970-01-01", "@request.auth.id", "@collection.kinds.text", "a,b,c", "a b",
            "\t\r\n", "x".repeat(300), "é".repeat(2001), "id", "email", "password", "tokenKey", "@jsonPayload",
            "user@example.com", "fuzz@example.com", "a@b", "http://", "ftp://x", "data:text/html,x", "a.b.c.d.e.f.g.h");

    final java.util.Random random;

    FuzzInputs(java.util.Random random) {
        this.random = random;
    }

    int below(int n) {
        return random.nextInt(n);
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    @SafeVarargs
    final <T> T pickOf(T... from) {
        return from[random.nextInt(from.length)];
    }

    /** A string: short random text, a nasty one, or (rarely) a long one. */
    String text() {
        int kind = below(100);
        if (kind < 35) {
            return word(below(12));
        }
        if (kind < 75) {
            return pick(NASTY);
        }
        if (kind < 90) {
            return unicode(below(20) + 1);
        }
        if (kind < 98) {
            return "y".repeat(1000 + below(80_000));
        }
        return "z".repeat(1_100_000 + below(200_000));
    }

    /** Letters and digits only: a name that might exist. */
    String word(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append("abcdefghijklmnopqrstuvwxyz0123456789_".charAt(below(37)));
        }
        return b.toString();
    }

    /** Code points from everywhere, surrogate halves and controls included. */
    String unicode(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (below(6)) {
                case 0 -> b.append((char) below(0x20));
                case 1 -> b.append((char) (0xD800 + below(0x800)));
                case 2 -> b.appendCodePoint(0x1F300 + below(0x300));
                case 3 -> b.append((char) (0x80 + below(0x700)));
                default -> b.append((char) (0x20 + below(0x5F)));
            }
        }
        return b.toString();
    }

    /** A number of any size or sign, sometimes one no Java primitive holds. */
    JsonNode number() {
        return switch (below(10)) {
            case 0 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 1 -> NODES.numberNode(new BigDecimal("1e400"));
            case 2 -> NODES.numberNode(new BigDecimal("-1e-400"));
            case 3 -> NODES.numberNode(Long.MAX_VALUE);
            case 4 -> NODES.numberNode(Integer.MIN_VALUE);
            case 5 -> NODES.numberNode(-0.0);
            case 6 -> NODES.numberNode(random.nextDouble() * 1e6 - 5e5);
            case 7 -> NODES.numberNode(Double.MAX_VALUE);
            default -> NODES.numberNode(below(2000) - 1000);
        };
    }

    /** Any JSON value, at most {@code depth} levels deep. */
    JsonNode json(int depth) {
        int kind = below(depth <= 0 ? 5 : 8);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> number();
            case 3, 4 -> NODES.textNode(text());
            case 5 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = below(5); i > 0; i--) {
                    a.add(json(depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = below(5); i > 0; i--) {
                    o.set(chance(70) ? word(1 + below(8)) : text(), json(depth - 1));
                }
                yield o;
            }
        };
    }

    /** JSON nested past any parser's depth limit. */
    String deepNesting() {
        int depth = pickOf(999, 1001, 5_000, 100_000);
        return chance(50) ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A JSON object whose text holds bytes that are not UTF-8. */
    byte[] badUtf8() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"text\":\"".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xc0, (byte) 0x80, (byte) 0xed, (byte) 0xa0, (byte) 0x80});
        out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** A JSON object of many keys, some given twice. */
    String manyKeys() {
        StringBuilder b = new StringBuilder("{");
        int count = pickOf(2, 1000, 20_000);
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i % (count / 2 + 1)).append("\":").append(i);
        }
        return b.append("}").toString();
    }

    /** A JSON text broken in one of the ways clients break it. */
    String malformed(String valid) {
        return switch (below(6)) {
            case 0 -> valid.substring(0, below(Math.max(1, valid.length())));
            case 1 -> valid + pickOf("}", ",", "garbage", "\u0000", "{}");
            case 2 -> "{" + valid;
            case 3 -> valid.replace('"', '\'');
            case 4 -> "{\"a\":" + pickOf("01", "1.", ".5", "+1", "0x10", "tru", "NaN", "'x'", "\"\\x\"", "\"\\ud800\"") + "}";
            default -> new String(new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b, 0x7d}, StandardCharsets.ISO_8859_1);
        };
    }

    /** A query parameter value, percent-encoded. */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A path segment: usually one of {@code known}, else garbage (percent-encoded). */
    String segment(List<String> known) {
        if (chance(80)) {
            return pick(known);
        }
        return enc(pickOf(text(), word(15), "..", ".", "%2F", " ", "_superusers", "_mfas"));
    }

    /** A filter expression over {@code fields}: valid-looking, sometimes mangled. */
    String filter(List<String> fields) {
        String f = expression(fields, 3);
        if (chance(20)) {
            StringBuilder b = new StringBuilder(f);
            int at = below(b.length() + 1);
            if (chance(50) && b.length() > 0 && at < b.length()) {
                b.deleteCharAt(at);
            } else {
                b.insert(at, pickOf("(", ")", "'", "\"", "&&", "||", "~", "\\", "\u0000", "@", ":", "."));
            }
            f = b.toString();
        }
        return f;
    }

    private String expression(List<String> fields, int depth) {
        if (depth > 0 && chance(35)) {
            String joined = expression(fields, depth - 1) + pickOf(" && ", " || ", "&&", " ") + expression(fields, depth - 1);
            return chance(30) ? "(" + joined + ")" : joined;
        }
        return operand(fields) + " " + pickOf("=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?~", "?!~",
                "?<=", "===", "") + " " + operand(fields);
    }

    private String operand(List<String> fields) {
        return switch (below(12)) {
            case 0, 1, 2, 3 -> pick(fields) + (chance(20) ? pickOf(":lower", ":length", ":each", ":isset", ":changed", ":x") : "");
            case 4 -> "'" + text().replace("'", "\\'") + "'";
            case 5 -> "\"" + word(below(6)) + "\"";
            case 6 -> String.valueOf(below(200) - 100);
            case 7 -> pickOf("true", "false", "null", "''", "1.5e3", "-0", "123456789012345678901234567890");
            case 8 -> pickOf("@request.auth.id", "@request.auth.email", "@request.auth.collectionName", "@request.method",
                    "@request.context", "@request.query.x", "@request.body.text", "@request.headers.x_forwarded_for",
                    "@request.body.sel:length", "@request.auth.owner.id", "@now", "@second", "@yesterday",
                    "@todayStart", "@monthEnd", "@collection.kinds.text", "@collection.users.email",
                    "@collection.kinds:alias.num", "@collection.nope.x", "@request.body.files:each");
            case 9 -> pickOf("geoDistance(pos.lon, pos.lat, 1, 2)", "geoDistance(1,2)", "strftime('%Y', created)",
                    "strftime('%s')", "nope(1)");
            case 10 -> pickOf("owner.email", "owner.id", "others.text", "others.others.others.num", "kinds_via_owner.text",
                    "kinds_via_others.id", "meta.a.b", "meta.0", "pos.lat", "files:length", "sel:each", "owner.nope");
            default -> word(1 + below(6));
        };
    }

    /** A comma list built from {@code pool} and garbage, {@code prefix}ed now and then. */
    String list(List<String> pool, String... prefixes) {
        List<String> parts = new ArrayList<>();
        for (int i = 1 + below(4); i > 0; i--) {
            String p = chance(85) ? pick(pool) : pickOf(text(), "", " ", ",,");
            parts.add(prefixes.length > 0 && chance(40) ? pickOf(prefixes) + p : p);
        }
        return String.join(",", parts);
    }

    /** A value for {@code ?page=}, {@code ?perPage=} and the like. */
    String count() {
        return pickOf("1", "2", "0", "-1", "500", "501", "1000000", "99999999999999999999", "1.5", "abc", "", "1e3",
                String.valueOf(below(40)));
    }

    /** A header value: printable ASCII only, which the HTTP client lets through. */
    String headerValue() {
        String v = switch (below(4)) {
            case 0 -> word(below(30));
            case 1 -> pickOf("", " ", "\t", ",", ";", "=", "\"", "*", "bytes=0-0", "x".repeat(2000));
            default -> {
                StringBuilder b = new StringBuilder();
                for (int i = below(40); i > 0; i--) {
                    b.append((char) (0x21 + below(0x5E)));
                }
                yield b.toString();
            }
        };
        return v.strip();
    }

    String forwardedFor() {
        return switch (below(8)) {
            case 0 -> "1.2.3." + below(256);
            case 1 -> "2001:db8::" + Integer.toHexString(below(65536));
            case 2 -> "999.999.999.999, 10.0.0." + below(256);
            case 3 -> "unknown, ::ffff:1.2.3.4, fe80::1%eth0";
            case 4 -> String.join(",", java.util.Collections.nCopies(1 + below(300), "10.1.2." + below(256)));
            case 5 -> "[::1]:8080, 1.2.3.4:99";
            case 6 -> "localhost";
            default -> headerValue();
        };
    }

    String httpDate() {
        return pickOf("Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
                "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "yesterday",
                "0", "-1", "Mon, 32 Foo 2020 99:99:99 GMT", headerValue());
    }

    String range() {
        return pickOf("bytes=0-0", "bytes=0-", "bytes=-1", "bytes=-0", "bytes=5-1", "bytes=0-99999999999999999999",
                "bytes=99999999999999999999-", "bytes=1-2,3-4,5-6", "bytes=a-b", "items=0-1", "bytes=", "bytes=-", "bytes",
                "bytes=0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1, 0-1",
                headerValue());
    }

    /** A multipart body under {@code boundary}: fields, {@code @jsonPayload}, files, or broken framing. */
    byte[] multipart(String boundary, List<String[]> fields, List<FilePart> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] field : fields) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n" + field[1] + "\r\n");
        }
        for (FilePart file : files) {
            write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field() + "\"; filename=\""
                    + file.filename() + "\"\r\n" + (file.contentType() == null ? "" : "Content-Type: " + file.contentType() + "\r\n")
                    + "\r\n");
            out.writeBytes(file.content());
            write(out, "\r\n");
        }
        switch (below(10)) {
            case 0 -> { } // never closed
            case 1 -> write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"x\"\r\n"); // a part cut short
            case 2 -> write(out, "--" + boundary + "\r\n\r\nno disposition\r\n--" + boundary + "--\r\n");
            case 3 -> write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + "n".repeat(20_000)
                    + "\"\r\n\r\nv\r\n--" + boundary + "--\r\n");
            default -> write(out, "--" + boundary + "--\r\n");
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** One file of a multipart body. */
    record FilePart(String field, String filename, String contentType, byte[] content) {
    }

    /** A file name as clients send them, from the ordinary to the hostile. */
    String filename() {
        return pickOf("a.png", "photo.jpg", "doc.txt", "", "noext", ".hidden", "../../escape.png", "a/b\\c.png",
                "ünï 名前.png", "x".repeat(300) + ".png", "a\"b.png", "a;b=c.png", "%2e%2e.png", "a.PNG", "a.jpeg.exe",
                "CON.png", word(5) + ".gif", "a.webp", "a.svg");
    }

    String contentType() {
        return pickOf("image/png", "image/jpeg", "text/plain", "application/octet-stream", "image/svg+xml", "", "garbage",
                "image/png; charset=x", null);
    }
}
