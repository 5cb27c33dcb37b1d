package dev.hivelite.node.common;

import io.helidon.webserver.http.ServerRequest;

/** What the filter chain attaches to a request for the features: the caller. */
public final class RequestContext {

    private RequestContext() {
    }

    /** Set once by the authentication filter, before any feature handler runs. */
    public static void principal(ServerRequest req, Principal principal) {
        req.context().register(Principal.class, principal);
    }

    public static Principal principal(ServerRequest req) {
        return req.context().get(Principal.class, Principal.class).orElse(Principal.ANONYMOUS);
    }
}
