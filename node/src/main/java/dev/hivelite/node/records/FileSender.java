package dev.hivelite.node.records;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sends a stored file as PocketBase's file system serves one (Go's {@code http.ServeContent}
 * beneath): its type judged by content (a few extensions forced so browsers load them), shown
 * inline only for types a browser displays safely and never with {@code ?download=1}, sandboxed by
 * a Content-Security-Policy, cacheable, with one byte range ({@code Range}, {@code If-Range}) and
 * the conditional requests that need no ETag ({@code If-Modified-Since} → 304,
 * {@code If-Unmodified-Since} → 412, and {@code If-Match}/{@code If-None-Match}, which only
 * {@code *} can satisfy). A protected file is never cached (PocketBase lets caches keep it: its
 * URL holds a short-lived token, yet a shared cache would serve it to anyone with that URL).
 */
final class FileSender {

    static final String CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
    static final String PUBLIC_CACHE = "max-age=2592000, stale-while-revalidate=86400";
    static final String PROTECTED_CACHE = "private, no-store";
    /** Content types a browser may show in place; everything else downloads (PocketBase's list). */
    static final Set<String> INLINE_TYPES = Set.of("image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp",
            "image/x-icon", "image/bmp", "video/webm", "video/mp4", "video/3gpp", "video/quicktime", "video/x-ms-wmv",
            "audio/basic", "audio/aiff", "audio/mpeg", "audio/midi", "audio/mp3", "audio/wave", "audio/wav",
            "audio/x-wav", "audio/x-mpeg", "audio/x-m4a", "audio/aac", "application/pdf", "application/x-pdf");
    /** Extensions whose type PocketBase forces so browsers load them (sniffing gets them wrong). */
    static final Map<String, String> EXTENSION_TYPES = Map.of(".svg", "image/svg+xml", ".css", "text/css",
            ".js", "text/javascript", ".mjs", "text/javascript");
    private static final HeaderName IF_MATCH = HeaderNames.create("If-Match");
    private static final HeaderName IF_NONE_MATCH = HeaderNames.create("If-None-Match");
    private static final HeaderName IF_MODIFIED_SINCE = HeaderNames.create("If-Modified-Since");
    private static final HeaderName IF_UNMODIFIED_SINCE = HeaderNames.create("If-Unmodified-Since");
    private static final HeaderName IF_RANGE = HeaderNames.create("If-Range");

    private FileSender() {
    }

    /** One byte range of a file; the whole file when the request asked for none. */
    record Range(long start, long length, boolean partial) {
    }

