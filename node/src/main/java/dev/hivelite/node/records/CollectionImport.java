package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Json;

/**
 * {@code PUT /api/collections/import} inside one write transaction, in PocketBase's order: each
 * imported definition is matched to a collection (by its id when it has one, else by its name)
 * before anything changes; with {@code deleteMissing} the collections left out go first, so an
 * imported collection may take the name of one that goes; then each definition is saved over its
 * match or as a new collection; views are judged readable once all is done.
 */
final class CollectionImport {

    /** The id every database shows for the platform's superusers: nothing of theirs is imported. */
    private static final String SUPERUSERS_ID = dev.hivelite.node.auth.Tokens.SUPERUSERS_COLLECTION_ID;

    private CollectionImport() {
    }

    /**
     * The request body, which PocketBase binds to {@code {collections: [object...], deleteMissing: bool}}:
     * a body that does not bind (not JSON, a list that is no list of objects, a flag that is no
     * boolean) is its 400 with no field errors.
     */
    static JsonNode body(ServerRequest req) {
        JsonNode body;
        try {
            body = Bodies.json(req);
        } catch (ApiException.BadRequest e) {
            throw new ApiException.BadRequest(Bodies.LOAD_FAILED);
        }
        JsonNode list = body.get("collections");
        JsonNode deleteMissing = body.get("deleteMissing");
        boolean binds = body.isObject()
                && (list == null || list.isNull() || list.isArray() && allObjects(list))
                && (deleteMissing == null || deleteMissing.isNull() || deleteMissing.isBoolean());
        if (!binds) {
            throw new ApiException.BadRequest(Bodies.LOAD_FAILED);
        }
        return body;
    }

    private static boolean allObjects(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** Duplicated ids or names in the list: refused before the transaction, as one import failure. */
    static void checkDistinct(JsonNode list) {
        Set<String> seen = new HashSet<>();
        for (JsonNode def : list) {
            for (String key : List.of("id", "name")) {
                String value = Fields.text(def, key).toLowerCase(Locale.ROOT);
                if (!value.isEmpty() && !seen.add(key + ":" + value)) {
                    throw failure("The " + key + " \"" + Fields.text(def, key) + "\" appears more than once.");
                }
            }
        }
    }

    /** Runs the import on {@code c}; returns the ids of the collections it deleted (their files go after the commit). */
    static Set<String> run(Connection c, JsonNode list, boolean deleteMissing, Clock clock) throws SQLException {
        SystemCollections.install(c);
        // Judged once all is imported: a table renamed together with the view that reads it is fine.
        Map<String, String> views = CollectionDdl.readableViews(c);
        Schema before = new Schema(CollectionStore.load(c));
        List<String> matches = new ArrayList<>();
        Set<String> kept = new HashSet<>(Set.of(SUPERUSERS_ID));
        for (JsonNode def : list) {
            String id = Fields.text(def, "id");
            String match = (id.isEmpty() ? before.find(Fields.text(def, "name")) : before.find(id))
                    .map(Collection::id).orElse(null);
            matches.add(match);
            if (match != null) {
                kept.add(match);
            }
        }
        Set<String> doomed = deleteMissing ? deleteMissing(c, before, kept) : Set.of();
        // As PocketBase orders them: new tables, then the tables that exist, then views (they read the
        // others). A new table's relations to collections the import has yet to make wait for them.
        List<Integer> newTables = new ArrayList<>();
        List<Integer> tables = new ArrayList<>();
        List<Integer> viewDefs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode def = list.get(i);
            String match = matches.get(i);
            if (SUPERUSERS_ID.equals(match) || match == null
                    && ("_superusers".equals(Fields.text(def, "name")) || SUPERUSERS_ID.equals(Fields.text(def, "id")))) {
                continue; // the platform's superusers: nothing to import
            }
            boolean view = match != null ? before.find(match).map(Collection::isView).orElse(false)
                    : Collection.VIEW.equals(Fields.text(def, "type"));
            (view ? viewDefs : match == null ? newTables : tables).add(i);
        }
        Map<Integer, String> waiting = new java.util.LinkedHashMap<>();
        for (int i : newTables) {
            JsonNode first = withoutPendingRelations(c, list.get(i), list);
            String id = save(c, first, null, deleteMissing, clock);
            if (first != list.get(i)) {
                waiting.put(i, id);
            }
        }
        for (int i : tables) {
            save(c, list.get(i), matches.get(i), deleteMissing, clock);
        }
        for (Map.Entry<Integer, String> w : waiting.entrySet()) {
            save(c, withIdFirst(list.get(w.getKey())), w.getValue(), deleteMissing, clock);
        }
        for (int i : viewDefs) {
            save(c, list.get(i), matches.get(i), deleteMissing, clock);
        }
        try {
            CollectionDdl.requireReadable(c, views, doomed, "import");
        } catch (ApiException e) {
            throw failure(e.getMessage());
        }
        return doomed;
    }

