package dev.hivelite.node.records;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.FieldsPicker;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.records.filter.FilterException;
import dev.hivelite.node.storage.DatabasePool;

/**
 * What realtime may tell a subscriber about a committed change: whether the subscriber's auth
 * passes the collection's list rule (collection subscriptions) or view rule (record subscriptions)
 * and the subscription's filter, and the record's JSON as that subscriber may see it (expand and
 * fields applied). Rules are checked against the record's values as committed (a one-row CTE named
 * like the table's alias), so a delete is judged on the record as it was.
 */
public final class RealtimeAccess {

    private final DatabasePool pool;
    private final SchemaCache schemas;
    private final Clock clock;

    public RealtimeAccess(DatabasePool pool, SchemaCache schemas, Clock clock) {
        this.pool = pool;
        this.schemas = schemas;
        this.clock = clock;
    }

    /** A committed change as it travels between workers: the record's values as JSON, secrets left out. */
    public static ObjectNode transport(Collection collection, Map<String, Object> row) {
        ObjectNode out = Json.mapper().createObjectNode();
        for (Field f : collection.fields()) {
            if (f instanceof PasswordField || collection.isAuth() && "tokenKey".equals(f.name()) || !row.containsKey(f.name())) {
                continue;
            }
            out.set(f.name(), RecordJson.node(f.toJson(row.get(f.name()))));
        }
        return out;
    }

    /**
     * What else the operation of a deleted {@code record} deleted, as it travels with the delete event:
     * {@code {rows: [{collection, record}], omitted: [collection ids]}}, the record itself left out (the
     * event carries it); null when there is nothing else.
     */
    public static ObjectNode transport(DeletedRows operation, Collection collection, Map<String, Object> record) {
        // Checked in this order: every create and update passes here with nothing deleted, and the rules
        // are read only for a delete that took other rows with it.
        java.util.function.Predicate<DeletedRows.Row> itself = r ->
                r.collection().id().equals(collection.id()) && java.util.Objects.equals(r.values().get("id"), record.get("id"));
        boolean alone = operation.omitted().isEmpty() && operation.rows().stream().allMatch(itself);
        if (alone || !readsOtherRows(collection.rules().list()) && !readsOtherRows(collection.rules().view())
                && !readsOtherRows(collection.manageRule())) {
            return null; // nothing else, or rules that read the record alone: a truncate's events stay one record each
        }
        ObjectNode out = Json.mapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode rows = out.putArray("rows");
        for (DeletedRows.Row r : operation.rows()) {
            if (!itself.test(r)) {
                rows.addObject().put("collection", r.collection().id()).set("record", transport(r.collection(), r.values()));
            }
        }
        operation.omitted().forEach(out.putArray("omitted")::add);
        return out;
    }

    /** Quoted text, and the request's own values ({@code @request.auth.id}, {@code @request.body.title}, {@code @request.method}, …). */
    private static final java.util.regex.Pattern OWN_VALUES = java.util.regex.Pattern.compile(
            "'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|@request\\.(?:auth|body|query|headers)\\.\\w+(?![.\\w])"
            + "|@request\\.(?:method|context)(?![.\\w])");

    /**
     * Whether a rule may read rows other than the record's own: a relation path ({@code parent.owner}),
     * a back-relation, {@code @collection}, or a path through the caller's auth record. Errs towards
     * yes (a number like 1.5 counts): a yes only means the operation's deleted rows travel with the event.
     */
    static boolean readsOtherRows(String rule) {
        if (rule == null || rule.isBlank()) {
            return false;
        }
        String rest = OWN_VALUES.matcher(rule).replaceAll("");
        return rest.indexOf('.') >= 0 || rest.contains("@collection") || rest.contains("_via_");
    }

