package dev.hivelite.node.http;

import java.util.List;
import java.util.Optional;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import dev.hivelite.node.auth.Tokens;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.platform.CorsService;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseStore;
import dev.hivelite.node.settings.RateLimiter;

/**
 * The database's rate limits ({@code rateLimits} in its settings) on the routes of its API,
 * {@code /api/...} for {@code main} and {@code /db/{name}/api/...}, by their method and path. The
 * routes PocketBase tags with a collection's action are left to their handlers, which count them once
 * the collection is known (its name is in the labels even when the path gives its id): the records,
 * the sign-in and account-mail routes of a collection, file downloads. The platform's own routes
 * ({@code /api/databases}, …) belong to no database and are never limited here.
 *
 * <p>Runs after authentication: superusers and a database's own keys are never limited. With the
 * limits off, a request costs a path check and the (cached) settings lookup.
 */
final class RateLimitFilter implements Filter {

    /** The actions under {@code /api/collections/{collection}/} whose handlers count them. */
    static final List<String> COLLECTION_ACTIONS = List.of("auth-methods", "auth-refresh", "auth-with-password",
            "auth-with-oauth2", "request-otp", "auth-with-otp", "request-password-reset", "confirm-password-reset",
            "request-verification", "confirm-verification", "request-email-change", "confirm-email-change");
    static final String COLLECTIONS = "/api/collections/";
    static final String FILES = "/api/files/";

    private final DatabaseDirectory databases;
    private final RateLimiter limiter;

    RateLimitFilter(DatabaseDirectory databases, RateLimiter limiter) {
        this.databases = databases;
        this.limiter = limiter;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        int api = apiStart(path);
        if (api >= 0) {
            RateLimiter.Action superusers = superusersAction(path, api);
            if (superusers != null || !countedByHandler(path, api)) {
                Optional<DatabaseStore.Database> db = databases.byName(api == 0 ? DatabaseStore.MAIN : path.substring(4, api));
                if (db.isPresent() && superusers != null) {
                    // The platform's superusers sign in here, not through a database's records: the
                    // collection is _superusers, as PocketBase names it in the labels.
                    limiter.action(req, db.get().id(), null, RequestContext.principal(req),
                            Tokens.SUPERUSERS_COLLECTION_ID, Tokens.SUPERUSERS_COLLECTION_NAME, superusers);
                } else if (db.isPresent()) {
                    limiter.route(req, db.get().id(), RequestContext.principal(req), path, api);
                }
            }
        }
        chain.proceed();
    }

    /**
     * Where the {@code /api/} of a database's API begins in {@code path}: 0 for {@code main}'s, after
     * {@code /db/{name}} for another's; -1 outside any database's API.
     */
    static int apiStart(String path) {
        if (path.startsWith("/api/")) {
            for (String platform : CorsService.PLATFORM) {
                if (path.startsWith(platform)) {
                    return -1;
                }
            }
            return 0;
        }
        if (path.startsWith("/db/")) {
            int slash = path.indexOf('/', 4);
            return slash > 4 && path.startsWith("/api/", slash) ? slash : -1;
        }
        return -1;
    }

    /**
     * Whether the route at {@code path} (its {@code /api/} at {@code api}) is one PocketBase tags with a
     * collection's action: {@code /api/collections/{c}/records[/{id}]}, {@code /api/collections/{c}/}
     * and a sign-in or account-mail action, {@code /api/files/{c}/{record}/{file}}.
     */
    static boolean countedByHandler(String path, int api) {
        if (path.startsWith(COLLECTIONS, api)) {
            int collectionEnd = path.indexOf('/', api + COLLECTIONS.length());
            if (collectionEnd < 0) {
                return false;
            }
            int actionStart = collectionEnd + 1;
            int actionEnd = path.indexOf('/', actionStart);
            if (segmentIs(path, actionStart, actionEnd, "records")) {
                return actionEnd < 0 || path.indexOf('/', actionEnd + 1) < 0;
            }
            if (actionEnd < 0) {
                for (String action : COLLECTION_ACTIONS) {
                    if (segmentIs(path, actionStart, -1, action)) {
                        return true;
                    }
                }
            }
            return false;
        }
        if (path.startsWith(FILES, api)) {
            int collectionEnd = path.indexOf('/', api + FILES.length());
            int recordEnd = collectionEnd < 0 ? -1 : path.indexOf('/', collectionEnd + 1);
            return recordEnd > 0 && path.indexOf('/', recordEnd + 1) < 0;
        }
        return false;
    }

    /** The superusers' sign-in routes ({@code _superusers}' password login and refresh), else null. */
    static RateLimiter.Action superusersAction(String path, int api) {
        int start = api + COLLECTIONS.length();
        String name = Tokens.SUPERUSERS_COLLECTION_NAME;
        if (!path.startsWith(COLLECTIONS, api) || !path.startsWith(name, start) || !path.startsWith("/", start + name.length())) {
            return null;
        }
        int action = start + name.length() + 1;
        return segmentIs(path, action, -1, "auth-with-password") ? RateLimiter.Action.AUTH_WITH_PASSWORD
                : segmentIs(path, action, -1, "auth-refresh") ? RateLimiter.Action.AUTH_REFRESH : null;
    }

    /** Whether the path segment from {@code start} to {@code end} (-1: the end of the path) is {@code segment}. */
    private static boolean segmentIs(String path, int start, int end, String segment) {
        int length = (end < 0 ? path.length() : end) - start;
        return length == segment.length() && path.startsWith(segment, start);
    }
}
