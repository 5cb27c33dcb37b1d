package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.records.filter.FilterException;
import dev.hivelite.node.records.filter.Resolved;
import dev.hivelite.node.records.filter.Resolver;

/**
 * Resolves filter and rule identifiers of one collection to SQL over its table, aliased {@code t}:
 * fields ({@code title}), relation paths ({@code author.name}, through single and multiple
 * relations), back-relations ({@code comments_via_post.text}), {@code @collection.<name>.<field>},
 * {@code @request.auth|body|query|headers.*}, and the modifiers {@code :lower}, {@code :length},
 * {@code :each}, {@code :isset}, {@code :changed}. Identifiers are checked against the schema: unknown,
 * hidden (for non-superusers) or secret fields are a {@link FilterException}, never SQL. Every
 * request value goes in as a bound parameter.
 */
final class RecordResolver implements Resolver {

    static final String ALIAS = "t";
    private static final int MAX_DEPTH = 6;

    private final Schema schema;
    private final Collection collection;
    private final RequestInfo request;
    private final boolean allowHidden;
    private int aliases;
    private final Map<String, String> joins = new java.util.HashMap<>();
    private static final java.util.regex.Pattern COLLECTION_ALIAS =
            java.util.regex.Pattern.compile("^(@collection\\.\\w+):(\\w+)");

    RecordResolver(Schema schema, Collection collection, RequestInfo request, boolean allowHidden) {
        this.schema = schema;
        this.collection = collection;
        this.request = request;
        this.allowHidden = allowHidden;
    }

    /** A quoted SQL identifier; names are already checked against {@code \w+}. */
    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String guard(String identifier) {
        return !allowHidden && collection.isAuth() && identifier.matches("email(:lower)?")
                ? "t." + quote("emailVisibility") + " = TRUE" : null;
    }

    @Override
    public Resolved resolve(String identifier) {
        // "@collection.users:alias.name": the alias names a join of its own (see joinAlias).
        java.util.regex.Matcher aliased = COLLECTION_ALIAS.matcher(identifier);
        String joinName = aliased.lookingAt() ? aliased.group(1) + ":" + aliased.group(2) : null;
        String path = identifier.replaceFirst("^(@collection\\.\\w+):\\w+", "$1");
        List<String> modifiers = new ArrayList<>();
        int colon = path.indexOf(':');
        if (colon >= 0) {
            for (String m : path.substring(colon + 1).split(":")) {
                modifiers.add(m);
            }
            path = path.substring(0, colon);
        }
        if (path.startsWith("@request.")) {
            return request(path.substring("@request.".length()), modifiers);
        }
        if (path.startsWith("@collection.")) {
            String rest = path.substring("@collection.".length());
            int dot = rest.indexOf('.');
            if (dot < 0) {
                throw new FilterException("invalid @collection identifier");
            }
            Collection other = schema.find(rest.substring(0, dot))
                    .orElseThrow(() -> new FilterException("unknown collection in @collection"));
            String key = joinName != null ? joinName : "@collection." + rest.substring(0, dot);
            String alias = joinAlias(key);
            return path(other, alias, key, List.of(rest.substring(dot + 1).split("\\.", -1)), modifiers,
                    new Chain(quote(other.name()) + " " + alias, "", List.of(), false));
        }
        if (path.startsWith("@")) {
            throw new FilterException("unknown identifier " + identifier);
        }
        return path(collection, ALIAS, "", List.of(path.split("\\.", -1)), modifiers, null);
    }

    /**
     * The rows a path has reached: FROM/JOIN text, a WHERE condition tying it to the outer row, and
     * whether it is at most one row (single relations only: a scalar subquery will do).
     */
    private record Chain(String from, String where, List<Object> params, boolean scalar) {
        String render() {
            return where.isEmpty() ? from : from + " WHERE " + where;
        }

        Chain join(String join, boolean stillScalar) {
            return new Chain(from + " JOIN " + join, where, params, scalar && stillScalar);
        }
    }

