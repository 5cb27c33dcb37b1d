package dev.hivelite.node.settings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.auth.ClientIp;
import dev.hivelite.node.cluster.SharedAllowances;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.storage.SqliteDatabase;

/**
 * Enforces a database's {@code rateLimits} on its API, as PocketBase (v0.23+) does, once they are
 * enabled. One rule at most limits a request: the first that matches its labels, most specific first
 * ({@link Settings.RateLimits#rule}). A route PocketBase tags with a collection's action (the record
 * routes, sign-in and account mails, file downloads) has the labels {@code name:tag}, then
 * {@code *:tag}, for each of its tags, then {@code METHOD /path} and {@code /path}; it is counted per
 * collection and action, whichever rule limits it. Any other route has the two path labels and is
 * counted per rule: {@code /api/} is one allowance for every path it covers.
 *
 * <p>Counts are per client IP and rule, shared by every worker ({@link SharedAllowances}), in
 * PocketBase's window: {@code maxRequests}, refilled once {@code duration} seconds have passed since
 * the last request let through. Superusers, and the database's own API keys, are never limited. A
 * changed rule starts with a full allowance (PocketBase resets every count on any settings change).
 */
public final class RateLimiter {

    /** PocketBase's answer over a limit: 429 with this message and empty data. */
    static final String TOO_MANY_REQUESTS = "Too Many Requests.";

    /** The collection actions PocketBase tags routes with, and their tags; {@code auth} marks every sign-in. */
    public enum Action {
        LIST("list"), VIEW("view"), CREATE("create"), UPDATE("update"), DELETE("delete"),
        LIST_AUTH_METHODS("listAuthMethods"), AUTH_REFRESH("authRefresh"),
        AUTH_WITH_PASSWORD("authWithPassword", "auth"), AUTH_WITH_OAUTH2("authWithOAuth2", "auth"),
        REQUEST_OTP("requestOTP"), AUTH_WITH_OTP("authWithOTP", "auth"),
        REQUEST_PASSWORD_RESET("requestPasswordReset"), CONFIRM_PASSWORD_RESET("confirmPasswordReset"),
        REQUEST_VERIFICATION("requestVerification"), CONFIRM_VERIFICATION("confirmVerification"),
        REQUEST_EMAIL_CHANGE("requestEmailChange"), CONFIRM_EMAIL_CHANGE("confirmEmailChange"),
        FILE("file");

        private final List<String> tags;

        Action(String... tags) {
            this.tags = List.of(tags);
        }

        public List<String> tags() {
            return tags;
        }

        /** A write of records, which PocketBase refuses on a view collection before it counts it. */
        public boolean writes() {
            return this == CREATE || this == UPDATE || this == DELETE;
        }
    }

    private final SettingsStore settings;
    private final SharedAllowances allowances;
    private final Clock clock;

    public RateLimiter(SettingsStore settings, SharedAllowances allowances, Clock clock) {
        this.settings = settings;
        this.allowances = allowances;
        this.clock = clock;
    }

    /**
     * A route without a collection action, at {@code path} (as requested; {@code apiStart} is where
     * its {@code /api/} begins, after any {@code /db/{name}}). 429 when the client is over the rule
     * that matches it.
     */
    public void route(ServerRequest req, String databaseId, Principal principal, String path, int apiStart) {
        Settings current = settings.get(databaseId);
        Settings.RateLimits limits = current.rateLimits();
        if (!limits.enabled() || principal.mayAdminister(databaseId)) {
            return;
        }
        String apiPath = path.substring(apiStart);
        List<String> labels = List.of(req.prologue().method().text() + " " + apiPath, apiPath);
        limits.rule(labels, authenticated(principal, databaseId))
                .ifPresent(rule -> take(req, databaseId, "route", rule, current.trustedProxy()));
    }

    /**
     * A collection's action on this request (its method and path), once the collection is known: 429
     * when the client is over the rule that matches it. {@code db}: the database if the caller holds
     * it open, else null.
     */
    public void action(ServerRequest req, String databaseId, SqliteDatabase db, Principal principal,
                       String collectionId, String collectionName, Action action) {
        Settings current = db == null ? settings.get(databaseId) : settings.get(databaseId, db);
        Settings.RateLimits limits = current.rateLimits();
        if (limits.enabled()) {
            check(req, current, databaseId, principal, collectionId, collectionName, action, false,
                    req.prologue().method().text(), apiPath(req.path().path()));
        }
    }

    /**
     * The same for one request of a batch: its own method and path (inside the database's API).
     * PocketBase counts these apart from the same actions sent on their own.
     */
    public void batched(ServerRequest req, String databaseId, SqliteDatabase db, Principal principal,
                        String collectionId, String collectionName, Action action, String method, String apiPath) {
        Settings current = settings.get(databaseId, db);
        if (current.rateLimits().enabled()) {
            check(req, current, databaseId, principal, collectionId, collectionName, action, true, method, apiPath);
        }
    }

    /**
     * The client's address as this database sees it: through the headers its {@code trustedProxy}
     * settings name, else the socket peer. The address every limit counts by.
     */
    public String clientIp(ServerRequest req, String databaseId, SqliteDatabase db) {
        Settings.TrustedProxy proxy = settings.get(databaseId, db).trustedProxy();
        return proxy.headers().isEmpty() ? ClientIp.of(req) : ClientIp.of(req, proxy.headers(), proxy.useLeftmostIp());
    }

    /** The headers this database's {@code trustedProxy} settings name, in their order. */
    public List<String> trustedProxyHeaders(String databaseId, SqliteDatabase db) {
        return settings.get(databaseId, db).trustedProxy().headers();
    }

    /** A request path without its {@code /db/{name}} prefix: the path inside the database's API. */
    static String apiPath(String path) {
        return path.startsWith("/db/") && path.indexOf('/', 4) > 0 ? path.substring(path.indexOf('/', 4)) : path;
    }

    private void check(ServerRequest req, Settings current, String databaseId, Principal principal,
                       String collectionId, String collectionName, Action action, boolean batched,
                       String method, String apiPath) {
        if (principal.mayAdminister(databaseId)) {
            return;
        }
        List<String> labels = new ArrayList<>(action.tags().size() * 2 + 2);
        for (String tag : action.tags()) {
            labels.add(collectionName + ":" + tag);
        }
        for (String tag : action.tags()) {
            labels.add("*:" + tag);
        }
        labels.add(method + " " + apiPath);
        labels.add(apiPath);
        String counted = "collection|" + collectionId + (batched ? "|batch|" : "|") + action.name();
        current.rateLimits().rule(labels, authenticated(principal, databaseId))
                .ifPresent(rule -> take(req, databaseId, counted, rule, current.trustedProxy()));
    }

    /** An auth record of this database (PocketBase's {@code @auth}); anyone else is a guest. */
    private static boolean authenticated(Principal principal, String databaseId) {
        return principal instanceof Principal.User user && user.databaseId().equals(databaseId);
    }

    private void take(ServerRequest req, String databaseId, String counted, Settings.RateLimitRule rule,
                      Settings.TrustedProxy proxy) {
        // The rule's whole definition is in the key: a changed rule counts afresh.
        String ip = ClientIp.of(req, proxy.headers(), proxy.useLeftmostIp());
        String key = databaseId + "|" + ip + "|" + counted + "|" + rule.label() + "|" + rule.audience()
                + "|" + rule.maxRequests() + "/" + rule.duration();
        if (!allowances.take(key, rule.maxRequests(), rule.duration(), clock.instant().getEpochSecond())) {
            throw new ApiException.TooManyRequests(TOO_MANY_REQUESTS);
        }
    }
}
