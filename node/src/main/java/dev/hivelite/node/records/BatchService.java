package dev.hivelite.node.records;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.FieldsPicker;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.settings.Settings;
import dev.hivelite.node.settings.SettingsStore;
import dev.hivelite.node.settings.RateLimiter;

/**
 * {@code POST /api/batch}: record creates, updates, upserts and deletes of one database in one
 * transaction, all or nothing, as PocketBase runs them (off unless the database's settings enable
 * it; at most {@code batch.maxRequests} items; {@code batch.timeout} seconds from when the
 * transaction starts). Each item runs with the caller's rights and its collection's rules, which
 * see the item's own method, url query, body and headers. A failing item rolls everything back
 * and is reported under {@code data.requests.<index>} with its own error response; a timeout is a
 * bare 400. Files and events of the items follow the commit only. {@link BatchForm} reads and
 * checks the request.
 */
public final class BatchService implements HttpService {

    private static final Pattern UPSERT = Pattern.compile("^PUT /api/collections/([^/?]+)/records(\\?.*)?$");
    private static final Pattern CREATE = Pattern.compile("^POST /api/collections/([^/?]+)/records(\\?.*)?$");
    private static final Pattern UPDATE = Pattern.compile("^PATCH /api/collections/([^/?]+)/records/([^/?]+)(\\?.*)?$");
    private static final Pattern DELETE = Pattern.compile("^DELETE /api/collections/([^/?]+)/records/([^/?]+)(\\?.*)?$");
    static final String FAILED = "Batch transaction failed.";
    /** PocketBase's message for an error that carries none of its own. */
    /** {@code batch.maxBodySize} 0 means PocketBase's 128 MiB; {@code batch.timeout} 0 means 3 seconds. */
    static final long DEFAULT_MAX_BODY = 128L << 20;
    static final long DEFAULT_TIMEOUT_SECONDS = 3;

    private final Scopes scopes;
    private final RecordOperations operations;
    private final SettingsStore settings;
    /** Times {@code batch.timeout}. */
    private final Clock clock;