    /** {@code key}: the join path so far ("" at the record itself), naming the joins it reuses. */
    private Resolved path(Collection owner, String alias, String key, List<String> segments, List<String> modifiers,
                          Chain chain) {
        if (segments.size() > MAX_DEPTH + 1) { // MAX_DEPTH relations, then the field
            throw new FilterException("relation path too deep");
        }
        String name = segments.getFirst();
        List<String> rest = segments.subList(1, segments.size());
        if (name.contains("_via_")) {
            return backRelation(owner, alias, key + "." + name, name, rest, modifiers, chain);
        }
        Field field = owner.field(name).orElse(null);
        if (field == null) {
            if (key.startsWith("@request") && !name.isEmpty()) {
                // A path from the caller's record or the body reads a missing field as NULL, as PocketBase does.
                return new Resolved.Single("?", nullParam());
            }
            throw new FilterException("unknown field " + name);
        }
        checkVisible(field);
        String column = alias + "." + quote(field.name());
        if (rest.isEmpty() && field instanceof JsonField && modifiers.stream().noneMatch(List.of("each", "length")::contains)) {
            // A json value compares as what it holds ("abc", 5, true), not as its JSON text, as in PocketBase (#4068).
            return exact(leaf(new TextField(field.common(), 0, 0, "", "", false, false), jsonExtract(column, ""), modifiers, chain));
        }
        if (rest.isEmpty()) {
            if (chain != null && !allowHidden && owner.isAuth() && "email".equals(field.name())) {
                // Through a relation, a related user's email counts only where that user shows it.
                column = "CASE WHEN " + alias + "." + quote("emailVisibility") + " THEN " + column + " END";
            }
            return leaf(field, column, modifiers, chain);
        }
        if (field instanceof JsonField || field instanceof GeoPointField) {
            // "meta.a.b", "meta.2", "loc.lon": a path inside the JSON value, as PocketBase reads it.
            StringBuilder jsonPath = new StringBuilder();
            for (String segment : rest) {
                if (!segment.matches("\\w+")) {
                    throw new FilterException("invalid json path " + segment);
                }
                jsonPath.append(segment.matches("\\d+") ? "[" + segment + "]" : "." + segment);
            }
            return exact(leaf(new TextField(field.common(), 0, 0, "", "", false, false),
                    jsonExtract(column, jsonPath.toString()), modifiers, chain));
        }
        if (!(field instanceof RelationField relation)) {
            throw new FilterException("cannot traverse non-relation field " + name);
        }
        Collection target = schema.find(relation.collectionId())
                .orElseThrow(() -> new FilterException("missing relation collection"));
        String next = joinAlias(key + "." + name);
        Chain extended;
        if (relation.multi()) {
            String each = joinAlias(key + "." + name + "#each");
            String join = "json_each(" + column + ") " + each + " JOIN " + quote(target.name()) + " " + next + " ON "
                    + next + ".id = " + each + ".value";
            extended = chain == null ? new Chain(join, "", List.of(), false) : chain.join(join, false);
        } else if (chain == null) {
            extended = new Chain(quote(target.name()) + " " + next, next + ".id = " + column, List.of(), true);
        } else {
            extended = chain.join(quote(target.name()) + " " + next + " ON " + next + ".id = " + column, true);
        }
        return path(target, next, key + "." + name, rest, modifiers, extended);
    }

