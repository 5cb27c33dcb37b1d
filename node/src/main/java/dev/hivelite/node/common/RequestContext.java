package dev.hivelite.node.common;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

/**
 * What the filter chain and the features attach to a request: the caller, the database concerned.
 *
 * <p>Held in a thread-local for the duration of one request, not in Helidon's request context: a
 * request's filters and handler run on its one virtual thread, and the context registry's lookups
 * cost several percent of a point read. The outermost filter calls {@link #begin} and {@link #end},
 * so nothing survives into the next request on the same connection thread.
 */
public final class RequestContext {

    /** The current request's state; null outside a request. */
    private static final ThreadLocal<State> CURRENT = new ThreadLocal<>();

    private static final class State {
        Principal principal = Principal.ANONYMOUS;
        DatabaseRef database;
        /** The body's transfer framing failed mid-read: nothing after it on the connection can be trusted. */
        boolean bodyUnreadable;
    }

    private RequestContext() {
    }

    /** The token of an {@code Authorization} header value, with or without {@code Bearer }. */
    public static String bearerToken(String header) {
        String value = header.trim();
        return value.regionMatches(true, 0, "bearer ", 0, 7) ? value.substring(7).trim() : value;
    }

    /** A request starts: nothing is known of it yet. */
    public static void begin() {
        CURRENT.set(new State());
    }

    /** The request is answered. */
    public static void end() {
        CURRENT.remove();
    }

    /** Set once by the authentication filter, before any feature handler runs. */
    public static void principal(ServerRequest req, Principal principal) {
        State s = CURRENT.get();
        if (s != null) {
            s.principal = principal;
        }
    }

    public static Principal principal(ServerRequest req) {
        State s = CURRENT.get();
        return s == null ? Principal.ANONYMOUS : s.principal;
    }

    /** The database a request concerns, once a feature has resolved it: for per-database analytics. */
    public record DatabaseRef(String id, String name) {
    }

    public static void database(ServerRequest req, String id, String name) {
        State s = CURRENT.get();
        if (s != null) {
            s.database = new DatabaseRef(id, name);
        }
    }

    public static Optional<DatabaseRef> database(ServerRequest req) {
        State s = CURRENT.get();
        return s == null ? Optional.empty() : Optional.ofNullable(s.database);
    }

    /** Reading the request's body failed in its framing (a chunk size that is no number, say). */
    public static void bodyUnreadable(ServerRequest req) {
        State s = CURRENT.get();
        if (s != null) {
            s.bodyUnreadable = true;
        }
    }

    /** Whether {@link #bodyUnreadable} was said of the current request. */
    public static boolean isBodyUnreadable(ServerRequest req) {
        State s = CURRENT.get();
        return s != null && s.bodyUnreadable;
    }
}
