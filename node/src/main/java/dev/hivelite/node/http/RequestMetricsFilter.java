package dev.hivelite.node.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import dev.hivelite.node.observe.NodeMetrics;

/** Times every request and records it by method, route template and status. */
final class RequestMetricsFilter implements Filter {

    /** The route label of requests no route matched: one series, whatever the path. */
    static final String UNMATCHED = "unmatched";

    private final NodeMetrics metrics;

    RequestMetricsFilter(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        metrics.requestStarted();
        try {
            chain.proceed();
        } finally {
            metrics.requestFinished();
            String route = req.matchingPattern().filter(p -> !p.isEmpty()).orElse(UNMATCHED);
            metrics.recordRequest(req.prologue().method().text(), route, res.status().code(),
                    System.nanoTime() - start);
        }
    }
}
