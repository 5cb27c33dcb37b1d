package dev.hivelite.node.records;

import java.util.Map;
import java.util.TreeMap;

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
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        sorted.put("collectionId", Json.mapper().getNodeFactory().textNode(collection.id()));
        sorted.put("collectionName", Json.mapper().getNodeFactory().textNode(collection.name()));
        boolean emailVisible = showEmail || superuser || Boolean.TRUE.equals(values.get("emailVisibility"));
        for (Field f : collection.fields()) {
            if (f instanceof PasswordField || collection.isAuth() && "tokenKey".equals(f.name())) {
                continue;
            }
            if (f.hidden() && !superuser) {
                continue;
            }
            if (collection.isAuth() && "email".equals(f.name()) && !emailVisible) {
                continue;
            }
            Object value = values.containsKey(f.name()) ? values.get(f.name()) : f.zero();
            sorted.put(f.name(), node(f.toJson(value)));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        sorted.forEach(out::set);
        return out;
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
