package dev.hivelite.node.observe;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.Json;

/**
 * The private loopback port the coordinator probes: liveness, readiness and this worker's metrics.
 * Not reachable from the public port.
 */
public final class PrivateService implements HttpService {

    private final WorkerState state;
    private final NodeMetrics metrics;
    /** Series appended to the registry's, e.g. the per-database ones of {@link DatabaseAnalytics}. */
    private final java.util.function.Supplier<String> extraSeries;

    public PrivateService(WorkerState state, NodeMetrics metrics, java.util.function.Supplier<String> extraSeries) {
        this.state = state;
        this.metrics = metrics;
        this.extraSeries = extraSeries;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/_/live", this::live)
             .get("/_/ready", this::ready)
             .get("/metrics", this::metrics);
    }

    /** Alive: the request thread ran. A hung worker fails this by timing out. */
    private void live(ServerRequest req, ServerResponse res) {
        res.header(HeaderValues.CONTENT_TYPE_JSON).send(Json.bytes(new Probe(state.stage().name().toLowerCase(),
                state.clusterState(), state.pid())));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        res.status(state.ready() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
           .header(HeaderValues.CONTENT_TYPE_JSON)
           .send(Json.bytes(new Probe(state.stage().name().toLowerCase(), state.clusterState(), state.pid())));
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
           .send(metrics.scrape() + extraSeries.get());
    }

    /** What the probes answer. */
    record Probe(String stage, String hazelcast, long pid) {
    }
}
