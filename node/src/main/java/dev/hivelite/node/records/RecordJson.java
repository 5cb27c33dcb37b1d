package dev.hivelite.node.records;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.Json;

/**
 * A record as the API shows it: {@code collectionId}, {@code collectionName} and its fields, keys in
 * alphabetical order as PocketBase writes them. Passwords never appear; hidden fields (and tokenKey)
 * only for superusers (tokenKey never); an auth record's email only when {@code emailVisibility} is
 * on, or for superusers, the record itself and its managers.
 */
final class RecordJson {

    private RecordJson() {
    }

    static ObjectNode export(Collection collection, Map<String, Object> values, boolean superuser, boolean showEmail) {
        Layout layout = LAYOUTS.get(collection);
        var nodes = Json.mapper().getNodeFactory();
        boolean emailVisible = showEmail || superuser || Boolean.TRUE.equals(values.get("emailVisibility"));
        ObjectNode out = Json.mapper().createObjectNode();
        for (int i = 0; i < layout.names.length; i++) {
            Field f = layout.fields[i];
            String name = layout.names[i];
            if (f == null) {
                out.set(name, nodes.textNode(name.equals("collectionId") ? collection.id() : collection.name()));
                continue;
            }
            if (layout.hidden[i] && !superuser || i == layout.email && !emailVisible) {
                continue;
            }
            Object value = values.containsKey(name) ? values.get(name) : f.zero();
            out.set(name, node(f.toJson(value)));
        }
        return out;
    }

    /**
     * The keys of a collection's records in PocketBase's (alphabetical) order: {@code collectionId}
     * and {@code collectionName} (no field), then every field that may ever be shown.
     */
    private record Layout(String[] names, Field[] fields, boolean[] hidden, int email) {
    }

    private static final PerCollection<Layout> LAYOUTS = new PerCollection<>(RecordJson::layout);

    private static Layout layout(Collection collection) {
        java.util.TreeMap<String, Field> sorted = new java.util.TreeMap<>();
        sorted.put("collectionId", null);
        sorted.put("collectionName", null);
        for (Field f : collection.fields()) {
            if (collection.isAuth() && (f instanceof PasswordField || "tokenKey".equals(f.name()))) {
                continue;
            }
            sorted.put(f.name(), f);
        }
        String[] names = sorted.keySet().toArray(String[]::new);
        Field[] fields = sorted.values().toArray(Field[]::new);
        boolean[] hidden = new boolean[names.length];
        int email = -1;
        for (int i = 0; i < names.length; i++) {
            hidden[i] = fields[i] != null && fields[i].hidden();
            if (collection.isAuth() && "email".equals(names[i])) {
                email = i;
            }
        }
        return new Layout(names, fields, hidden, email);
    }

    /** A field's JSON value as a node, without a round trip through Jackson's serializers. */
    static JsonNode node(Object value) {
        var f = Json.mapper().getNodeFactory();
        return switch (value) {
            case null -> f.nullNode();
            case JsonNode n -> n;
            case String s -> f.textNode(s);
            case Boolean b -> f.booleanNode(b);
            case Long l -> f.numberNode(l);
            case Integer i -> f.numberNode(i);
            case Double d -> f.numberNode(d);
            case java.util.List<?> list -> {
                var array = f.arrayNode(list.size());
                list.forEach(item -> array.add(node(item)));
                yield array;
            }
            default -> Json.mapper().valueToTree(value);
        };
    }
}