    private Resolved backRelation(Collection owner, String alias, String key, String name, List<String> rest,
                                  List<String> modifiers, Chain chain) {
        int via = name.indexOf("_via_");
        Collection source = schema.find(name.substring(0, via))
                .orElseThrow(() -> new FilterException("unknown back-relation " + name));
        Field f = source.field(name.substring(via + 5)).orElseThrow(() -> new FilterException("unknown back-relation " + name));
        if (!(f instanceof RelationField relation) || !relation.collectionId().equals(owner.id())) {
            throw new FilterException("invalid back-relation " + name);
        }
        String b = joinAlias(key);
        String match = relation.multi()
                ? "EXISTS (SELECT 1 FROM json_each(" + b + "." + quote(f.name()) + ") WHERE value = " + alias + ".id)"
                : b + "." + quote(f.name()) + " = " + alias + ".id";
        Chain extended = chain == null
                ? new Chain(quote(source.name()) + " " + b, match, List.of(), false)
                : chain.join(quote(source.name()) + " " + b + " ON " + match, false);
        if (rest.isEmpty()) {
            if (modifiers.contains("length")) {
                return new Resolved.Single("(SELECT COUNT(*) FROM " + extended.render() + ")", extended.params());
            }
            return new Resolved.Multi(extended.render(), b + ".id", extended.params());
        }
        return path(source, b, key, rest, modifiers, extended);
    }

    private Resolved leaf(Field field, String column, List<String> modifiers, Chain chain) {
        boolean lower = modifiers.contains("lower");
        for (String m : modifiers) {
            if (!List.of("lower", "length", "each").contains(m)) {
                throw new FilterException("unsupported modifier :" + m);
            }
        }
        boolean arrayable = arrayable(field);
        if (arrayable && !field.multi() && modifiers.contains("length")) {
            // A single select/relation/file counts as a list of at most one value, as PocketBase's json_array_length does.
            String length = "(CASE WHEN " + column + " = '' OR " + column + " IS NULL THEN 0 ELSE 1 END)";
            return scalarOrSet(length, chain);
        }
        if (field.multi() && !modifiers.contains("length") && !modifiers.contains("each")) {
            // Without :each a multi-valued field is its stored JSON text ('["a","b"]'), as PocketBase compares it:
            // "tags ~ 'a'" is a LIKE over that text and "tags ?= 'a'" never matches; "tags:each ?= 'a'" and
            // "rel.id ?= x" reach the items.
            return scalarOrSet(lower ? "LOWER(" + column + ")" : column, chain);
        }
        if (field.multi()) {
            if (modifiers.contains("length")) {
                return scalarOrSet("json_array_length(" + column + ")", chain);
            }
            String each = alias();
            Chain items = chain == null ? new Chain("json_each(" + column + ") " + each, "", List.of(), false)
                    : chain.join("json_each(" + column + ") " + each, false);
            String value = lower ? "LOWER(" + each + ".value)" : each + ".value";
            return new Resolved.Multi(items.render(), value, items.params());
        }
        // A single select/relation/file with :each is a list of its one value: the value itself. Any other field
        // ignores :each and :length, as PocketBase's resolver does (only @request.body refuses them).
        return scalarOrSet(lower ? "LOWER(" + column + ")" : column, chain);
    }

    /**
     * {@code path} ("", ".a.b", "[2]", checked to be word characters) inside a json column; a value that is not
     * valid JSON reads as a plain text at the top and as NULL below it, instead of failing the query.
     */
    private static String jsonExtract(String column, String path) {
        return "(CASE WHEN json_valid(" + column + ") THEN JSON_EXTRACT(" + column + ", '$" + path
                + "') ELSE JSON_EXTRACT(json_object('pb', " + column + "), '$.pb" + path + "') END)";
    }

    /** A single json value keeps NULL apart from '' in = and != (a set of them, through a multi relation, does not yet). */
    private static Resolved exact(Resolved resolved) {
        return resolved instanceof Resolved.Single s ? new Resolved.Single(s.sql(), s.params(), true) : resolved;
    }

    /** Select, relation and file fields hold lists (of at most one value when single): PocketBase's MultiValuer fields. */
    private static boolean arrayable(Field field) {
        return field instanceof SelectField || field instanceof RelationField || field instanceof FileField;
    }

    /** {@code value} of the record itself, of the one row a single-relation chain reaches, or of each row of a longer chain. */
    private static Resolved scalarOrSet(String value, Chain chain) {
        if (chain == null) {
            return new Resolved.Single(value, List.of());
        }
        if (chain.scalar()) {
            return new Resolved.Single("(SELECT " + value + " FROM " + chain.render() + ")", chain.params());
        }
        return new Resolved.Multi(chain.render(), value, chain.params());
    }