    static void send(ServerRequest req, ServerResponse res, Path file, String name, boolean isProtected) {
        try {
            long size = Files.size(file);
            Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
            String type = FileTypes.detect(file, name, null);
            int dot = name.lastIndexOf('.');
            String forced = dot < 0 ? null : EXTENSION_TYPES.get(name.substring(dot).toLowerCase(Locale.ROOT));
            boolean download = parseBool(req.query().first("download").orElse(""));
            res.header(HeaderNames.CONTENT_DISPOSITION,
                    (!download && INLINE_TYPES.contains(type) ? "inline" : "attachment") + "; filename=" + name)
               .header(HeaderNames.CONTENT_TYPE, forced != null ? forced
                       : type.startsWith("text/") ? type + "; charset=utf-8" : type)
               .header(HeaderNames.create("Content-Security-Policy"), CSP)
               .header(HeaderNames.CACHE_CONTROL, isProtected ? PROTECTED_CACHE : PUBLIC_CACHE)
               .header(HeaderNames.LAST_MODIFIED, DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atOffset(
                       ZoneOffset.UTC)));
            Status precondition = precondition(req, modified);
            if (precondition != null) {
                if (precondition == Status.NOT_MODIFIED_304) {
                    res.headers().remove(HeaderNames.CONTENT_TYPE);
                }
                res.status(precondition).send();
                return;
            }
            res.header(HeaderNames.ACCEPT_RANGES, "bytes");
            Range range = range(honoredRange(req, modified), size);
            if (range == null) {
                res.status(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416)
                   .header(HeaderNames.CONTENT_RANGE, "bytes */" + size)
                   .send();
                return;
            }
            if (range.partial()) {
                res.status(Status.PARTIAL_CONTENT_206).header(HeaderNames.CONTENT_RANGE,
                        "bytes " + range.start() + "-" + (range.start() + range.length() - 1) + "/" + size);
            }
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(range.length()));
            if ("HEAD".equals(req.prologue().method().text())) {
                res.send();
                return;
            }
            copy(file, range, res);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path file, Range range, ServerResponse res) throws IOException {
        try (InputStream in = Files.newInputStream(file); OutputStream out = res.outputStream()) {
            in.skipNBytes(range.start());
            byte[] buffer = new byte[64 * 1024];
            long left = range.length();
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /**
     * The answer the request's preconditions call for instead of the file (304 or 412), or null, in
     * the order RFC 9110 (and Go) judge them. Without an ETag, {@code If-Match} holds only for
     * {@code *}, and {@code If-None-Match} fails only for it.
     */
    static Status precondition(ServerRequest req, Instant modified) {
        Optional<String> ifMatch = req.headers().first(IF_MATCH);
        if (ifMatch.isPresent()) {
            if (!star(ifMatch.get())) {
                return Status.PRECONDITION_FAILED_412;
            }
        } else {
            Instant since = date(req.headers().first(IF_UNMODIFIED_SINCE));
            if (since != null && modified.isAfter(since)) {
                return Status.PRECONDITION_FAILED_412;
            }
        }
        boolean read = List.of("GET", "HEAD").contains(req.prologue().method().text());
        Optional<String> ifNoneMatch = req.headers().first(IF_NONE_MATCH);
        if (ifNoneMatch.isPresent()) {
            if (star(ifNoneMatch.get())) {
                return read ? Status.NOT_MODIFIED_304 : Status.PRECONDITION_FAILED_412;
            }
            return null;
        }
        Instant since = date(req.headers().first(IF_MODIFIED_SINCE));
        return read && since != null && !modified.isAfter(since) ? Status.NOT_MODIFIED_304 : null;
    }

    /** Whether a list of entity tags holds {@code *}, the only one that can match a file served without an ETag. */
    private static boolean star(String tags) {
        for (String tag : tags.split(",")) {
            if (tag.trim().equals("*")) {
                return true;
            }
        }
        return false;
    }

    /** The Range header, unless an {@code If-Range} no longer holds (an ETag never does, a date only if it is the file's). */
    private static String honoredRange(ServerRequest req, Instant modified) {
        String range = req.headers().first(HeaderNames.RANGE).orElse("");
        Optional<String> ifRange = req.headers().first(IF_RANGE);
        if (range.isEmpty() || ifRange.isEmpty()) {
            return range;
        }
        Instant date = date(ifRange);
        return date != null && date.equals(modified) ? range : "";
    }

    private static Instant date(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(header.get().trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null; // an unreadable date is no condition, as Go ignores it
        }
    }

    /**
     * One {@code bytes=} range ({@code a-b}, {@code a-}, {@code -n}); the whole file for none, a malformed or
     * multi-range header (as allowed: a server may ignore Range); null when unsatisfiable (416).
     */
    static Range range(String header, long size) {
        if (!header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return new Range(0, size, false);
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        try {
            if (dash < 0) {
                return new Range(0, size, false);
            }
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) {
                    return null;
                }
                long length = Math.min(suffix, size);
                return new Range(size - length, length, true);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start >= size || end < start) {
                return start >= size ? null : new Range(0, size, false);
            }
            return new Range(start, end - start + 1, true);
        } catch (NumberFormatException e) {
            return new Range(0, size, false);
        }
    }

    /** Go's strconv.ParseBool, which PocketBase uses for {@code ?download=}. */
    static boolean parseBool(String raw) {
        return List.of("1", "t", "T", "TRUE", "true", "True").contains(raw);
    }
}
