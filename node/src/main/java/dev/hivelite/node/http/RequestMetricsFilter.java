package dev.hivelite.node.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.observe.DatabaseAnalytics;
import dev.hivelite.node.observe.NodeMetrics;

/** Times every request and records it by method, route template and status, and per database. */
final class RequestMetricsFilter implements Filter {

    /** The route label of requests no route matched: one series, whatever the path. */
    static final String UNMATCHED = "unmatched";

    private final NodeMetrics metrics;
    private final DatabaseAnalytics analytics;

    RequestMetricsFilter(NodeMetrics metrics, DatabaseAnalytics analytics) {
        this.metrics = metrics;
        this.analytics = analytics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        metrics.requestStarted();
        RequestContext.begin();
        try {
            chain.proceed();
        } finally {
            metrics.requestFinished();
            String route = req.matchingPattern().filter(p -> !p.isEmpty()).orElse(UNMATCHED);
            long nanos = System.nanoTime() - start;
            metrics.recordRequest(req.prologue().method().text(), route, res.status().code(), nanos);
            RequestContext.database(req).ifPresent(db -> analytics.request(db.id(), db.name(), res.status().code(), nanos));
            RequestContext.end();
        }
    }
}