    public BatchService(Scopes scopes, RecordOperations operations, SettingsStore settings, Clock clock) {
        this.scopes = scopes;
        this.operations = operations;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : Scopes.PREFIXES) {
            rules.post(p + "/api/batch", this::batch);
        }
    }

    private void batch(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Settings s = settings.get(scope.db.id(), scope.lease.db());
            if (!s.batchEnabled() || s.batchMaxRequests() <= 0) {
                throw new ApiException.Forbidden("Batch requests are not allowed.");
            }
            long maxBody = s.batchMaxBodySize() > 0 ? s.batchMaxBodySize() : DEFAULT_MAX_BODY;
            List<BatchForm.Item> items = BatchForm.read(req, operations, maxBody);
            try {
                BatchForm.validate(items, s.batchMaxRequests());
                hashAhead(scope, items);
                long timeout = (s.batchTimeoutSeconds() > 0 ? s.batchTimeoutSeconds() : DEFAULT_TIMEOUT_SECONDS) * 1000;
                List<RecordOperations.Done> done = new ArrayList<>();
                List<Map<String, Object>> results = scope.lease.db().write(c -> {
                    done.clear();
                    // Counted from when the transaction holds the database, as PocketBase counts it.
                    long deadline = clock.millis() + timeout;
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (int i = 0; i < items.size(); i++) {
                        try {
                            out.add(run(c, scope, req, items.get(i), done));
                        } catch (ApiException e) {
                            throw failed(i, e);
                        }
                        if (clock.millis() > deadline) {
                            throw new ApiException.BadRequest(FAILED); // a timeout names no item
                        }
                    }
                    return out;
                });
                operations.afterBatch(scope, done);
                Responses.json(req, res, results);
            } finally {
                BatchForm.discard(items);
            }
        }
    }

    /**
     * The bcrypt work of the items that create or update records, done on this thread before the
     * write (see {@link PasswordWork}): new passwords hashed, an owner's old password checked against
     * the record as it is. An item whose route or collection does not resolve is left to fail in the
     * write, as it would.
     */
    private static void hashAhead(Scopes.Scope scope, List<BatchForm.Item> items) {
        for (BatchForm.Item item : items) {
            String full = item.method() + " " + localUrl(scope, item);
            Matcher m;
            String id;
            if ((m = CREATE.matcher(full)).matches()) {
                id = "";
            } else if ((m = UPDATE.matcher(full)).matches()) {
                id = decode(m.group(2));
            } else if ((m = UPSERT.matcher(full)).matches()) {
                id = Values.text(item.body().get("id"));
            } else {
                continue;
            }
            scope.schema.find(decode(m.group(1))).ifPresent(c -> PasswordWork.ahead(scope, c, id, item.submitted()));
        }
    }

    /** An item's url within this database: "/db/{name}/api/..." names this database or is an unknown route. */
    private static String localUrl(Scopes.Scope scope, BatchForm.Item item) {
        return item.url().startsWith("/db/" + scope.db.name() + "/api/")
                ? item.url().substring(("/db/" + scope.db.name()).length()) : item.url();
    }

    private static ApiException failed(int index, ApiException cause) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", cause.status());
        response.put("message", cause.getMessage());
        response.put("data", cause.data());
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("code", "batch_request_failed");
        item.put("message", "Batch request failed.");
        item.put("response", response);
        return ApiException.BadRequest.nested(FAILED, Map.of("requests", Map.of(Integer.toString(index), item)));
    }

    /**
     * Runs one item as the route its method and url name would, with the caller's rights; rules see
     * the item's own method (an upsert's PATCH or POST), url query, body and headers.
     */
    private Map<String, Object> run(java.sql.Connection c, Scopes.Scope scope, ServerRequest req, BatchForm.Item item,
                                    List<RecordOperations.Done> done) throws java.sql.SQLException {
        String url = localUrl(scope, item); // never another database's
        String full = item.method() + " " + url;
        Matcher m;
        if ((m = UPSERT.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            String id = Values.text(item.body().get("id"));
            boolean exists = !id.isEmpty() && RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL).isPresent();
            // An upsert counts as the update or create it turns into, at that route's method and path.
            String records = "/api/collections/" + m.group(1) + "/records";
            scope.limitBatched(req, collection, exists ? RateLimiter.Action.UPDATE : RateLimiter.Action.CREATE,
                    exists ? "PATCH" : "POST", exists ? records + "/" + id : records);
            return exists ? update(c, scope, req, item, collection, id, m.group(2), done)
                    : create(c, scope, req, item, collection, m.group(2), done);
        }
        if ((m = CREATE.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            scope.limitBatched(req, collection, RateLimiter.Action.CREATE, "POST", path(url));
            return create(c, scope, req, item, collection, m.group(2), done);
        }
        if ((m = UPDATE.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            scope.limitBatched(req, collection, RateLimiter.Action.UPDATE, "PATCH", path(url));
            return update(c, scope, req, item, collection, decode(m.group(2)), m.group(3), done);
        }
        if ((m = DELETE.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            scope.limitBatched(req, collection, RateLimiter.Action.DELETE, "DELETE", path(url));
            RecordOperations.checkWritable(scope, collection);
            if (collection.rules().delete() == null && !scope.admin) {
                throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
            }
            operations.deleteIn(c, scope, collection, decode(m.group(2)),
                    info(req, scope, item, "DELETE", params(m.group(3))), done);
            return result(204, NullNode.getInstance());
        }
        // No route a batch may run (PocketBase answers its generic 400 here).
        throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
    }

    /** A request url's path: what is before its query. */
    private static String path(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static Map<String, Object> result(int status, Object body) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status);
        result.put("body", body);
        return result;
    }

    private Map<String, Object> create(java.sql.Connection c, Scopes.Scope scope, ServerRequest req, BatchForm.Item item,
                                       Collection collection, String query, List<RecordOperations.Done> done)
            throws java.sql.SQLException {
        RecordOperations.checkWritable(scope, collection);
        if (collection.rules().create() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        Map<String, String> params = params(query);
        RecordFiles.FileChanges[] changes = {null};
        @SuppressWarnings("unchecked")
        Map<String, Object>[] saved = new Map[1];
        ObjectNode json = operations.createIn(c, scope, collection, item.submitted(), info(req, scope, item, "POST", params),
                expand(params), changes, saved);
        done.add(new RecordOperations.Done("create", collection, null, saved[0], changes[0]));
        return result(200, pick(params, json));
    }

    private Map<String, Object> update(java.sql.Connection c, Scopes.Scope scope, ServerRequest req, BatchForm.Item item,
                                       Collection collection, String id, String query,
                                       List<RecordOperations.Done> done) throws java.sql.SQLException {
        RecordOperations.checkWritable(scope, collection);
        if (collection.rules().update() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        Map<String, Object> before = RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL)
                .orElseThrow(ApiException::notFound);
        Map<String, String> params = params(query);
        RecordFiles.FileChanges[] changes = {null};
        @SuppressWarnings("unchecked")
        Map<String, Object>[] saved = new Map[1];
        ObjectNode json = operations.updateIn(c, scope, collection, id, item.submitted(),
                info(req, scope, item, "PATCH", params), expand(params), changes, saved);
        done.add(new RecordOperations.Done("update", collection, before, saved[0], changes[0]));
        return result(200, pick(params, json));
    }

    private static Collection collection(Scopes.Scope scope, String key) {
        Collection collection = scope.schema.find(decode(key))
                .orElseThrow(() -> new ApiException.NotFound("Missing collection context."));
        if (Scaffolds.isSuperusers(collection)) {
            throw new ApiException.BadRequest("Superusers are managed at /api/superusers.");
        }
        return collection;
    }

    /**
     * What rules see of an item: the caller, the item's body, its method, the query of its url and
     * the batch request's headers with the item's own over them (never its Authorization: the
     * caller is the batch request's).
     */
    private static RequestInfo info(ServerRequest req, Scopes.Scope scope, BatchForm.Item item, String method,
                                    Map<String, String> query) {
        RequestInfo base = Requests.info(req, scope, item.body());
        Map<String, String> headers = base.headers();
        if (!item.headers().isEmpty()) {
            headers = new HashMap<>(headers);
            for (Map.Entry<String, String> h : item.headers().entrySet()) {
                if (!"authorization".equals(h.getKey())) {
                    headers.put(h.getKey(), h.getValue());
                }
            }
        }
        return new RequestInfo(base.superuser(), base.auth(), base.body(), null, query, headers, method, "batch");
    }

    private static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>();
        if (query == null || query.length() < 2) {
            return out;
        }
        for (String pair : query.substring(1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq != 0 && !pair.isEmpty()) {
                out.putIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static List<String> expand(Map<String, String> params) {
        String e = params.getOrDefault("expand", "");
        return e.isBlank() ? List.of() : List.of(e.split(","));
    }

    private static ObjectNode pick(Map<String, String> params, ObjectNode json) {
        FieldsPicker picker = FieldsPicker.parse(params.get("fields"));
        if (picker != null) {
            picker.apply(json);
        }
        return json;
    }

    /** A url part decoded; one that is not valid percent-encoding is taken as it is. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
