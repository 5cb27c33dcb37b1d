package dev.hivelite.node.http;

import io.helidon.webserver.http.RoutingRequest;

import dev.hivelite.node.common.ApiException;

/**
 * What the HTTP layer leaves to the application, checked once for every request: a query string
 * whose percent-escapes do not decode is a 400 here (the lazy decoding would fail deep in a handler,
 * as a 500), as is a conditional date or a range the dashboard's static files cannot read (Helidon's
 * static content fails on them with a 500; the API's own file routes read them themselves);
 * and the part of a request body a handler did not read is read and dropped after the answer. The server keeps a connection open after {@code Connection: close}, and would otherwise take
 * those bytes for the next request on it: a body could smuggle requests past the answer that refused it.
 */
final class RequestGuard {

    private RequestGuard() {
    }

    /** Before routing: a query string that does not decode, or a dashboard request's unreadable date, is a 400. */
    static void check(RoutingRequest req) {
        String rawQuery = req.prologue().query().rawValue();
        if (rawQuery.indexOf('%') >= 0 && !decodable(rawQuery)) {
            throw new ApiException.BadRequest("The query string has an invalid percent-encoding (a % must be"
                    + " followed by two hexadecimal digits; send % itself as %25).");
        }
        checkDashboard(req);
    }

    /** Where Helidon's static content serves the dashboard (and parses the conditional dates itself). */
    private static final String DASHBOARD = "/_/";

    /** Digits of the longest number a Range may hold: every such number fits a long, as Helidon parses them. */
    private static final int MAX_RANGE_DIGITS = 18;

    /**
     * Before routing, for the dashboard's files: an If-Modified-Since or If-Unmodified-Since that is no
     * date is a 400, and a Range with a number past a long a 416 (Go's answer to a range it cannot read).
     */
    static void checkDashboard(RoutingRequest req) {
        if (!req.path().path().startsWith(DASHBOARD)) {
            return;
        }
        try {
            req.headers().ifModifiedSince();
            req.headers().ifUnmodifiedSince();
        } catch (RuntimeException e) {
            throw new ApiException.BadRequest("The If-Modified-Since or If-Unmodified-Since header is not an HTTP date.");
        }
        for (String range : req.headers().all(io.helidon.http.HeaderNames.RANGE, java.util.List::of)) {
            int digits = 0;
            for (int i = 0; i < range.length(); i++) {
                digits = Character.isDigit(range.charAt(i)) ? digits + 1 : 0;
                if (digits > MAX_RANGE_DIGITS) {
                    throw new io.helidon.http.HttpException("Requested Range Not Satisfiable",
                            io.helidon.http.Status.REQUESTED_RANGE_NOT_SATISFIABLE_416, true);
                }
            }
        }
    }

    static boolean decodable(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    /** After the answer: what is left of the request body is read and dropped. */
    static void discardUnread(RoutingRequest req) {
        try {
            if (req.content().hasEntity() && !req.content().consumed()) {
                req.content().consume();
            }
        } catch (RuntimeException e) {
            // the connection is broken or the body malformed: nothing left to read on it
        }
    }
}
