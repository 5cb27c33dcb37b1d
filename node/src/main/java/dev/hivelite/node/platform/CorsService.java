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
 * CORS per database. The data API of a database ({@code /api/...} for {@code main},
 * {@code /db/{name}/api/...}) answers browsers on any origin while its {@code corsOrigins} is empty,
 * as PocketBase does by default, and only the listed origins once it is set. The database routes of
 * the platform ({@code /api/databases/{name}/query}, {@code …/export}) answer only listed origins
 * (or any with {@code *}). Preflights from other origins get 403 and no CORS headers, so the browser
 * blocks the call. Platform routes send no CORS headers at all: the dashboard is same-origin.
 */
public final class CorsService implements Filter {

    /** The database routes that CORS applies to; platform routes are not matched. */
    static final Pattern DATABASE_ROUTE = Pattern.compile("^/api/databases/([a-z0-9][a-z0-9_-]{0,62})/(query|export)$");
    static final Pattern DATA_ROUTE = Pattern.compile("^/db/([a-z0-9][a-z0-9_-]{0,62})/api/.*$");
    /** Path prefixes of the platform's own routes: no database's API (rate limits skip them too). */
    public static final java.util.List<String> PLATFORM = java.util.List.of("/api/databases", "/api/superusers", "/api/activity",
            "/api/analytics");
    static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    static final String DATA_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
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
        String path = req.path().rawPath();
        Matcher route = DATABASE_ROUTE.matcher(path);
        Matcher data = DATA_ROUTE.matcher(path);
        String name = route.matches() ? route.group(1) : data.matches() ? data.group(1)
                : path.startsWith("/api/") && PLATFORM.stream().noneMatch(path::startsWith) ? DatabaseStore.MAIN : null;
        boolean dataApi = !route.matches() && name != null;
        boolean allowed = name != null && databases.byName(name)
                .map(db -> db.corsOrigins().contains("*") || db.corsOrigins().contains(origin.get())
                        || dataApi && db.corsOrigins().isEmpty())
                .orElse(false);
        boolean preflight = "OPTIONS".equals(req.prologue().method().text())
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.header(HeaderNames.VARY, "Origin");
        }
        if (preflight) {
            if (allowed) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, dataApi ? DATA_METHODS : ALLOWED_METHODS)
                   .header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, dataApi
                           ? req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS).orElse(ALLOWED_HEADERS)
                           : ALLOWED_HEADERS)
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
