package dev.hivelite.node.http;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;

/**
 * Maps every failure to one JSON shape, once. An {@link ApiException} is sent as it is; anything
 * else is a bug: a generic 500 goes to the client and the cause to the log, never the other way.
 */
final class ErrorHandling {

    private static final Logger LOG = Logger.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, ErrorHandling::apiError)
               .error(Exception.class, ErrorHandling::unexpected);
    }

    /** The last route: anything unmatched is PocketBase's JSON 404, not Helidon's plain text. */
    static void notFound(ServerRequest req, ServerResponse res) {
        throw ApiException.notFound();
    }

    private static void apiError(ServerRequest req, ServerResponse res, ApiException e) {
        send(res, ErrorBody.of(e));
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        LOG.log(Level.SEVERE, "unhandled error on " + req.prologue().method().text() + " "
                + req.path().path(), e);
        send(res, ErrorBody.internal());
    }

    private static void send(ServerResponse res, ErrorBody body) {
        if (res.isSent()) {
            return;
        }
        res.status(Status.create(body.status()))
           .header(HeaderValues.CONTENT_TYPE_JSON)
           .send(Json.bytes(body));
    }
}
