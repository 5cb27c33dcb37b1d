package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.Json;

/**
 * A collection of one database: a real SQLite table (or view) and its PocketBase definition. The
 * type-specific settings (an auth collection's token durations and password auth, a view's query)
 * stay as JSON in {@code options}, shown flat in the collection's JSON as PocketBase shows them.
 */
public record Collection(String id, String name, String type, boolean system, List<Field> fields, List<String> indexes,
                         Rules rules, ObjectNode options, String created, String updated) {

    public static final String BASE = "base";
    public static final String AUTH = "auth";
    public static final String VIEW = "view";

    /** The five API rules: null is superusers only, "" is everyone, else a filter expression. */
    public record Rules(String list, String view, String create, String update, String delete) {
        static final Rules LOCKED = new Rules(null, null, null, null, null);
    }

    public Collection {
        fields = List.copyOf(fields);
        indexes = List.copyOf(indexes);
    }

    public boolean isAuth() {
        return AUTH.equals(type);
    }

    public boolean isView() {
        return VIEW.equals(type);
    }

    public Optional<Field> field(String fieldName) {
        for (Field f : fields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** An auth collection's setting, e.g. {@code passwordAuth.enabled}; missing when absent. */
    JsonNode option(String path) {
        JsonNode node = options;
        for (String part : path.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
    }

    /**
     * The secret of a kind of token ("auth", "file", "verification", "passwordReset", "emailChange"):
     * {@code <kind>Token.secret}, "" when none is set. Changing it ends every token of that kind.
     */
    String tokenSecret(String kind) {
        JsonNode config = options.get(kind + "Token");
        JsonNode secret = config == null ? null : config.get("secret");
        return secret == null || !secret.isTextual() ? "" : secret.asText();
    }

    long tokenDuration(String kind, long fallbackSeconds) {
        JsonNode d = option(kind + ".duration");
        return d.isNumber() ? d.asLong() : fallbackSeconds;
    }

    String authRule() {
        JsonNode r = options.get("authRule");
        return r == null || r.isNull() ? null : r.asText();
    }

    String manageRule() {
        JsonNode r = options.get("manageRule");
        return r == null || r.isNull() ? null : r.asText();
    }

    List<String> identityFields() {
        List<String> out = new ArrayList<>();
        option("passwordAuth.identityFields").forEach(n -> out.add(n.asText()));
        return out.isEmpty() ? List.of("email") : out;
    }

    /**
     * Whether lookups by {@code field} ignore case, as PocketBase decides it: only when the collection
     * has a unique index on that one column declared {@code COLLATE NOCASE}; an exact match otherwise.
     */
    boolean caseInsensitiveUnique(String field) {
        return Scaffolds.uniqueIndexCollation(indexes, field).map(c -> c.equalsIgnoreCase("nocase")).orElse(false);
    }

    public ObjectNode toJson() {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("id", id);
        putRule(out, "listRule", rules.list());
        putRule(out, "viewRule", rules.view());
        putRule(out, "createRule", rules.create());
        putRule(out, "updateRule", rules.update());
        putRule(out, "deleteRule", rules.delete());
        out.put("name", name).put("type", type);
        ArrayNode fieldArray = out.putArray("fields");
        fields.forEach(f -> fieldArray.add(Fields.toJson(f)));
        ArrayNode indexArray = out.putArray("indexes");
        indexes.forEach(indexArray::add);
        out.put("created", created).put("updated", updated).put("system", system);
        out.setAll(options.deepCopy());
        // As PocketBase: a provider's client secret and the token secrets are written, never shown; a
        // provider shows PocketBase's keys only, whatever an older version stored.
        if (out.path("oauth2") instanceof ObjectNode oauth2 && oauth2.path("providers").isArray()) {
            ArrayNode providers = Json.mapper().createArrayNode();
            for (JsonNode stored : oauth2.get("providers")) {
                providers.add(AuthOptions.provider(stored, false).without("clientSecret"));
            }
            oauth2.set("providers", providers);
        }
        out.fields().forEachRemaining(e -> {
            if (e.getKey().endsWith("Token") && e.getValue() instanceof ObjectNode token) {
                token.remove("secret");
            }
        });
        return out;
    }

    private static void putRule(ObjectNode out, String key, String rule) {
        if (rule == null) {
            out.putNull(key);
        } else {
            out.put(key, rule);
        }
    }
}
