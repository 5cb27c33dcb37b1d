package dev.hivelite.coordinator;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Version;

/**
 * The management port: the whole cluster's health (200 only when all N workers are ready), the
 * aggregated Prometheus metrics, and the rolling restart trigger.
 */
final class ManagementService implements HttpService {

    private final Supervisor supervisor;
    private final ClusterMetrics metrics;
    private final Supplier<Sysctl.MigrateReq> migrateReq;
    private final Runnable rollingRestart;
    private final Clock clock;

    ManagementService(Supervisor supervisor, ClusterMetrics metrics, Supplier<Sysctl.MigrateReq> migrateReq,
                      Runnable rollingRestart, Clock clock) {
        this.supervisor = supervisor;
        this.metrics = metrics;
        this.migrateReq = migrateReq;
        this.rollingRestart = rollingRestart;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/_/health", this::health)
             .head("/_/health", this::healthHead)
             .get("/metrics", this::metrics)
             .post("/_/workers/restart", this::restart);
    }

    private ClusterHealth health() {
        return ClusterHealth.of(supervisor, migrateReq.get(), Version.current(), clock.instant());
    }

    private void health(ServerRequest req, ServerResponse res) {
        ClusterHealth health = health();
        res.status(health.healthy() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
           .header(HeaderValues.CONTENT_TYPE_JSON)
           .header(HeaderValues.CACHE_NO_CACHE)
           .send(Json.bytes(health));
    }

    private void healthHead(ServerRequest req, ServerResponse res) {
        res.status(health().healthy() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503).send();
    }

    private void metrics(ServerRequest req, ServerResponse res) throws InterruptedException {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
           .send(metrics.scrape());
    }

    /** 202 and the restart proceeds in the background; 409 if one is already running. */
    private void restart(ServerRequest req, ServerResponse res) {
        if (supervisor.rollingRestartInProgress()) {
            res.status(Status.CONFLICT_409).header(HeaderValues.CONTENT_TYPE_JSON)
               .send(Json.bytes(Map.of("status", 409, "message", "A rolling restart is already in progress.",
                       "data", Map.of())));
            return;
        }
        rollingRestart.run();
        res.status(Status.ACCEPTED_202).header(HeaderValues.CONTENT_TYPE_JSON)
           .send(Json.bytes(Map.of("status", 202, "message",
                   "Rolling restart started: workers are replaced one at a time; watch /_/health.")));
    }
}
