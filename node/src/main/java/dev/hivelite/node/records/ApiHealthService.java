package dev.hivelite.node.records;

import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.hivelite.node.common.Responses;

/**
 * PocketBase's {@code GET /api/health} ({@code pb.health.check()}), at the root for {@code main} and
 * under {@code /db/{db}} for the others (404 for a database that does not exist). The worker's own
 * probe, with its id and stage, is {@code /_/health}.
 */
public final class ApiHealthService implements HttpService {

    private final Scopes scopes;

    public ApiHealthService(Scopes scopes) {
        this.scopes = scopes;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : Scopes.PREFIXES) {
            rules.get(p + "/api/health", this::health)
                 .head(p + "/api/health", this::health);
        }
    }

    /** Headers a reverse proxy commonly sets, checked in this order after the ones the settings trust. */
    private static final java.util.List<String> PROXY_HEADERS = java.util.List.of("CF-Connecting-IP", "Fly-Client-IP",
            "X-Real-IP", "X-Forwarded-For");

    /**
     * As PocketBase tells superusers: the first header the database's {@code trustedProxy} settings
     * name, else the first common proxy header, that the request carries with a value (the client
     * address shown may be the proxy's); else empty.
     */
    private static String possibleProxyHeader(ServerRequest req, Scopes.Scope scope) {
        for (java.util.List<String> names : java.util.List.of(scope.trustedProxyHeaders(), PROXY_HEADERS)) {
            for (String name : names) {
                if (!req.headers().first(io.helidon.http.HeaderNames.create(name)).orElse("").isEmpty()) {
                    return name;
                }
            }
        }
        return "";
    }

    private void health(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Map<String, Object> data = new LinkedHashMap<>();
            if (scope.admin) {
                data.put("canBackup", true);
                data.put("realIP", scope.clientIp(req));
                data.put("requireS3", false);
                data.put("possibleProxyHeader", possibleProxyHeader(req, scope));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message", "API is healthy.");
            body.put("code", 200);
            body.put("data", data);
            Responses.json(req, res, body);
        }
    }
}
