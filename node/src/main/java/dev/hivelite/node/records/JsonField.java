package dev.hivelite.node.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Json;

/** Any JSON value; {@code maxSize} in bytes of its text, 0 meaning PocketBase's 1 MB. */
record JsonField(Common common, long maxSize, boolean required) implements Field {

    static final long DEFAULT_MAX_SIZE = 1L << 20;
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

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
        try {
            return Json.mapper().readTree(raw.toString());
        } catch (JsonProcessingException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(raw.toString());
        }
    }

    @Override
    public Object toDb(Object value) {
        JsonNode node = (JsonNode) value;
        return node == null || node.isNull() ? null : node.toString();
    }

    @Override
    public Object fromInput(JsonNode input) {
        if (input == null || input.isMissingNode()) {
            return NullNode.getInstance();
        }
        if (input.isTextual()) {
            // Multipart forms send JSON as text; PocketBase's normalisation of a plain string: null, true,
            // false, a number, an object, an array or a quoted string when the text is exactly that JSON;
            // any other text (the empty one too) is a JSON string.
            String text = input.asText();
            boolean jsonLike = text.equals("null") || text.equals("true") || text.equals("false")
                    || NUMBER.matcher(text).matches()
                    || !text.isEmpty() && "{[\"".indexOf(text.charAt(0)) >= 0;
            if (jsonLike) {
                try {
                    JsonNode parsed = Json.mapper().readTree(text);
                    if (parsed != null && !parsed.isMissingNode()) {
                        return parsed;
                    }
                } catch (JsonProcessingException e) {
                    // not JSON after all: a string
                }
            }
            return input;
        }
        return input;
    }

    @Override
    public FieldError validate(Object value) {
        JsonNode node = (JsonNode) value;
        boolean empty = node == null || node.isNull() || (node.isContainerNode() && node.isEmpty())
                || (node.isTextual() && node.asText().isEmpty());
        if (empty) {
            return required ? Values.requiredError() : null;
        }
        long limit = maxSize > 0 ? maxSize : DEFAULT_MAX_SIZE;
        if (node.toString().length() > limit) {
            return FieldError.of("validation_json_size_limit", "The maximum allowed JSON size is " + limit + " bytes.", "maxSize", limit);
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("maxSize", maxSize).put("required", required);
    }
}
