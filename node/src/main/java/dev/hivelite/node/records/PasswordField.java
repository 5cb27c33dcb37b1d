package dev.hivelite.node.records;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * A password: the column holds a bcrypt hash; a submitted plain value is validated here and hashed
 * by the record writer. Never part of a record's JSON, never filterable.
 */
record PasswordField(Common common, int min, int max, String pattern, int cost, boolean required) implements Field {

    /** bcrypt reads at most 72 bytes. */
    static final int MAX = 71;

    PasswordField {
        pattern = pattern == null ? "" : pattern;
    }

    /** A submitted plain password, not yet hashed. */
    record Plain(String value) {
    }

    @Override
    public String type() {
        return "password";
    }

    @Override
    public Object fromInput(JsonNode input) {
        return new Plain(Values.text(input));
    }

    @Override
    public FieldError validate(Object value) {
        if (!(value instanceof Plain plain)) {
            return required && ((String) value).isEmpty() ? Values.requiredError() : null;
        }
        String s = plain.value();
        if (s.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        // PocketBase words these unlike the text field's, and gives no params.
        int length = s.codePointCount(0, s.length());
        if (min > 0 && length < min) {
            return new FieldError("validation_min_text_constraint", "Must be at least " + min + " character(s).");
        }
        int limit = max > 0 ? Math.min(max, MAX) : MAX;
        if (length > limit) {
            return new FieldError("validation_max_text_constraint", "Must be less than " + limit + " character(s).");
        }
        if (!pattern.isEmpty() && !FieldPatterns.matches(pattern, s)) {
            return new FieldError("validation_invalid_format", "Invalid value format.");
        }
        return null;
    }

    @Override
    public Object toJson(Object value) {
        return ""; // the hash is never shown; a visible password field of a base collection reads as empty, as in PocketBase
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("min", min).put("max", max).put("pattern", pattern).put("cost", cost).put("required", required);
    }
}
