package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * Any JSON value; {@code maxSize} in bytes of its stored text, 0 meaning PocketBase's 1 MB. A
 * submitted value is kept as the text PocketBase stores ({@link Raw}): its size, its validity and
 * its emptiness are judged on that text, as PocketBase judges them.
 */
record JsonField(Common common, long maxSize, boolean required) implements Field {

    static final long DEFAULT_MAX_SIZE = 1L << 20;
    private static final List<String> EMPTY = List.of("null", "\"\"", "[]", "{}", "");

    /** A submitted value as the text PocketBase stores ("" for none: SQL NULL). */
    record Raw(String text) {
    }

    @Override
    public String type() {
        return "json";
    }

    @Override
    public String columnDefinition() {
        return "JSON DEFAULT NULL";
    }

    @Override
    public Object zero() {
        return NullNode.getInstance();
    }

    @Override
    public Object fromDb(Object raw) {
        if (raw == null) {
            return NullNode.getInstance();
        }
        JsonNode node = Values.strictJson(raw.toString());
        return node != null ? node : com.fasterxml.jackson.databind.node.TextNode.valueOf(raw.toString());
    }

    @Override
    public Object toDb(Object value) {
        if (value instanceof Raw raw) {
            return raw.text().isEmpty() ? null : raw.text();
        }
        JsonNode node = (JsonNode) value;
        return node == null || node.isNull() ? null : node.toString();
    }

    /**
     * PocketBase's normalisation: text that is exactly {@code null}, {@code true}, {@code false} or
     * JSON starting with a digit, {@code -}, a quote, {@code [} or <code>{</code> is kept as that JSON;
     * other text (the empty one too) becomes a JSON string; any other value is encoded as Go encodes it.
     */
    @Override
    public Object fromInput(JsonNode input) {
        if (input == null || input.isMissingNode() || input.isNull()) {
            return new Raw("");
        }
        if (!input.isTextual()) {
            return new Raw(GoJson.encode(input));
        }
        String text = input.asText();
        if (text.equals("null") || text.equals("true") || text.equals("false")) {
            return new Raw(text);
        }
        boolean jsonLike = !text.isEmpty() && ("-\"[{".indexOf(text.charAt(0)) >= 0
                || text.charAt(0) >= '0' && text.charAt(0) <= '9');
        return new Raw(jsonLike && Values.strictJson(text) != null ? text : GoJson.quote(text));
    }

    @Override
    public FieldError validate(Object value) {
        String text = stored(value);
        long limit = maxSize > 0 ? maxSize : DEFAULT_MAX_SIZE;
        if (text.getBytes(StandardCharsets.UTF_8).length > limit) {
            return FieldError.of("validation_json_size_limit", "The maximum allowed JSON size is " + limit + " bytes.", "maxSize", limit);
        }
        if (!text.isEmpty() && Values.strictJson(text) == null) {
            return new FieldError("validation_invalid_json", "Must be a valid json value.");
        }
        if (required && EMPTY.contains(text.strip())) {
            return Values.requiredError();
        }
        return null;
    }

    private static String stored(Object value) {
        if (value instanceof Raw raw) {
            return raw.text();
        }
        JsonNode node = (JsonNode) value;
        return node == null || node.isNull() ? "" : GoJson.encode(node);
    }

    @Override
    public Object toJson(Object value) {
        if (value instanceof Raw raw) {
            JsonNode node = raw.text().isEmpty() ? null : Values.strictJson(raw.text());
            return node == null ? NullNode.getInstance() : node;
        }
        return value;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("maxSize", maxSize).put("required", required);
    }
}
