package dev.hivelite.node.platform;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS per database: a browser on an origin listed in the database's {@code corsOrigins} (or any
 * origin with {@code *}) may call that database's routes ({@code /api/databases/{name}/query},
 * {@code …/export}); preflights from other origins get 403 and no CORS headers, so the browser blocks
 * the call. Platform routes send no CORS headers at all: the dashboard is same-origin.
 */
public final class CorsService implements Filter {

    /** The database routes that CORS applies to; platform routes are not matched. */
    static final Pattern DATABASE_ROUTE = Pattern.compile("^/api/databases/([a-z0-9][a-z0-9_-]{0,62})/(query|export)$");
    static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type";
    static final String MAX_AGE = "600";

    private final DatabaseDirectory databases;

    public CorsService(DatabaseDirectory databases) {
        this.databases = databases;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            chain.proceed();
            return;
        }
        Matcher route = DATABASE_ROUTE.matcher(req.path().rawPath());
        boolean allowed = route.matches() && databases.byName(route.group(1))
                .map(db -> db.corsOrigins().contains("*") || db.corsOrigins().contains(origin.get()))
                .orElse(false);
        boolean preflight = "OPTIONS".equals(req.prologue().method().text())
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.header(HeaderNames.VARY, "Origin");
        }
        if (preflight) {
            if (allowed) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                   .header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                   .header(HeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE)
                   .status(Status.NO_CONTENT_204).send();
            } else {
                res.status(Status.FORBIDDEN_403).send();
            }
            return;
        }
        chain.proceed();
    }
}
