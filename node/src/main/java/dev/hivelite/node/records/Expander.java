package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.Json;
import dev.hivelite.node.records.filter.FilterException;

/**
 * PocketBase's {@code ?expand=}: relations ({@code author}), nested ({@code author.team}), several
 * ({@code a,b}) and back-relations ({@code comments_via_post}), at most six levels. Related records
 * are read with their collection's view rule for the caller (superusers see all); a relation the
 * caller may not see is left out, never an error.
 */
final class Expander {

    static final int MAX_DEPTH = 6;

    private final Connection connection;
    private final Schema schema;
    private final RequestInfo info;
    private final boolean superuser;
    private final Clock clock;

    Expander(Connection connection, Schema schema, RequestInfo info, boolean superuser, Clock clock) {
        this.connection = connection;
        this.schema = schema;
        this.info = info;
        this.superuser = superuser;
        this.clock = clock;
    }

    /** Paths of an expand parameter as a tree: first segment → the rest. */
    static Map<String, List<String>> tree(List<String> paths) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String raw : paths) {
            String path = raw.trim();
            if (path.isEmpty()) {
                continue;
            }
            int dot = path.indexOf('.');
            String head = dot < 0 ? path : path.substring(0, dot);
            List<String> rest = out.computeIfAbsent(head, k -> new ArrayList<>());
            if (dot >= 0) {
                rest.add(path.substring(dot + 1));
            }
        }
        return out;
    }

    void expand(Collection collection, List<Map<String, Object>> rows, List<ObjectNode> jsons, List<String> paths,
                int depth) throws SQLException {
        if (rows.isEmpty() || paths.isEmpty() || depth > MAX_DEPTH) {
            return;
        }
        for (Map.Entry<String, List<String>> e : tree(paths).entrySet()) {
            String name = e.getKey();
            if (name.contains("_via_")) {
                backRelation(collection, name, rows, jsons, e.getValue(), depth);
            } else if (collection.field(name).orElse(null) instanceof RelationField relation) {
                relation(relation, rows, jsons, e.getValue(), depth);
            }
        }
    }

    private void relation(RelationField relation, List<Map<String, Object>> rows, List<ObjectNode> jsons,
                          List<String> rest, int depth) throws SQLException {
        Collection target = schema.find(relation.collectionId()).orElse(null);
        if (target == null) {
            return;
        }
        // As PocketBase: a path that resolves gives every record an "expand" object, empty or not.
        jsons.forEach(Expander::expandObject);
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(r -> ids.addAll(relation.ids(r.get(relation.name()))));
        Map<String, ObjectNode> found = fetch(target, new ArrayList<>(ids), rest, depth);
        for (int i = 0; i < rows.size(); i++) {
            List<String> wanted = relation.ids(rows.get(i).get(relation.name()));
            if (relation.multi()) {
                ArrayNode items = Json.mapper().createArrayNode();
                wanted.stream().map(found::get).filter(java.util.Objects::nonNull).forEach(j -> items.add(j.deepCopy()));
                if (!items.isEmpty()) {
                    expandObject(jsons.get(i)).set(relation.name(), items);
                }
            } else if (!wanted.isEmpty() && found.containsKey(wanted.getFirst())) {
                expandObject(jsons.get(i)).set(relation.name(), found.get(wanted.getFirst()).deepCopy());
            }
        }
    }

    private void backRelation(Collection owner, String name, List<Map<String, Object>> rows, List<ObjectNode> jsons,
                              List<String> rest, int depth) throws SQLException {
        int via = name.indexOf("_via_");
        Collection source = schema.find(name.substring(0, via)).orElse(null);
        if (source == null || !(source.field(name.substring(via + 5)).orElse(null) instanceof RelationField relation)
                || !relation.collectionId().equals(owner.id())) {
            return;
        }
        jsons.forEach(Expander::expandObject);
        List<String> ownerIds = rows.stream().map(r -> (String) r.get("id")).toList();
        String column = "t." + RecordResolver.quote(relation.name());
        String match = relation.multi()
                ? "EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE value IN (" + placeholders(ownerIds.size()) + "))"
                : column + " IN (" + placeholders(ownerIds.size()) + ")";
        RecordQuery.Where rule = viewRule(source);
        if (rule == null) {
            return;
        }
        RecordQuery.Where where = new RecordQuery.Where(match, new ArrayList<>(ownerIds)).and(rule);
        List<Map<String, Object>> related = RecordQuery.select(connection, source, where, "", 1000, 0);
        List<ObjectNode> relatedJson = export(source, related);
        expand(source, related, relatedJson, rest, depth + 1);
        // As PocketBase: a unique index on the relation column means one record at most, expanded as an object.
        boolean single = Scaffolds.hasUniqueIndex(source.indexes(), relation.name());
        for (int i = 0; i < rows.size(); i++) {
            String id = (String) rows.get(i).get("id");
            ArrayNode items = Json.mapper().createArrayNode();
            for (int j = 0; j < related.size(); j++) {
                if (relation.ids(related.get(j).get(relation.name())).contains(id)) {
                    items.add(relatedJson.get(j).deepCopy());
                }
            }
            if (!items.isEmpty()) {
                expandObject(jsons.get(i)).set(name, single ? items.get(0) : items);
            }
        }
    }

    private Map<String, ObjectNode> fetch(Collection target, List<String> ids, List<String> rest, int depth)
            throws SQLException {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        RecordQuery.Where rule = viewRule(target);
        if (rule == null || ids.isEmpty()) {
            return out;
        }
        List<Map<String, Object>> related = RecordQuery.byIds(connection, target, ids, rule);
        List<ObjectNode> relatedJson = export(target, related);
        expand(target, related, relatedJson, rest, depth + 1);
        for (int i = 0; i < related.size(); i++) {
            out.put((String) related.get(i).get("id"), relatedJson.get(i));
        }
        return out;
    }

    /** The view rule as SQL for this caller; null when the caller may not view the collection at all. */
    private RecordQuery.Where viewRule(Collection target) {
        if (superuser) {
            return RecordQuery.Where.ALL;
        }
        if (target.rules().view() == null) {
            return null;
        }
        try {
            return RecordQuery.compile(target.rules().view(), schema, target, info, true, clock);
        } catch (FilterException e) {
            return null; // a rule that no longer compiles hides, never shows
        }
    }

    /**
     * The related records' JSON for this caller: a hidden email shows to its owner and to the
     * managers the collection's manageRule names, as in a view of the record itself.
     */
    private List<ObjectNode> export(Collection collection, List<Map<String, Object>> rows) throws SQLException {
        Set<String> managed = managed(collection, rows);
        boolean sameCollection = info.auth() != null && collection.id().equals(info.auth().collectionId());
        List<ObjectNode> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("id");
            boolean own = sameCollection && id.equals(info.auth().id());
            out.add(RecordJson.export(collection, row, superuser, own || managed.contains(id)));
        }
        return out;
    }

    private Set<String> managed(Collection collection, List<Map<String, Object>> rows) throws SQLException {
        if (superuser || !collection.isAuth() || collection.manageRule() == null || info.auth() == null
                || rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("emailVisibility")))) {
            return Set.of();
        }
        RecordQuery.Where rule;
        try {
            rule = RecordQuery.compile(collection.manageRule(), schema, collection, info, true, clock);
        } catch (FilterException e) {
            return Set.of(); // a rule that no longer compiles names no manager
        }
        Set<String> out = new java.util.HashSet<>();
        List<String> ids = rows.stream().map(r -> (String) r.get("id")).toList();
        for (Map<String, Object> r : RecordQuery.byIds(connection, collection, ids, rule)) {
            out.add((String) r.get("id"));
        }
        return out;
    }

    private static ObjectNode expandObject(ObjectNode json) {
        return json.has("expand") ? (ObjectNode) json.get("expand") : json.putObject("expand");
    }

    private static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }
}
