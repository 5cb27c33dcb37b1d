package dev.hivelite.node.platform;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS per database. The data API of a database ({@code /api/...} for {@code main},
 * {@code /db/{name}/api/...}) answers browsers on any origin while its {@code corsOrigins} is empty,
 * with {@code Access-Control-Allow-Origin: *} as PocketBase does by default, and only the listed
 * origins (named back) once it is set. There, as in PocketBase, every {@code OPTIONS} request is a
 * preflight answered 204, with the CORS headers only for an allowed origin, so the browser blocks the
 * others. The database routes of the platform ({@code /api/databases/{name}/query}, {@code …/export})
 * answer only listed origins (or any with {@code *}) and refuse other preflights with 403; platform
 * routes send no CORS headers at all: the dashboard is same-origin. Every answer varies by Origin.
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
    private static final Header VARY_ORIGIN = HeaderValues.create(HeaderNames.VARY, "Origin");
    private static final Header VARY_PREFLIGHT = HeaderValues.create(HeaderNames.VARY,
            "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers");

    private final DatabaseDirectory databases;

    public CorsService(DatabaseDirectory databases) {
        this.databases = databases;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(VARY_ORIGIN);
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        boolean options = req.prologue().method() == Method.OPTIONS;
        if (origin.isEmpty() && !options) {
            chain.proceed();
            return;
        }
        String path = req.path().rawPath();
        Matcher route = DATABASE_ROUTE.matcher(path);
        // Platform routes take only a preflight as the Fetch standard defines it, with Origin and the method asked for.
        boolean strictPreflight = options && origin.isPresent() && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (route.matches()) {
            platformDatabase(chain, res, origin, strictPreflight, route.group(1));
            return;
        }
        if (PLATFORM.stream().anyMatch(path::startsWith)) {
            if (strictPreflight) {
                res.status(Status.FORBIDDEN_403).send();
            } else {
                chain.proceed();
            }
            return;
        }
        Matcher data = DATA_ROUTE.matcher(path);
        String name = data.matches() ? data.group(1) : path.startsWith("/api/") ? DatabaseStore.MAIN : null;
        String allowed = origin.isEmpty() || name == null ? null : databases.byName(name)
                .map(db -> db.corsOrigins().isEmpty() || db.corsOrigins().contains("*") ? "*"
                        : db.corsOrigins().contains(origin.get()) ? origin.get() : null)
                .orElse(null);
        if (allowed != null) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        }
        if (!options) {
            chain.proceed();
            return;
        }
        if (allowed != null) {
            res.header(VARY_PREFLIGHT)
               .header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, DATA_METHODS)
               .header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                       req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS).orElse(ALLOWED_HEADERS))
               .header(HeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /** {@code /api/databases/{name}/query} and {@code …/export}: only the database's listed origins. */
    private void platformDatabase(FilterChain chain, RoutingResponse res, Optional<String> origin, boolean preflight,
                                  String name) {
        boolean allowed = origin.isPresent() && databases.byName(name)
                .map(db -> db.corsOrigins().contains("*") || db.corsOrigins().contains(origin.get()))
                .orElse(false);
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
        }
        if (!preflight) {
            chain.proceed();
        } else if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
               .header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
               .header(HeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE)
               .status(Status.NO_CONTENT_204).send();
        } else {
            res.status(Status.FORBIDDEN_403).send();
        }
    }
}
