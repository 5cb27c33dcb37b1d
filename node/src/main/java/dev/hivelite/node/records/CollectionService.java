package dev.hivelite.node.records;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;

/**
 * {@code /api/collections} of a database (superusers and the database's keys): list, view, create,
 * update, delete, truncate, import, scaffolds. Every change runs with its DDL in one transaction
 * against the schema read inside it, then the schema is forgotten on every worker.
 */
public final class CollectionService implements HttpService {

    private final Scopes scopes;
    private final SchemaCache schemas;
    /** Truncates as record deletes: files, tokens and events follow. */
    private final RecordOperations records;
    private final Clock clock;

    public CollectionService(Scopes scopes, SchemaCache schemas, RecordOperations records, Clock clock) {
        this.scopes = scopes;
        this.schemas = schemas;
        this.records = records;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : Scopes.PREFIXES) {
            Responses.read(rules, p + "/api/collections", this::list)
                 .post(p + "/api/collections", this::create)
                 .put(p + "/api/collections/import", this::importCollections)
                 .post(p + "/api/collections/meta/dry-run-view", this::dryRunView);
            Responses.read(rules, p + "/api/collections/meta/scaffolds", this::scaffolds);
            Responses.read(rules, p + "/api/collections/meta/oauth2-providers", this::oauth2Providers);
            Responses.read(rules, p + "/api/collections/{collection}", this::view)
                 .patch(p + "/api/collections/{collection}", this::update)
                 .delete(p + "/api/collections/{collection}", this::delete)
                 .delete(p + "/api/collections/{collection}/truncate", this::truncate);
        }
    }

    /** Superusers and this database's keys only, with PocketBase's 401/403. */
    static void requireAdmin(Scopes.Scope scope) {
        if (scope.admin) {
            return;
        }
        if (scope.principal instanceof Principal.Anonymous) {
            throw ApiException.needsSuperuser();
        }
        throw new ApiException.Forbidden("The authorized record is not allowed to perform this action.");
    }

    static void requireWritable(Scopes.Scope scope) {
        if (scope.db.readOnly()) {
            throw new ApiException.Forbidden("The database is read-only.");
        }
    }

    private Scopes.Scope admin(ServerRequest req) {
        Scopes.Scope scope = scopes.open(req);
        try {
            requireAdmin(scope);
            return scope;
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            Page page = Page.of(req, 30);
            List<Collection> all = CollectionQuery.list(scope, req, clock);
            List<ObjectNode> items = new ArrayList<>();
            page.slice(all).forEach(c -> items.add(c.toJson()));
            Responses.json(req, res, page.result(items, all.size()));
        }
    }

    private void view(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            ObjectNode json = find(scope, req).toJson();
            Responses.json(req, res, json);
        }
    }

    static Collection find(Scopes.Scope scope, ServerRequest req) {
        return scope.schema.find(req.path().pathParameters().get("collection")).orElseThrow(ApiException::notFound);
    }

    private void create(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            requireWritable(scope);
            // PocketBase reads the type and name first, to start from that type's scaffold: a body it
            // cannot read, or a type or name that is no text, fails there.
            JsonNode body = typeData(req);
            Collection created = scope.lease.db().write(c -> {
                SystemCollections.install(c);
                Schema fresh = new Schema(CollectionStore.load(c));
                Collection built = new CollectionBuilder(fresh, DatabaseObjects.read(c), clock).create(body);
                return ddl("create", () -> CollectionDdl.create(c, built));
            });
            schemas.changed(scope.db.id());
            Responses.json(req, res, created.toJson());
        }
    }

    private static JsonNode typeData(ServerRequest req) {
        JsonNode body;
        try {
            body = Bodies.json(req);
        } catch (ApiException.BadRequest e) {
            body = null;
        }
        if (body == null || !body.isObject() || !textOrNull(body.get("type")) || !textOrNull(body.get("name"))) {
            throw new ApiException.BadRequest("Failed to load the collection type data due to invalid formatting.");
        }
        return body;
    }

    private static boolean textOrNull(JsonNode value) {
        return value == null || value.isNull() || value.isTextual();
    }

    private void update(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            requireWritable(scope);
            JsonNode body = Bodies.json(req);
            String key = req.path().pathParameters().get("collection");
            Collection updated = scope.lease.db().write(c -> {
                Schema fresh = new Schema(CollectionStore.load(c));
                Collection current = fresh.find(key).orElseThrow(ApiException::notFound);
                if (Scaffolds.isSuperusers(current)) {
                    Map<String, Object> refused = CollectionBuilder.systemChanges(current, body);
                    if (!refused.isEmpty()) {
                        throw CollectionBuilder.failed("update", refused);
                    }
                    if (body.isEmpty()) {
                        return current; // nothing to change, as PocketBase saves it unchanged
                    }
                    throw new ApiException.BadRequest("The _superusers collection is managed by the platform (/api/superusers).");
                }
                Collection built = new CollectionBuilder(fresh, DatabaseObjects.read(c), clock).update(current, body);
                Map<String, String> views = CollectionDdl.readableViews(c);
                Collection saved = ddl("update", () -> CollectionDdl.update(c, current, built));
                CollectionDdl.requireReadable(c, views, java.util.Set.of(), "update");
                return saved;
            });
            schemas.changed(scope.db.id());
            Responses.json(req, res, updated.toJson());
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            requireWritable(scope);
            String key = req.path().pathParameters().get("collection");
            Collection deleted = scope.lease.db().write(c -> {
                Schema fresh = new Schema(CollectionStore.load(c));
                Collection current = fresh.find(key).orElseThrow(ApiException::notFound);
                if (current.system()) {
                    throw new ApiException.BadRequest("Failed to delete collection"); // as PocketBase words it
                }
                return ddl("delete", () -> {
                    CollectionDdl.delete(c, current, fresh);
                    return current;
                });
            });
            schemas.changed(scope.db.id());
            RecordFiles.removeCollectionFolder(scope, deleted.id());
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void truncate(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            requireWritable(scope);
            Collection collection = find(scope, req);
            if (Scaffolds.isSuperusers(collection)) {
                throw new ApiException.BadRequest("The _superusers collection is managed by the platform (/api/superusers).");
            }
            if (collection.isView()) {
                throw new ApiException.BadRequest("View collections cannot be truncated since they don't store their own records.");
            }
            records.truncate(scope, collection);
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * {@code PUT /api/collections/import}: {@code {collections: [...], deleteMissing}}; all in one
     * transaction (see {@link CollectionImport}).
     */
    private void importCollections(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            requireWritable(scope);
            JsonNode body = CollectionImport.body(req);
            JsonNode list = body.get("collections");
            if (list == null || list.isNull() || list.isEmpty()) {
                throw ApiException.invalid("collections", "validation_required", "Cannot be blank.");
            }
            boolean deleteMissing = Fields.bool(body, "deleteMissing");
            CollectionImport.checkDistinct(list);
            java.util.Set<String> dropped = scope.lease.db().write(c -> CollectionImport.run(c, list, deleteMissing, clock));
            schemas.changed(scope.db.id());
            dropped.forEach(id -> RecordFiles.removeCollectionFolder(scope, id));
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * The providers an auth collection can configure by name alone (their endpoints are known) and the
     * generic OpenID Connect ones, which take {@code authURL}, {@code tokenURL} and {@code userInfoURL}.
     * No logos are served ({@code logo} is empty).
     */
    private void oauth2Providers(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            List<Map<String, String>> out = new java.util.ArrayList<>();
            for (String name : OAuth2.CONFIGURABLE) {
                out.add(Map.of("name", name, "displayName", OAuth2.DISPLAY_NAMES.getOrDefault(name, name), "logo", ""));
            }
            Responses.json(req, res, out);
        }
    }

    /** Thrown to undo a dry run's transaction once its answer is taken. */
    private static final class DryRunDone extends RuntimeException {
        final Map<String, Object> answer;

        DryRunDone(Map<String, Object> answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /**
     * {@code {query}} → the fields a view of that query would have and up to 10 of its rows
     * ({@code {fields, sample}}), as PocketBase's dashboard previews a view. The view is created and its
     * rows read inside a transaction that is then rolled back: nothing is kept.
     */
    private void dryRunView(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            requireWritable(scope);
            JsonNode body = Bodies.json(req);
            String query = Bodies.text(body, "query");
            if (query == null || query.isBlank()) {
                throw ApiException.invalid("query", "validation_required", "Cannot be blank.");
            }
            ObjectNode def = Json.mapper().createObjectNode()
                    .put("name", "dry_run_" + Long.toHexString(System.nanoTime())).put("type", Collection.VIEW)
                    .put("viewQuery", query);
            try {
                scope.lease.db().writeAlone(c -> {
                    Schema fresh = new Schema(CollectionStore.load(c));
                    Collection view = ddl("create", () -> CollectionDdl.create(c, new CollectionBuilder(fresh, DatabaseObjects.read(c), clock).create(def)));
                    List<ObjectNode> sample = new java.util.ArrayList<>();
                    for (Map<String, Object> row : RecordQuery.select(c, view, RecordQuery.Where.ALL, "", 10, 0)) {
                        sample.add(RecordJson.export(view, row, true, true));
                    }
                    ArrayNode fields = view.toJson().withArray("fields");
                    throw new DryRunDone(Map.of("fields", fields, "sample", sample));
                });
            } catch (DryRunDone done) {
                Responses.json(req, res, done.answer);
                return;
            }
            throw new IllegalStateException("not reached: a dry run always ends in DryRunDone");
        }
    }

    private void scaffolds(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = admin(req)) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String type : List.of(Collection.AUTH, Collection.BASE, Collection.VIEW)) {
                ObjectNode json = Scaffolds.of(type, "", clock).toJson();
                json.put("id", "").put("created", "").put("updated", ""); // as PocketBase shows a collection never saved
                if (Collection.AUTH.equals(type)) {
                    // The two unique indexes every auth collection gets, as PocketBase's scaffold shows them.
                    ArrayNode indexes = json.putArray("indexes");
                    Scaffolds.withAuthIndexes("_pbc_auth_", "", List.of()).forEach(indexes::add);
                }
                out.put(type, json);
            }
            Responses.json(req, res, out);
        }
    }

    @FunctionalInterface
    interface DdlWork<T> {
        T run() throws SQLException;
    }

    /** SQLite's refusal of a DDL statement (an existing table of that name, say) is the client's 400. */
    static <T> T ddl(String verb, DdlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new ApiException.BadRequest("Failed to " + verb + " collection. Raw error: " + CollectionDdl.sqliteMessage(e));
        }
    }
}
