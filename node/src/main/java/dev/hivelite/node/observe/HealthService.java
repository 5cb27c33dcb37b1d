package dev.hivelite.node.observe;

import java.time.Clock;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.Json;

/**
 * {@code /_/health} on the public port: answers for the worker that took the connection, so a
 * client that opens many connections sees every worker. Always 200 when it answers at all: a worker
 * that is draining still serves the requests it accepted, and the port stays healthy because the
 * other workers take new connections; {@code "status":"draining"} says which case this is. The
 * cluster's view (503 when a worker is missing) is the management port's {@code /_/health}.
 */
public final class HealthService implements HttpService {

    private final WorkerState state;
    private final Clock clock;

    public HealthService(WorkerState state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/_/health", this::view)
             .head("/_/health", this::head);
    }

    private void view(ServerRequest req, ServerResponse res) {
        HealthResponse health = HealthResponse.of(state, clock.instant());
        res.header(HeaderValues.CONTENT_TYPE_JSON)
           .header(HeaderValues.CACHE_NO_CACHE)
           .send(Json.bytes(health));
    }

    private void head(ServerRequest req, ServerResponse res) {
        HealthResponse health = HealthResponse.of(state, clock.instant());
        res.header(HeaderValues.CONTENT_TYPE_JSON)
           .header(HeaderNames.CONTENT_LENGTH, String.valueOf(Json.bytes(health).length))
           .send();
    }
}
