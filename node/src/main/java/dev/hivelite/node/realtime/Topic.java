package dev.hivelite.node.realtime;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.Json;

/**
 * One subscription as PocketBase clients write it: {@code collection/*}, {@code collection/recordId}
 * (or {@code collection} alone, meaning {@code *}), with optional
 * {@code ?options={"query":{…},"headers":{…}}} (filter, expand, fields…). {@code raw} is the event
 * name the client listens to.
 */
record Topic(String raw, String collection, String recordId, Map<String, String> query, Map<String, String> headers) {

    static final int MAX_LENGTH = 2500;

    static Topic parse(String raw) {
        String path = raw;
        Map<String, String> query = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        int q = raw.indexOf('?');
        if (q >= 0) {
            path = raw.substring(0, q);
            for (String pair : raw.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && "options".equals(pair.substring(0, eq))) {
                    options(pair.substring(eq + 1), query, headers);
                    break; // the first one, as PocketBase reads it
                }
            }
        }
        int slash = path.indexOf('/');
        String collection = slash < 0 ? path : path.substring(0, slash);
        String id = slash < 0 ? "*" : path.substring(slash + 1);
        // Only '*' (or no id) is the whole collection: "notes/" names no record and matches none, as in PocketBase.
        return new Topic(raw, collection, "*".equals(id) ? null : id, query, headers);
    }

    /** Options that do not decode or parse are none (PocketBase ignores them); the topic stands. */
    private static void options(String encoded, Map<String, String> query, Map<String, String> headers) {
        try {
            JsonNode node = Json.mapper().readTree(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                return;
            }
            node.path("query").fields().forEachRemaining(e -> query.put(e.getKey(), text(e.getValue())));
            node.path("headers").fields().forEachRemaining(e ->
                    headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT).replace('-', '_'), text(e.getValue())));
        } catch (Exception ignored) {
            // malformed options are ignored, as PocketBase ignores them
        }
    }

    /** A value as PocketBase casts it to text: numbers and booleans as written, null, lists and objects empty. */
    private static String text(JsonNode v) {
        return v.isTextual() || v.isNumber() || v.isBoolean() ? v.asText() : "";
    }
}