    private void checkVisible(Field field) {
        if (field instanceof PasswordField || "tokenKey".equals(field.name()) && collection.isAuth()) {
            throw new FilterException("field " + field.name() + " cannot be filtered");
        }
        if (field.hidden() && !allowHidden) {
            throw new FilterException("field " + field.name() + " is hidden");
        }
    }

    private Resolved request(String path, List<String> modifiers) {
        String[] parts = path.split("\\.", 2);
        String area = parts[0];
        String key = parts.length > 1 ? parts[1] : "";
        return switch (area) {
            case "method" -> known(request.method(), modifiers);
            case "context" -> known(request.context(), modifiers);
            case "query" -> known(request.query().get(key), modifiers);
            case "headers" -> known(request.headers().get(key.toLowerCase(Locale.ROOT).replace('-', '_')), modifiers);
            case "auth" -> auth(key, modifiers);
            case "body" -> body(key, modifiers);
            default -> throw new FilterException("unknown @request." + area);
        };
    }

    /** A value the request gives ({@code @request.query.x}...), with {@code :isset} and {@code :lower} as PocketBase has them. */
    private static Resolved known(String value, List<String> modifiers) {
        if (modifiers.contains("isset")) {
            return literal(value != null);
        }
        return literal(value != null && modifiers.contains("lower") ? value.toLowerCase(Locale.ROOT) : value);
    }

    private Resolved auth(String key, List<String> modifiers) {
        if (key.isEmpty()) {
            throw new FilterException("unsupported @request.auth path");
        }
        if (key.contains(".")) {
            return authPath(key, modifiers);
        }
        if (request.auth() == null) {
            return new Resolved.Single("?", nullParam());
        }
        JsonNode value = request.auth().get(key);
        return jsonValue(value, modifiers);
    }

    /**
     * {@code @request.body.author.role}: a path from the records the body names in one of this
     * collection's relation fields, as PocketBase joins the submitted ids. NULL when none is sent.
     */
    private Resolved bodyPath(String key, List<String> modifiers) {
        String[] parts = key.split("\\.", 2);
        Field field = collection.field(parts[0]).orElse(null);
        if (!(field instanceof RelationField relation)) {
            // A key inside a submitted value (json, or any other non-relation or unknown field): read from the body
            // as sent, NULL where it has no such key, as PocketBase reads static request values.
            JsonNode value = request.body();
            for (String part : key.split("\\.")) {
                value = value == null ? null : value.isArray() && part.matches("\\d{1,9}") ? value.get(Integer.parseInt(part))
                        : value.get(part);
            }
            return jsonValue(value, modifiers);
        }
        Collection target = schema.find(relation.collectionId())
                .orElseThrow(() -> new FilterException("missing relation collection"));
        JsonNode body = request.body();
        List<Object> ids = new ArrayList<>(Values.list(body == null ? null : body.get(parts[0])));
        if (ids.isEmpty()) {
            return new Resolved.Single("?", nullParam());
        }
        String a = joinAlias("@request.body." + parts[0]);
        String in = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        return path(target, a, "@request.body." + parts[0], List.of(parts[1].split("\\.", -1)), modifiers,
                new Chain(quote(target.name()) + " " + a, a + ".id IN (" + in + ")", ids, ids.size() == 1));
    }

    /**
     * {@code @request.auth.team.name}: a path from the caller's own record through its relations, as
     * PocketBase walks it. NULL for a guest (or a superuser, who is no record of this database).
     */
    private Resolved authPath(String key, List<String> modifiers) {
        RequestInfo.AuthRecord auth = request.auth();
        Collection authCollection = auth == null ? null : schema.find(auth.collectionId()).orElse(null);
        if (authCollection == null || Scaffolds.isSuperusers(authCollection)) {
            return new Resolved.Single("?", nullParam());
        }
        String a = joinAlias("@request.auth");
        List<Object> params = new ArrayList<>();
        params.add(auth.id());
        return path(authCollection, a, "@request.auth", List.of(key.split("\\.", -1)), modifiers,
                new Chain(quote(authCollection.name()) + " " + a, a + ".id = ?", params, true));
    }

