package dev.hivelite.node.http;

import java.util.List;

import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import dev.hivelite.node.observe.WorkerState;

/**
 * While the worker drains, every answer carries {@code Connection: close}, so keep-alive clients open
 * their next request on a new connection, which the kernel gives to another worker. Closing idle
 * keep-alive connections outright races with clients sending on them at that moment: the rolling
 * restart benchmark lost ~40 requests per restart that way. It also applies the {@link RequestGuard}
 * to every request, and sets on every answer the security headers PocketBase's securityHeaders
 * middleware sets (apis/middlewares.go): no MIME sniffing, no framing by other origins, the XSS filter.
 */
final class DrainFilter implements Filter {

    /** Names the worker that answered, for operators and the cluster tests (which worker holds a stream). */
    static final io.helidon.http.HeaderName WORKER = io.helidon.http.HeaderNames.create("X-Hivelite-Worker");

    /** PocketBase's security headers, built once. */
    private static final List<Header> SECURITY_HEADERS = List.of(
            HeaderValues.create("X-XSS-Protection", "1; mode=block"),
            HeaderValues.create("X-Content-Type-Options", "nosniff"),
            HeaderValues.create("X-Frame-Options", "SAMEORIGIN"));

    private final WorkerState state;
    private final String workerId;

    DrainFilter(WorkerState state) {
        this.state = state;
        this.workerId = Integer.toString(state.workerId());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(WORKER, workerId);
        for (Header header : SECURITY_HEADERS) {
            res.header(header);
        }
        if (state.stage() == WorkerState.Stage.DRAINING) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        // The request guard rides on this filter: one filter less per request on the hot path.
        if (!RequestGuard.framed(req, res)) {
            return; // refused, and the connection closes
        }
        try {
            RequestGuard.check(req);
            chain.proceed();
        } finally {
            RequestGuard.discardUnread(req);
        }
    }
}
