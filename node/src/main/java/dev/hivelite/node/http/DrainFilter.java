package dev.hivelite.node.http;

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
 * restart benchmark lost ~40 requests per restart that way.
 */
final class DrainFilter implements Filter {

    private final WorkerState state;

    DrainFilter(WorkerState state) {
        this.state = state;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (state.stage() == WorkerState.Stage.DRAINING) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        chain.proceed();
    }
}
