package dev.hivelite.node.http;

import io.helidon.webserver.http.RoutingRequest;

import dev.hivelite.node.common.ApiException;

/**
 * What the HTTP layer leaves to the application, checked once for every request: a query string
 * whose percent-escapes do not decode is a 400 here (the lazy decoding would fail deep in a handler,
 * as a 500), and the part of a request body a handler did not read is read and dropped after the
 * answer. The server keeps a connection open after {@code Connection: close}, and would otherwise take
 * those bytes for the next request on it: a body could smuggle requests past the answer that refused it.
 */
final class RequestGuard {

    private RequestGuard() {
    }

    /** Before routing: a query string that does not decode is a 400. */
    static void check(RoutingRequest req) {
        String rawQuery = req.prologue().query().rawValue();
        if (rawQuery.indexOf('%') >= 0 && !decodable(rawQuery)) {
            throw new ApiException.BadRequest("The query string has an invalid percent-encoding (a % must be"
                    + " followed by two hexadecimal digits; send % itself as %25).");
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
