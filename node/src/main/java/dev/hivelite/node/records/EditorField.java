package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** Rich text (HTML), stored as given; {@code maxSize} in bytes, 0 meaning PocketBase's 5 MB. */
record EditorField(Common common, long maxSize, boolean convertURLs, boolean required) implements Field {

    static final long DEFAULT_MAX_SIZE = 5L << 20;

    @Override
    public String type() {
        return "editor";
    }

    @Override
    public Object fromInput(JsonNode input) {
        return Values.text(input);
    }

    @Override
    public FieldError validate(Object value) {
        String s = (String) value;
        if (s.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        long limit = maxSize > 0 ? maxSize : DEFAULT_MAX_SIZE;
        if (s.getBytes(StandardCharsets.UTF_8).length > limit) {
            return FieldError.of("validation_content_size_limit", "The maximum allowed content size is " + limit + " bytes.", "maxSize", limit);
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("maxSize", maxSize).put("convertURLs", convertURLs).put("required", required);
    }
}
