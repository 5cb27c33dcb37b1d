package dev.hivelite.node.http;

import java.util.List;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.RequestContext;

/**
 * What the HTTP layer leaves to the application, checked once for every request. A query string
 * whose percent-escapes do not decode is a 400 here (the lazy decoding would fail deep in a handler,
 * as a 500), as is a conditional date or a range the dashboard's static files cannot read (Helidon's
 * static content fails on them with a 500; the API's own file routes read them themselves). A body
 * framed ambiguously (Content-Length against Content-Length or Transfer-Encoding) is refused with its
 * connection closed, and so is the connection of a body whose framing breaks while it is read. The
 * part of a request body a handler did not read is read and dropped after the answer: the server
 * keeps a connection open after {@code Connection: close}, and would otherwise take those bytes for
 * the next request on it: a body could smuggle requests past the answer that refused it.
 */
final class RequestGuard {

    private RequestGuard() {
    }

    /** Before routing: a query string that does not decode, or a dashboard request's unreadable date, is a 400 (framing: {@link #framed}). */
    static void check(RoutingRequest req) {
        String rawQuery = req.prologue().query().rawValue();
        if (rawQuery.indexOf('%') >= 0 && !decodable(rawQuery)) {
            throw new ApiException.BadRequest("The query string has an invalid percent-encoding (a % must be"
                    + " followed by two hexadecimal digits; send % itself as %25).");
        }
        checkDashboard(req);
    }

    /**
     * Before routing, whether the request's body is framed one way only; if not, it is refused and its
     * connection closed, as RFC 9112 (6.3) has it: Content-Length values that disagree or are no
     * number, a Transfer-Encoding beside a Content-Length, a transfer coding other than chunked. A
     * proxy in front may read such a request's length otherwise than the server does, and whatever
     * it takes for the rest of one body would be run here as a request of its own (smuggling).
     */
    static boolean framed(RoutingRequest req, RoutingResponse res) {
        String why = framingProblem(req);
        if (why == null) {
            return true;
        }
        // Answered here and the connection closed: Helidon would read on after a refusal, and the
        // rest of the body would be its next request.
        res.status(Status.BAD_REQUEST_400).header(HeaderValues.CONNECTION_CLOSE).header(HeaderValues.CONTENT_TYPE_JSON)
           .send(Json.bytes(new ErrorBody(400, "The request's body framing is refused: " + why + ".", Map.of())));
        throw new CloseConnectionException("ambiguous request body framing");
    }

    /** What makes the request's body length ambiguous, or null. */
    private static String framingProblem(RoutingRequest req) {
        List<String> lengths = req.headers().all(HeaderNames.CONTENT_LENGTH, List::of);
        boolean transferCoded = req.headers().contains(HeaderNames.TRANSFER_ENCODING);
        if (!lengths.isEmpty()) {
            if (transferCoded) {
                return "both Transfer-Encoding and Content-Length";
            }
            String first = null;
            for (String value : lengths) {
                for (String length : value.split(",", -1)) {
                    String n = length.strip();
                    if (!digits(n) || first != null && !first.equals(n)) {
                        return "an invalid or ambiguous Content-Length";
                    }
                    first = n;
                }
            }
        }
        if (transferCoded) {
            List<String> codings = req.headers().all(HeaderNames.TRANSFER_ENCODING, List::of);
            if (codings.size() != 1 || !codings.getFirst().strip().equalsIgnoreCase("chunked")) {
                return "a transfer coding other than chunked";
            }
        }
        return null;
    }

    /** Whether a Content-Length value is a plain decimal that fits a long (one to 18 digits). */
    private static boolean digits(String n) {
        if (n.isEmpty() || n.length() > 18) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
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

    /**
     * After the answer: what is left of the request body is read and dropped. A body whose framing
     * broke (while the handler read it, or now) leaves the connection where no request starts: it is
     * closed.
     */
    static void discardUnread(RoutingRequest req) {
        boolean broken = RequestContext.isBodyUnreadable(req);
        try {
            if (!broken && req.content().hasEntity() && !req.content().consumed()) {
                req.content().consume();
            }
        } catch (RuntimeException e) {
            broken = true;
        }
        if (broken) {
            throw new CloseConnectionException("the request body's framing is broken");
        }
    }
}
