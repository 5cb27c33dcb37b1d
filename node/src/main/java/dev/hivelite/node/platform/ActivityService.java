package dev.hivelite.node.platform;

import java.util.Map;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;

/**
 * {@code GET /api/activity}: the audit log, newest first, superusers only. Filters: {@code actor},
 * {@code action}, {@code database} (id), {@code since}/{@code until} (timestamps as the log writes
 * them); paging with {@code page} and {@code perPage} as PocketBase lists do.
 */
public final class ActivityService implements HttpService {

    static final int DEFAULT_PER_PAGE = 30;

    private final AuditLog audit;

    public ActivityService(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        Responses.read(rules, "/api/activity", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        RequestContext.principal(req).requireSuperuser();
        var query = req.query();
        int page = positive(query.first("page").orElse("1"), "page", Integer.MAX_VALUE);
        int perPage = positive(query.first("perPage").orElse(String.valueOf(DEFAULT_PER_PAGE)), "perPage", AuditLog.MAX_PER_PAGE);
        AuditLog.Page result = audit.list(new AuditLog.Query(query.first("actor").orElse(null),
                query.first("action").orElse(null), query.first("database").orElse(null),
                query.first("since").orElse(null), query.first("until").orElse(null), page, perPage));
        Responses.send(req, res, Json.bytes(result));
    }

    private static int positive(String text, String name, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.invalid(Map.of(name, new FieldError("validation_invalid_value", "Must be a whole number from 1 to " + max + ".")));
    }
}
