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
 * are read with their collection's view rule for the caller (superusers see all); a related record
 * the caller may not view is left out.
 *
 * <p>As PocketBase, each path expands whole or not at all: a path with a segment that names no
 * relation, or that reaches a collection whose view rule is null (superusers only) for anyone else,
 * leaves the records as they were, without even an empty {@code expand}; a path that resolves gives
 * every record of its level an {@code expand} object, empty or not. A level without records resolves
 * whatever it names (there is nothing to look at). Keys of {@code expand}, and {@code expand} among a
 * record's keys, are in alphabetical order, as PocketBase's JSON has every map.
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

    /** The rest of the paths below one segment; a path ends where a node has no children. */
    private record Paths(Map<String, Paths> next) {
        Paths() {
            this(new LinkedHashMap<>());
        }
    }

    /**
     * Paths of an expand parameter as PocketBase normalizes them: spaces removed, dots trimmed at
     * both ends, a path dropped when a longer one continues it ({@code a} beside {@code a.b}), then as
     * a tree of segments.
     */
    private static Paths paths(List<String> raw) {
        List<String> normalized = new ArrayList<>();
        for (String p : raw) {
            String path = trimDots(p.replace(" ", ""));
            if (!path.isEmpty()) {
                normalized.add(path);
            }
        }
        Paths root = new Paths();
        for (String path : normalized) {
            if (normalized.stream().anyMatch(other -> other.startsWith(path + "."))) {
                continue;
            }
            Paths node = root;
            for (String segment : path.split("\\.", -1)) {
                node = node.next().computeIfAbsent(segment, k -> new Paths());
            }
        }
        return root;
    }

    private static String trimDots(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '.') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '.') {
            to--;
        }
        return s.substring(from, to);
    }

    /** Expands {@code paths} (an expand parameter split at commas) into the records' JSON; {@code depth} is 1. */
    void expand(Collection collection, List<Map<String, Object>> rows, List<ObjectNode> jsons, List<String> paths,
                int depth) throws SQLException {
        if (paths.isEmpty()) {
            return;
        }
        expandLevel(collection, rows, jsons, paths(paths), depth);
    }

    /** Whether any path below this level resolved (each one that did is in the JSON). */
    private boolean expandLevel(Collection collection, List<Map<String, Object>> rows, List<ObjectNode> jsons,
                                Paths level, int depth) throws SQLException {
        boolean any = false;
        for (Map.Entry<String, Paths> e : level.next().entrySet()) {
            any |= expandSegment(collection, rows, jsons, e.getKey(), e.getValue(), depth);
        }
        jsons.forEach(Expander::order);
        return any;
    }

    /** One segment and the paths below it; false when none of them resolves (nothing is changed then). */
    private boolean expandSegment(Collection collection, List<Map<String, Object>> rows, List<ObjectNode> jsons,
                                  String name, Paths rest, int depth) throws SQLException {
        if (rows.isEmpty() || depth > MAX_DEPTH) {
            return true;
        }
        if (name.contains("_via_")) {
            return backRelation(collection, name, rows, jsons, rest, depth);
        }
        if (!(collection.field(name).orElse(null) instanceof RelationField relation)) {
            return false;
        }
        Collection target = schema.find(relation.collectionId()).orElse(null);
        RecordQuery.Where rule = target == null ? null : viewRule(target);
        if (rule == null) {
            return false;
        }
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(r -> ids.addAll(relation.ids(r.get(relation.name()))));
        List<Map<String, Object>> related = ids.isEmpty() ? List.of()
                : RecordQuery.byIds(connection, target, new ArrayList<>(ids), rule);
        List<ObjectNode> relatedJson = export(target, related);
        if (!rest.next().isEmpty() && !expandLevel(target, related, relatedJson, rest, depth + 1)) {
            return false;
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        for (int i = 0; i < related.size(); i++) {
            found.put((String) related.get(i).get("id"), relatedJson.get(i));
        }
        jsons.forEach(Expander::expandObject);
        for (int i = 0; i < rows.size(); i++) {
            List<String> wanted = relation.ids(rows.get(i).get(relation.name()));
            if (relation.multi()) {
                ArrayNode items = Json.mapper().createArrayNode();
                wanted.stream().map(found::get).filter(java.util.Objects::nonNull).forEach(j -> items.add(j.deepCopy()));
                if (!items.isEmpty()) {
                    expandObject(jsons.get(i)).set(relation.name(), items);
                }
            } else {
                ObjectNode json = jsons.get(i);
                wanted.stream().map(found::get).filter(java.util.Objects::nonNull).findFirst()
                        .ifPresent(j -> expandObject(json).set(relation.name(), j.deepCopy()));
            }
        }
        return true;
    }

    private boolean backRelation(Collection owner, String name, List<Map<String, Object>> rows, List<ObjectNode> jsons,
                                 Paths rest, int depth) throws SQLException {
        int via = name.indexOf("_via_");
        Collection source = schema.find(name.substring(0, via)).orElse(null);
        if (source == null || !(source.field(name.substring(via + 5)).orElse(null) instanceof RelationField relation)
                || !relation.collectionId().equals(owner.id())) {
            return false;
        }
        RecordQuery.Where rule = viewRule(source);
        if (rule == null) {
            return false;
        }
        List<String> ownerIds = rows.stream().map(r -> (String) r.get("id")).toList();
        String column = "t." + RecordResolver.quote(relation.name());
        String match = relation.multi()
                ? "EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE value IN (" + placeholders(ownerIds.size()) + "))"
                : column + " IN (" + placeholders(ownerIds.size()) + ")";
        RecordQuery.Where where = new RecordQuery.Where(match, new ArrayList<>(ownerIds)).and(rule);
        List<Map<String, Object>> related = RecordQuery.select(connection, source, where, "", 1000, 0);
        List<ObjectNode> relatedJson = export(source, related);
        if (!rest.next().isEmpty() && !expandLevel(source, related, relatedJson, rest, depth + 1)) {
            return false;
        }
        jsons.forEach(Expander::expandObject);
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
        return true;
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

    /** Puts the keys of {@code expand}, and {@code expand} among the record's keys, in alphabetical order. */
    private static void order(ObjectNode json) {
        if (!(json.get("expand") instanceof ObjectNode expand)) {
            return;
        }
        sort(expand);
        sort(json);
    }

    private static void sort(ObjectNode object) {
        java.util.TreeMap<String, com.fasterxml.jackson.databind.JsonNode> sorted = new java.util.TreeMap<>();
        object.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        object.removeAll();
        object.setAll(sorted);
    }

    private static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }
}
