package dev.hivelite.node.common;

import io.helidon.webserver.http.ServerRequest;

/** What the filter chain and the features attach to a request: the caller, the database concerned. */
public final class RequestContext {

    private RequestContext() {
    }

    /** Set once by the authentication filter, before any feature handler runs. */
    public static void principal(ServerRequest req, Principal principal) {
        req.context().register(Principal.class, principal);
    }

    /** The database a request concerns, once a feature has resolved it: for per-database analytics. */
    public record DatabaseRef(String id, String name) {
    }

    public static void database(ServerRequest req, String id, String name) {
        req.context().register(DatabaseRef.class, new DatabaseRef(id, name));
    }

    public static java.util.Optional<DatabaseRef> database(ServerRequest req) {
        return req.context().get(DatabaseRef.class, DatabaseRef.class);
    }

    public static Principal principal(ServerRequest req) {
        return req.context().get(Principal.class, Principal.class).orElse(Principal.ANONYMOUS);
    }
}
