package dev.hivelite.node.records;

import java.io.IOException;
import java.net.URI;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.FieldsPicker;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Multipart;
import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.settings.Settings;
import dev.hivelite.node.settings.SettingsStore;

/**
 * {@code POST /api/batch}: record creates, updates, upserts and deletes of one database in one
 * transaction, all or nothing, as PocketBase runs them (off unless the database's settings enable
 * it; at most {@code batch.maxRequests} items; {@code batch.timeout} seconds). Each item runs with
 * the caller's rights and its collection's rules. A failing item rolls everything back and is
 * reported under {@code data.requests.<index>} with its own error response. Files and events of
 * the items follow the commit only.
 */
public final class BatchService implements HttpService {

    private static final Pattern UPSERT = Pattern.compile("^PUT /api/collections/([^/?]+)/records(\\?.*)?$");
    private static final Pattern CREATE = Pattern.compile("^POST /api/collections/([^/?]+)/records(\\?.*)?$");
    private static final Pattern UPDATE = Pattern.compile("^PATCH /api/collections/([^/?]+)/records/([^/?]+)(\\?.*)?$");
    private static final Pattern DELETE = Pattern.compile("^DELETE /api/collections/([^/?]+)/records/([^/?]+)(\\?.*)?$");
    private static final Pattern FILE_KEY = Pattern.compile("^requests(?:\\.(\\d+)\\.|\\[(\\d+)]\\.)(.+)$");

    private final Scopes scopes;
    private final RecordOperations operations;
    private final SettingsStore settings;
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

    /** One item: what to do, its body and files. */
    private record Item(String method, String url, ObjectNode body, Map<String, List<RecordOperations.Upload>> files) {
    }