    /**
     * Deletes every collection that is neither system nor matched by an imported definition, views
     * first (they read from tables, nothing reads from them). A collection that stays without being
     * imported (a system one) must not relate to one that goes.
     */
    private static Set<String> deleteMissing(Connection c, Schema before, Set<String> kept) throws SQLException {
        Set<String> doomed = new LinkedHashSet<>();
        for (Collection other : before.collections()) {
            if (!kept.contains(other.id()) && !other.system()) {
                doomed.add(other.id());
            }
        }
        for (Collection stays : before.collections()) {
            boolean relates = !kept.contains(stays.id()) && !doomed.contains(stays.id()) && stays.fields().stream()
                    .anyMatch(f -> f instanceof RelationField r && doomed.contains(r.collectionId()));
            if (relates) {
                throw failure("Failed to delete the collections missing from the import: " + stays.name()
                        + " relates to one of them.");
            }
        }
        List<Collection> order = before.collections().stream().filter(o -> doomed.contains(o.id()))
                .sorted(Comparator.comparing((Collection o) -> !o.isView())).toList();
        for (Collection other : order) {
            Schema fresh = new Schema(CollectionStore.load(c));
            CollectionService.ddl("import", () -> {
                CollectionDdl.drop(c, other, fresh);
                return null;
            });
        }
        return doomed;
    }

    /**
     * A new table's definition without the relations to collections that do not exist yet but that
     * the import makes (nor its indexes, which may name those columns); the definition itself when it
     * has none. The whole definition is saved again once every new table exists.
     */
    private static JsonNode withoutPendingRelations(Connection c, JsonNode def, JsonNode list) throws SQLException {
        JsonNode fields = def.get("fields");
        if (fields == null || !fields.isArray()) {
            return def;
        }
        Set<String> imported = new HashSet<>();
        for (JsonNode other : list) {
            imported.add(Fields.text(other, "id"));
            imported.add(Fields.text(other, "name").toLowerCase(Locale.ROOT));
        }
        Set<String> own = Set.of(Fields.text(def, "id"), Fields.text(def, "name").toLowerCase(Locale.ROOT));
        Schema fresh = new Schema(CollectionStore.load(c));
        ArrayNode kept = Json.mapper().createArrayNode();
        for (JsonNode f : fields) {
            String target = Fields.text(f, "collectionId");
            boolean pending = "relation".equals(Fields.text(f, "type")) && !target.isEmpty()
                    && fresh.find(target).isEmpty() && !own.contains(target) && !own.contains(target.toLowerCase(Locale.ROOT))
                    && (imported.contains(target) || imported.contains(target.toLowerCase(Locale.ROOT)));
            if (!pending) {
                kept.add(f);
            }
        }
        if (kept.size() == fields.size()) {
            return def;
        }
        ObjectNode first = ((ObjectNode) def).deepCopy();
        first.set("fields", kept);
        first.putArray("indexes");
        return first;
    }

    /** A new collection's definition saved again: its id field stays first, where its creation put it. */
    private static JsonNode withIdFirst(JsonNode def) {
        JsonNode fields = def.get("fields");
        for (JsonNode f : fields) {
            if ("id".equals(Fields.text(f, "name"))) {
                return def;
            }
        }
        ObjectNode copy = ((ObjectNode) def).deepCopy();
        ArrayNode ordered = copy.putArray("fields");
        ordered.add(Fields.toJson(Scaffolds.idField()));
        ordered.addAll((ArrayNode) fields);
        return copy;
    }