    /** The collection of a change, by id, in a database; empty when it is gone. */
    public Optional<Collection> collection(String databaseId, String collectionId) {
        try (DatabasePool.Lease lease = pool.lease(databaseId)) {
            return schemas.get(databaseId, lease.db()).find(collectionId);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** One subscriber's view of one subscription: its auth and its options. */
    public record Viewer(Principal principal, boolean recordTopic, Map<String, String> query, Map<String, String> headers) {
    }

    /**
     * The record's JSON for this viewer, or empty when the viewer may not see it. {@code values} is
     * {@link #transport}'s output. {@code deleted} is null unless the change is a delete; then it is
     * what else its operation deleted ({@link #transport(DeletedRows, Collection, Map)}, or a missing
     * node), and rules see those rows, and the record, as if they were still there.
     */
    public Optional<ObjectNode> render(String databaseId, Collection collection, ObjectNode values, JsonNode deleted,
                                       Viewer viewer) {
        try (DatabasePool.Lease lease = pool.lease(databaseId)) {
            Schema schema = schemas.get(databaseId, lease.db());
            boolean admin = viewer.principal().mayAdminister(databaseId);
            Principal.User user = viewer.principal() instanceof Principal.User u && u.databaseId().equals(databaseId)
                    ? u : null;
            RequestInfo.AuthRecord auth = null;
            if (user != null) {
                Collection authCollection = schema.find(user.collectionId()).orElse(null);
                if (authCollection == null) {
                    return Optional.empty();
                }
                auth = new RequestInfo.AuthRecord(user.recordId(), authCollection.id(), authCollection.name(),
                        () -> authFields(lease, authCollection, user.recordId()));
            } else if (viewer.principal() instanceof Principal.Superuser s) {
                auth = new RequestInfo.AuthRecord(s.id(), "pbc_3142635823", "_superusers", Map::of);
            }
            RequestInfo info = new RequestInfo(admin, auth, Json.mapper().createObjectNode(), null, viewer.query(),
                    viewer.headers(), "GET", "realtime");
            String rule = viewer.recordTopic() ? collection.rules().view() : collection.rules().list();
            if (rule == null && !admin) {
                return Optional.empty();
            }
            String filter = viewer.query().getOrDefault("filter", "");
            if (!admin && !filter.isEmpty()
                    && Requests.superuserOnlyField(p -> viewer.query().getOrDefault(p, "")) != null) {
                return Optional.empty(); // as PocketBase: such a subscription hears nothing, as the records API answers 403
            }
            RecordQuery.Where where;
            try {
                where = admin ? RecordQuery.Where.ALL : RecordQuery.compile(rule, schema, collection, info, true, clock);
                where = where.and(RecordQuery.compile(filter, schema, collection, info, admin, clock));
            } catch (FilterException e) {
                return Optional.empty();
            }
            Map<String, Object> row = row(collection, values);
            RecordQuery.Where check = where;
            AsItWas before = deleted == null ? AsItWas.NOW : AsItWas.of(schema, collection, row, deleted);
            return lease.db().read(c -> {
                if (check != RecordQuery.Where.ALL && !matches(c, collection, row, check, before)) {
                    return Optional.<ObjectNode>empty();
                }
                boolean own = user != null && user.collectionId().equals(collection.id())
                        && user.recordId().equals(row.get("id"));
                if (!own && !admin && user != null && collection.isAuth() && collection.manageRule() != null
                        && !Boolean.TRUE.equals(row.get("emailVisibility"))) {
                    // A manager (the collection's manageRule) sees the email, as in the records API.
                    try {
                        own = matches(c, collection, row, RecordQuery.compile(collection.manageRule(), schema, collection,
                                info, true, clock), before);
                    } catch (FilterException e) {
                        own = false;
                    }
                }
                // As PocketBase's broadcast: emails for the owner, managers and superusers, hidden fields for no one.
                ObjectNode json = RecordJson.export(collection, row, false, own || admin);
                String expand = viewer.query().getOrDefault("expand", "");
                if (!expand.isBlank()) {
                    new Expander(c, schema, info, admin, clock).expand(collection, List.of(row), List.of(json),
                            List.of(expand.split(",")), 1);
                }
                FieldsPicker picker = picker(viewer.query().get("fields"));
                if (picker != null) {
                    picker.apply(json);
                }
                return Optional.of(json);
            });
        } catch (RuntimeException e) {
            return Optional.empty(); // a deleted database or collection: nothing to tell
        }
    }

    /**
     * A subscription's {@code fields}; one the picker refuses picks nothing, so the event still goes
     * (a subscription has no answer of its own to carry the 400 a request would get).
     */
    private static FieldsPicker picker(String fields) {
        try {
            return FieldsPicker.parse(fields);
        } catch (dev.hivelite.node.common.ApiException e) {
            return null;
        }
    }

    /** A record's values as they travelled ({@link #transport}), back in the types its fields hold; passwords as zero. */
    private static Map<String, Object> row(Collection collection, JsonNode values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            JsonNode v = values.get(f.name());
            row.put(f.name(), v == null || f instanceof PasswordField ? f.zero() : canonical(f, v));
        }
        return row;
    }

    private static Object canonical(Field f, JsonNode v) {
        Object value = f.fromInput(v);
        return value instanceof PasswordField.Plain ? f.zero() : value;
    }

    /**
     * The rows a delete's operation took away, by table, to be put back for its rules: a table a rule
     * reads becomes a CTE of the same name, its rows now and those deleted ({@code main."name"} is the
     * table itself). {@code omitted} names tables whose deleted rows did not travel with the event: a
     * rule that reads one of them is not judged at all.
     */
    private record AsItWas(Map<String, Table> tables, Set<String> omitted) {
        static final AsItWas NOW = new AsItWas(Map.of(), Set.of());

        record Table(Collection collection, List<Map<String, Object>> rows) {
        }

        static AsItWas of(Schema schema, Collection collection, Map<String, Object> record, JsonNode deleted) {
            Map<String, Table> tables = new LinkedHashMap<>();
            tables.computeIfAbsent(collection.name(), k -> new Table(collection, new ArrayList<>())).rows().add(record);
            for (JsonNode r : deleted.path("rows")) {
                schema.find(r.path("collection").asText()).filter(c -> !c.isView()).ifPresent(other ->
                        tables.computeIfAbsent(other.name(), k -> new Table(other, new ArrayList<>())).rows()
                                .add(row(other, r.path("record"))));
            }
            Set<String> omitted = new java.util.HashSet<>();
            for (JsonNode id : deleted.path("omitted")) {
                schema.find(id.asText()).ifPresent(c -> omitted.add(c.name()));
            }
            return new AsItWas(tables, omitted);
        }
    }

    /** Whether {@code sql} reads the table {@code name} (tables are always given an alias: {@code "name" alias}). */
    private static boolean reads(String sql, String name) {
        return sql.contains(RecordResolver.quote(name) + " ");
    }

    /**
     * Whether the record, as given, passes {@code where}: evaluated over a one-row CTE named {@code t},
     * with the rows {@code before} holds put back into the tables the rule reads.
     */
    private static boolean matches(java.sql.Connection c, Collection collection, Map<String, Object> row,
                                   RecordQuery.Where where, AsItWas before) throws java.sql.SQLException {
        String sql = where.sql();
        for (String name : before.omitted()) {
            if (reads(sql, name)) {
                return false; // the rows it would read are not all known: hear nothing rather than a guess
            }
        }
        StringBuilder cte = new StringBuilder("WITH ");
        List<Object> params = new ArrayList<>();
        for (AsItWas.Table table : before.tables().values()) {
            String name = table.collection().name();
            if ("t".equalsIgnoreCase(name) || !reads(sql, name)) {
                continue;
            }
            StringBuilder columns = new StringBuilder();
            StringBuilder placeholders = new StringBuilder();
            for (Field f : table.collection().fields()) {
                columns.append(columns.isEmpty() ? "" : ", ").append(RecordResolver.quote(f.name()));
                placeholders.append(placeholders.isEmpty() ? "?" : ", ?");
            }
            cte.append(RecordResolver.quote(name)).append(" AS (SELECT ").append(columns).append(" FROM main.")
               .append(RecordResolver.quote(name));
            for (Map<String, Object> r : table.rows()) {
                cte.append(" UNION ALL SELECT ").append(placeholders);
                for (Field f : table.collection().fields()) {
                    params.add(f.toDb(r.get(f.name())));
                }
            }
            cte.append("), ");
        }
        cte.append("t AS (SELECT ");
        int i = 0;
        for (Field f : collection.fields()) {
            cte.append(i++ == 0 ? "" : ", ").append("? AS ").append(RecordResolver.quote(f.name()));
            params.add(f.toDb(row.get(f.name())));
        }
        cte.append(") SELECT 1 FROM t WHERE ").append(where.sql()).append(" LIMIT 1");
        params.addAll(where.params());
        try (PreparedStatement ps = c.prepareStatement(cte.toString())) {
            for (int p = 0; p < params.size(); p++) {
                ps.setObject(p + 1, params.get(p));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Map<String, JsonNode> authFields(DatabasePool.Lease lease, Collection collection, String id) {
        Map<String, Object> row = lease.db().read(c -> RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL))
                .orElse(Map.of());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            if (!(f instanceof PasswordField) && !"tokenKey".equals(f.name()) && row.containsKey(f.name())) {
                out.put(f.name(), Json.mapper().valueToTree(f.toJson(row.get(f.name()))));
            }
        }
        return out;
    }
}