    private void batch(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Settings s = settings.get(scope.db.id(), scope.lease.db());
            if (!s.batchEnabled() || s.batchMaxRequests() <= 0) {
                throw new ApiException.Forbidden("Batch requests are not allowed.");
            }
            long maxBody = s.batchMaxBodySize() > 0 ? s.batchMaxBodySize() : 128L << 20;
            if (req.headers().contentLength().orElse(0) > maxBody) {
                throw new ApiException.PayloadTooLarge("Request entity too large");
            }
            List<Item> items = read(req, maxBody);
            try {
                if (items.isEmpty()) {
                    throw ApiException.BadRequest.nested("Invalid batch request data.",
                            Map.of("requests", new ApiException.FieldError("validation_required", "Cannot be blank.")));
                }
                if (items.size() > s.batchMaxRequests()) {
                    throw ApiException.BadRequest.nested("Invalid batch request data.", Map.of("requests",
                            new ApiException.FieldError("validation_length_too_long",
                                    "The length must be no more than " + s.batchMaxRequests() + ".")));
                }
                validate(items);
                long deadline = System.nanoTime() + Math.max(1, s.batchTimeoutSeconds() > 0 ? s.batchTimeoutSeconds() : 3)
                        * 1_000_000_000L;
                List<RecordOperations.Done> done = new ArrayList<>();
                List<Map<String, Object>> results = scope.lease.db().write(c -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (int i = 0; i < items.size(); i++) {
                        if (System.nanoTime() > deadline) {
                            throw failed(i, new ApiException.BadRequest("Batch transaction timeout."));
                        }
                        try {
                            out.add(run(c, scope, req, items.get(i), done));
                        } catch (ApiException e) {
                            throw failed(i, e);
                        }
                    }
                    return out;
                });
                operations.afterBatch(scope, done);
                Responses.json(req, res, results);
            } finally {
                items.forEach(item -> new RecordOperations.Submitted(item.body(), item.files()).discard());
            }
        }
    }

    /**
     * Every item checked before any runs, as PocketBase's form does: a method of its five (exact
     * case) and a url of at most 2,000 characters, each required. The answer names each bad item.
     */
    private static void validate(List<Item> items) {
        Map<String, Object> bad = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> errors = new LinkedHashMap<>();
            Item item = items.get(i);
            if (item.method().isEmpty()) {
                errors.put("method", new ApiException.FieldError("validation_required", "Cannot be blank."));
            } else if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(item.method())) {
                errors.put("method", new ApiException.FieldError("validation_in_invalid", "Must be a valid value."));
            }
            if (item.url().isEmpty()) {
                errors.put("url", new ApiException.FieldError("validation_required", "Cannot be blank."));
            } else if (item.url().length() > 2000) {
                errors.put("url", new ApiException.FieldError("validation_length_too_long",
                        "The length must be no more than 2000."));
            }
            if (!errors.isEmpty()) {
                bad.put(Integer.toString(i), errors);
            }
        }
        if (!bad.isEmpty()) {
            throw ApiException.BadRequest.nested("Invalid batch request data.", Map.of("requests", bad));
        }
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
        return ApiException.BadRequest.nested("Batch transaction failed.",
                Map.of("requests", Map.of(Integer.toString(index), item)));
    }

    private Map<String, Object> run(java.sql.Connection c, Scopes.Scope scope, ServerRequest req, Item item,
                                    List<RecordOperations.Done> done) throws java.sql.SQLException {
        // "/db/{name}/api/..." names this database or is an unknown route (never another database's).
        String url = item.url().startsWith("/db/" + scope.db.name() + "/api/")
                ? item.url().substring(("/db/" + scope.db.name()).length()) : item.url();
        String full = item.method().toUpperCase(java.util.Locale.ROOT) + " " + url;
        Matcher m;
        String query;
        Map<String, Object> result = new LinkedHashMap<>();
        RecordOperations.Submitted submitted = new RecordOperations.Submitted(item.body(), item.files());
        RecordFiles.FileChanges[] changes = {null};
        @SuppressWarnings("unchecked")
        Map<String, Object>[] saved = new Map[1];
        if ((m = UPSERT.matcher(full)).matches() || (m = CREATE.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            query = m.group(2);
            String id = Fields.text(item.body(), "id");
            boolean upsert = full.startsWith("PUT ");
            boolean exists = upsert && !id.isEmpty()
                    && RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL).isPresent();
            // An upsert counts as the update or create it turns into, at that route's method and path.
            String records = "/api/collections/" + m.group(1) + "/records";
            scope.limitBatched(req, collection, exists ? RateLimiter.Action.UPDATE : RateLimiter.Action.CREATE,
                    exists ? "PATCH" : "POST", exists ? records + "/" + id : records);
            RequestInfo info = info(req, scope, item.body());
            Map<String, Object> before = exists ? RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL).orElseThrow() : null;
            ObjectNode json = exists
                    ? update(c, scope, collection, id, submitted, info, query, changes, saved)
                    : create(c, scope, collection, submitted, info, query, changes, saved);
            done.add(new RecordOperations.Done(exists ? "update" : "create", collection, before, saved[0], changes[0]));
            result.put("status", 200);
            result.put("body", json);
        } else if ((m = UPDATE.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            scope.limitBatched(req, collection, RateLimiter.Action.UPDATE, "PATCH", path(url));
            String id = decode(m.group(2));
            Map<String, Object> before = RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL)
                    .orElseThrow(ApiException::notFound);
            ObjectNode json = update(c, scope, collection, id, submitted, info(req, scope, item.body()), m.group(3), changes, saved);
            done.add(new RecordOperations.Done("update", collection, before, saved[0], changes[0]));
            result.put("status", 200);
            result.put("body", json);
        } else if ((m = DELETE.matcher(full)).matches()) {
            Collection collection = collection(scope, m.group(1));
            scope.limitBatched(req, collection, RateLimiter.Action.DELETE, "DELETE", path(url));
            RecordOperations.checkWritable(scope, collection);
            if (collection.rules().delete() == null && !scope.admin) {
                throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
            }
            operations.deleteIn(c, scope, collection, decode(m.group(2)), info(req, scope, null), done);
            result.put("status", 204);
            result.put("body", NullNode.getInstance());
        } else {
            throw new ApiException.BadRequest("Unknown batch request action: " + item.method() + " " + item.url());
        }
        return result;
    }

    private ObjectNode create(java.sql.Connection c, Scopes.Scope scope, Collection collection,
                              RecordOperations.Submitted submitted, RequestInfo info, String query,
                              RecordFiles.FileChanges[] changes, Map<String, Object>[] saved)
            throws java.sql.SQLException {
        RecordOperations.checkWritable(scope, collection);
        if (collection.rules().create() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        Map<String, String> params = params(query);
        ObjectNode json = operations.createIn(c, scope, collection, submitted, info, expand(params), changes, saved);
        pick(params, json);
        return json;
    }

    private ObjectNode update(java.sql.Connection c, Scopes.Scope scope, Collection collection, String id,
                              RecordOperations.Submitted submitted, RequestInfo info, String query,
                              RecordFiles.FileChanges[] changes, Map<String, Object>[] saved)
            throws java.sql.SQLException {
        RecordOperations.checkWritable(scope, collection);
        if (collection.rules().update() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        Map<String, String> params = params(query);
        ObjectNode json = operations.updateIn(c, scope, collection, id, submitted, info, expand(params), changes, saved);
        pick(params, json);
        return json;
    }

    /** A request url's path: what is before its query. */
    private static String path(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static Collection collection(Scopes.Scope scope, String key) {
        Collection collection = scope.schema.find(decode(key))
                .orElseThrow(() -> new ApiException.NotFound("Missing collection context."));
        if (Scaffolds.isSuperusers(collection)) {
            throw new ApiException.BadRequest("Superusers are managed at /api/superusers.");
        }
        return collection;
    }

    private static RequestInfo info(ServerRequest req, Scopes.Scope scope, JsonNode body) {
        RequestInfo base = Requests.info(req, scope, body);
        return new RequestInfo(base.superuser(), base.auth(), base.body(), null, base.query(), base.headers(),
                base.method(), "batch");
    }

    private static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>();
        if (query == null || query.length() < 2) {
            return out;
        }
        for (String pair : query.substring(1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static List<String> expand(Map<String, String> params) {
        String e = params.getOrDefault("expand", "");
        return e.isBlank() ? List.of() : List.of(e.split(","));
    }

    private static void pick(Map<String, String> params, ObjectNode json) {
        FieldsPicker picker = FieldsPicker.parse(params.get("fields"));
        if (picker != null) {
            picker.apply(json);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The items from a JSON body, or from a form ({@code @jsonPayload} and {@code requests.N.field} files). */
    private List<Item> read(ServerRequest req, long maxBody) {
        JsonNode body;
        Map<Integer, Map<String, List<RecordOperations.Upload>>> files = new HashMap<>();
        if (Multipart.isMultipart(req)) {
            body = Json.mapper().createObjectNode();
            try {
                Multipart form = Multipart.of(req);
                for (var next = form.next(); next.isPresent(); next = form.next()) {
                    Multipart.Part part = next.get();
                    if ("@jsonPayload".equals(part.name())) {
                        JsonNode payload = Json.mapper().readTree(part.text(Bodies.MAX_JSON_BYTES * 16));
                        if (payload == null || !payload.isObject()) {
                            throw new ApiException.BadRequest("Failed to read the submitted batch data.");
                        }
                        body = payload;
                    } else if (part.isFile()) {
                        Matcher m = FILE_KEY.matcher(part.name());
                        if (m.matches()) {
                            int index = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
                            files.computeIfAbsent(index, k -> new LinkedHashMap<>())
                                    .computeIfAbsent(m.group(3), k -> new ArrayList<>())
                                    .add(operations.store(part, m.group(3), maxBody));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                discard(files.values());
                throw e instanceof ApiException api ? api : new ApiException.BadRequest("Failed to read the submitted batch data.");
            }
        } else {
            body = Bodies.json(req);
        }
        JsonNode requests = body.get("requests");
        if (requests != null && !requests.isArray() && !requests.isNull()) {
            discard(files.values());
            throw new ApiException.BadRequest("Failed to read the submitted batch data.");
        }
        List<Item> items = new ArrayList<>();
        if (requests != null && requests.isArray()) {
            int i = 0;
            for (JsonNode r : requests) {
                JsonNode b = r.get("body");
                ObjectNode itemBody = b != null && b.isObject() ? (ObjectNode) b.deepCopy() : Json.mapper().createObjectNode();
                items.add(new Item(Fields.text(r, "method"), Fields.text(r, "url"), itemBody,
                        files.getOrDefault(i, Map.of())));
                files.remove(i);
                i++;
            }
        }
        discard(files.values()); // parts for requests that do not exist: nothing will use (or remove) them
        return items;
    }

    private static void discard(java.util.Collection<Map<String, List<RecordOperations.Upload>>> uploads) {
        for (Map<String, List<RecordOperations.Upload>> byField : uploads) {
            new RecordOperations.Submitted(Json.mapper().createObjectNode(), byField).discard();
        }
    }
}