    /** Saves one definition over its match, or as a new collection; returns the collection's id. */
    private static String save(Connection c, JsonNode def, String matchId, boolean deleteMissing, Clock clock)
            throws SQLException {
        Schema fresh = new Schema(CollectionStore.load(c));
        Collection existing = matchId == null ? null : fresh.find(matchId).orElse(null);
        CollectionBuilder builder = new CollectionBuilder(fresh, DatabaseObjects.read(c), clock);
        try {
            if (existing != null) {
                Collection built = builder.update(existing, definition(existing, def, deleteMissing));
                return CollectionService.ddl("import", () -> CollectionDdl.update(c, existing, built)).id();
            }
            Collection built = builder.create(def);
            return CollectionService.ddl("import", () -> CollectionDdl.create(c, built)).id();
        } catch (ApiException e) {
            throw failure(existing, def, e);
        }
    }

    /**
     * The definition saved over an existing collection, as PocketBase loads an import onto it: fields
     * the import leaves out are kept, unless {@code deleteMissing}, which keeps only the system ones
     * (and, when the definition has no fields at all, clears the others). A field is matched by its
     * id, else by its name.
     */
    static JsonNode definition(Collection current, JsonNode def, boolean deleteMissing) {
        JsonNode submitted = def.get("fields");
        if (submitted == null || submitted.isNull()) {
            if (!deleteMissing) {
                return def; // the builder keeps the fields it has
            }
            submitted = Json.mapper().createArrayNode();
        }
        if (!submitted.isArray() || !def.isObject()) {
            return def;
        }
        ObjectNode merged = ((ObjectNode) def).deepCopy();
        ArrayNode fields = merged.putArray("fields");
        fields.addAll((ArrayNode) submitted);
        for (Field f : current.fields()) {
            if (deleteMissing && !f.common().system()) {
                continue;
            }
            boolean listed = false;
            for (JsonNode s : submitted) {
                String id = Fields.text(s, "id");
                if (!id.isEmpty() ? id.equals(f.id()) : Fields.text(s, "name").equals(f.name())) {
                    listed = true;
                    break;
                }
            }
            if (!listed) {
                fields.add(Fields.toJson(f));
            }
        }
        return merged;
    }

    /**
     * PocketBase's answer to a collection that fails: its validation errors, named by the
     * collection's name and id and written out as Go's indented JSON of their messages; a failure
     * with no field errors (SQLite refusing a statement) as its raw error.
     */
    private static ApiException failure(Collection existing, JsonNode def, ApiException cause) {
        String name = existing != null ? existing.name() : Fields.text(def, "name");
        if (cause.data() == null || cause.data().isEmpty()) {
            String raw = cause.getMessage().replaceFirst("^Failed to import collection\\. Raw error: ", "");
            return failure("Failed to import the collections configuration. Raw error:\nfailed to save collection "
                    + quoted(name) + ": " + raw);
        }
        String id = existing != null ? existing.id() : Fields.text(def, "id");
        if (id.isEmpty()) {
            String type = Fields.text(def, "type");
            id = Scaffolds.newCollectionId(type.isEmpty() ? Collection.BASE : type, name);
        }
        StringBuilder detail = new StringBuilder();
        goIndented(detail, cause.data(), "");
        return failure("Data validations failed for collection " + quoted(name) + " (" + id + "):\n" + detail);
    }

    static ApiException failure(String message) {
        return ApiException.BadRequest.nested("Failed to import collections.", Map.of("collections",
                new FieldError("validation_collections_import_failure", message)));
    }

    /** Go's {@code json.MarshalIndent(errors, "", "  ")} of field errors: keys sorted, each error its message. */
    private static void goIndented(StringBuilder out, Object value, String indent) {
        if (value instanceof FieldError e) {
            out.append(quoted(e.message()));
        } else if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            out.append("{\n");
            String inner = indent + "  ";
            int n = 0;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                out.append(inner).append(quoted(e.getKey())).append(": ");
                goIndented(out, e.getValue(), inner);
                out.append(++n < sorted.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof Map<?, ?>) {
            out.append("{}");
        } else {
            out.append(quoted(String.valueOf(value)));
        }
    }

    /** A JSON string as Go writes it (its HTML-safe escapes included). */
    private static String quoted(String s) {
        try {
            return Json.mapper().writeValueAsString(s).replace("<", "\\u003c").replace(">", "\\u003e")
                    .replace("&", "\\u0026");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