    private Resolved body(String key, List<String> modifiers) {
        if (key.isEmpty()) {
            throw new FilterException("unsupported @request.body path");
        }
        if (key.contains(".")) {
            return bodyPath(key, modifiers);
        }
        if ((modifiers.contains("length") || modifiers.contains("each")) && !collection.field(key).map(RecordResolver::arrayable).orElse(false)) {
            // As PocketBase: refused when the rule is saved, never judged on a text as if it were a count.
            throw new FilterException(":each and :length apply to multi-valued fields only (" + key + ")");
        }
        JsonNode body = request.body();
        JsonNode value = body == null ? null : body.get(key);
        if (modifiers.contains("isset")) {
            return literal(value != null);
        }
        if (modifiers.contains("changed")) {
            if (collection.field(key).isEmpty()) {
                throw new FilterException(":changed applies to the collection's own fields only (" + key + ")");
            }
            // On create (nothing before) the new record holds what was sent: nothing changed, as in PocketBase.
            JsonNode before = request.bodyBefore() == null ? null : request.bodyBefore().get(key);
            return literal(value != null && before != null && !before.equals(value));
        }
        if (modifiers.contains("length") && (value == null || value.isNull())) {
            return literal(0L); // a field not sent counts no items
        }
        if (modifiers.contains("length") && !value.isArray()) {
            return literal(1L); // one id or name sent for a single select/relation/file is a list of one
        }
        return jsonValue(value, modifiers);
    }

    private Resolved jsonValue(JsonNode value, List<String> modifiers) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return new Resolved.Single("?", nullParam());
        }
        if (value.isArray()) {
            if (modifiers.contains("length")) {
                return literal((long) value.size());
            }
            String each = alias();
            String v = modifiers.contains("lower") ? "LOWER(" + each + ".value)" : each + ".value";
            return new Resolved.Multi("json_each(?) " + each, v, List.of(value.toString()));
        }
        Object scalar = value.isBoolean() ? (Object) value.asBoolean()
                : value.isIntegralNumber() ? (Object) value.asLong()
                : value.isNumber() ? (Object) value.asDouble()
                : value.isTextual() ? value.asText() : value.toString();
        if (modifiers.contains("lower") && scalar instanceof String s) {
            scalar = s.toLowerCase(Locale.ROOT);
        }
        return new Resolved.Single("?", List.of(scalar));
    }

    private static Resolved literal(Object value) {
        List<Object> params = new ArrayList<>();
        params.add(value);
        return new Resolved.Single("?", params);
    }

    private static List<Object> nullParam() {
        List<Object> params = new ArrayList<>();
        params.add(null);
        return params;
    }

    private String alias() {
        return "r" + (++aliases);
    }

    /**
     * The alias of a join, the same for every identifier of one filter that walks the same path
     * ({@code editors}, {@code comments_via_post}, {@code @collection.news}, {@code @collection.news:n}),
     * as PocketBase shares one LEFT JOIN per path: conditions combined with AND on that path are then
     * judged on the same related row (see FilterCompiler).
     */
    private String joinAlias(String key) {
        return joins.computeIfAbsent(key, k -> alias());
    }

    /** The SQL of one sort key: a single-valued field or relation path. */
    String sortExpression(String key, boolean descending) {
        Resolved r = resolve(key);
        if (r instanceof Resolved.Single s && s.params().isEmpty()) {
            return s.sql();
        }
        if (r instanceof Resolved.Multi m && m.params().isEmpty()) {
            // A multi-valued path (editors.name, comments_via_post.created) sorts by its first value in
            // that direction: the largest when descending, the smallest when ascending.
            return "(SELECT " + (descending ? "MAX(" : "MIN(") + m.value() + ") FROM " + m.from() + ")";
        }
        throw new FilterException("invalid sort field " + key);
    }
}
