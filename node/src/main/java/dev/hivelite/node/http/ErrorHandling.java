package dev.hivelite.node.http;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Responses;

/**
 * Maps every failure to one JSON shape, once. An {@link ApiException} is sent as it is, as is a status
 * Helidon answers with by throwing; anything else is a bug: a generic 500 goes to the client and the
 * cause to the log, never the other way.
 */
final class ErrorHandling {

    private static final Logger LOG = Logger.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, ErrorHandling::apiError)
               .error(HttpException.class, ErrorHandling::helidonAnswer)
               .error(Exception.class, ErrorHandling::unexpected);
    }

    /** The last route: anything unmatched is PocketBase's JSON 404, not Helidon's plain text. */
    static void notFound(ServerRequest req, ServerResponse res) {
        throw ApiException.notFound();
    }

    private static void apiError(ServerRequest req, ServerResponse res, ApiException e) {
        send(req, res, ErrorBody.of(e));
    }

    /**
     * An answer Helidon itself throws: its static content (the dashboard) answers a conditional request
     * with a 304 this way, a failed precondition with a 412. Such a status is sent as it is, without a
     * body below 400 and in PocketBase's shape from 400; a 5xx is a failure like any other.
     */
    private static void helidonAnswer(ServerRequest req, ServerResponse res, HttpException e) {
        int status = e.status().code();
        if (status >= 500) {
            unexpected(req, res, e);
        } else if (status < 400) {
            if (!res.isSent()) {
                res.status(e.status()).send();
            }
        } else {
            String reason = e.status().reasonPhrase();
            send(req, res, new ErrorBody(status, reason.endsWith(".") ? reason : reason + ".", java.util.Map.of()));
        }
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        LOG.log(Level.SEVERE, "unhandled error on " + req.prologue().method().text() + " "
                + req.path().path(), e);
        send(req, res, ErrorBody.internal());
    }

    private static void send(ServerRequest req, ServerResponse res, ErrorBody body) {
        if (res.isSent()) {
            return;
        }
        Responses.send(req, res.status(Status.create(body.status())), Json.bytes(body));
    }
}
