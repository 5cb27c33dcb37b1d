package dev.hivelite.node.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * A streaming {@code multipart/form-data} reader (Helidon's multipart module does not resolve at
 * 4.3.1). Parts are read one after another; a part's body is a stream valid until {@link #next} is
 * called again, so a large upload goes to disk without being held in memory. Malformed input is a
 * 400 with PocketBase's formatting message.
 */
public final class Multipart {

    /** Longest header block of one part; more is malformed (or hostile). */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    /** "\r\n--boundary": what ends every part body. */
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean finished;
    /** Parts read so far; a form may hold {@link #MAX_PARTS}. */
    private int parts;
    /** More parts than any form of the API needs: each may become a temporary file. */
    public static final int MAX_PARTS = 1000;
    private PartBody current;

    /** One part: its form name, its file name (null for a plain field), its content type, its bytes. */
    public record Part(String name, String filename, String contentType, InputStream body) {
        public boolean isFile() {
            return filename != null;
        }

        /** The body as UTF-8 text, at most {@code max} bytes (400 beyond). */
        /** The part as text, when it is a part of a body with a size limit: 413 past {@code max} bytes. */
        public String bodyText(long max) throws IOException {
            int cap = (int) Math.min(max, Integer.MAX_VALUE - 8);
            byte[] bytes = body.readNBytes(cap + 1);
            if (bytes.length > cap) {
                throw new ApiException.PayloadTooLarge(ApiException.PayloadTooLarge.MESSAGE);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String text(int max) throws IOException {
            byte[] bytes = body.readNBytes(max + 1);
            if (bytes.length > max) {
                throw ApiException.invalid(name, "validation_length_out_of_range", "The value is too long.");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    Multipart(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER + delimiter.length];
        // The body starts with "--boundary" (no leading CRLF): pretend one was there.
        this.buf[0] = '\r';
        this.buf[1] = '\n';
        this.limit = 2;
    }

    /** Whether the request declares a multipart form body. */
    public static boolean isMultipart(ServerRequest req) {
        return req.headers().first(HeaderNames.CONTENT_TYPE)
                .map(v -> v.toLowerCase(Locale.ROOT).startsWith("multipart/form-data"))
                .orElse(false);
    }

    /** The request's form; 400 when it is not multipart or has no boundary. */
    public static Multipart of(ServerRequest req) {
        return of(req, Long.MAX_VALUE, null);
    }

    /**
     * The request's form, of at most {@code maxBytes} bytes in all (parts skipped or not): past it,
     * reading fails with a 413 that says {@code tooLarge}.
     */
    public static Multipart of(ServerRequest req, long maxBytes, String tooLarge) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException.BadRequest("The request must be multipart/form-data.");
        }
        String boundary = parameter(type, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw malformed();
        }
        InputStream body = Bodies.entity(req);
        return new Multipart(maxBytes == Long.MAX_VALUE ? body : new Bounded(body, maxBytes, tooLarge), boundary);
    }

    /** A body that fails with a 413 once more than {@code max} bytes were read from it. */
    private static final class Bounded extends java.io.FilterInputStream {
        private final String tooLarge;
        private long left;

        Bounded(InputStream in, long max, String tooLarge) {
            super(in);
            this.left = max;
            this.tooLarge = tooLarge;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new ApiException.PayloadTooLarge(tooLarge);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (left -= n) < 0) {
                throw new ApiException.PayloadTooLarge(tooLarge);
            }
            return n;
        }
    }

    /** The next part, or empty after the closing boundary; the previous part's body is skipped. */
    public Optional<Part> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        if (current == null) {
            // Skip a preamble up to the first delimiter.
            new PartBody().transferTo(OutputStreamSink.INSTANCE);
        } else {
            current.transferTo(OutputStreamSink.INSTANCE);
        }
        // After a delimiter: "--" closes the form, CRLF starts a part.
        int a = readByte();
        int b = readByte();
        if (a == '-' && b == '-') {
            finished = true;
            return Optional.empty();
        }
        if (a != '\r' || b != '\n') {
            throw malformed();
        }
        if (++parts > MAX_PARTS) {
            throw new ApiException.BadRequest("The form has more than " + MAX_PARTS + " parts.");
        }
        Map<String, String> headers = readHeaders();
        String disposition = headers.getOrDefault("content-disposition", "");
        String name = parameter(disposition, "name");
        if (name == null) {
            throw malformed();
        }
        current = new PartBody();
        return Optional.of(new Part(name, parameter(disposition, "filename"),
                headers.getOrDefault("content-type", "application/octet-stream"), current));
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        while (true) {
            int c = readByte();
            if (c < 0 || ++total > MAX_HEADER_BYTES) {
                throw malformed();
            }
            if (c == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                String text = line.substring(0, end);
                line.setLength(0);
                if (text.isEmpty()) {
                    return headers;
                }
                int colon = text.indexOf(':');
                if (colon > 0) {
                    headers.put(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), text.substring(colon + 1).trim());
                }
            } else {
                line.append((char) c);
            }
        }
    }

    private int readByte() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Compacts and reads more; false at end of input with nothing buffered. */
    private boolean fill() throws IOException {
        if (eof) {
            return pos < limit;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
        return pos < limit;
    }

    private int indexOfDelimiter() {
        outer:
        for (int i = pos; i <= limit - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The bytes of one part, up to (not including) the next delimiter, which it consumes at the end. */
    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] out, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int found = indexOfDelimiter();
                if (found == pos) {
                    pos += delimiter.length;
                    done = true;
                    return -1;
                }
                // Bytes before a found delimiter, or all but a possible delimiter prefix at the end.
                int safe = found >= 0 ? found : Math.max(pos, limit - delimiter.length + 1);
                if (safe > pos) {
                    int n = Math.min(len, safe - pos);
                    System.arraycopy(buf, pos, out, off, n);
                    pos += n;
                    return n;
                }
                if (eof) {
                    throw malformed(); // the closing boundary never came
                }
                int before = limit - pos;
                fill();
                if (limit - pos == before && eof) {
                    throw malformed();
                }
            }
        }
    }

    /** Discards what it is given: skipping a part still has to find its end. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    /** {@code key=value} or {@code key="value"} from a header value such as Content-Disposition. */
    static String parameter(String header, String key) {
        for (String piece : splitParameters(header)) {
            int eq = piece.indexOf('=');
            if (eq > 0 && piece.substring(0, eq).trim().equalsIgnoreCase(key)) {
                String value = piece.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
                }
                return value;
            }
        }
        return null;
    }

    /** Splits on semicolons outside quotes. */
    private static String[] splitParameters(String header) {
        java.util.List<String> pieces = new java.util.ArrayList<>();
        StringBuilder piece = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"' && (i == 0 || header.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                pieces.add(piece.toString());
                piece.setLength(0);
            } else {
                piece.append(c);
            }
        }
        pieces.add(piece.toString());
        return pieces.toArray(String[]::new);
    }

    private static ApiException malformed() {
        return new ApiException.BadRequest("Failed to load the submitted data due to invalid formatting.");
    }
}
