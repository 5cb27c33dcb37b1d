package dev.hivelite.node.records;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * Plain text. {@code max} 0 means PocketBase's default of 5000 characters; {@code
 * autogeneratePattern} fills an empty value on create (the {@code id} field's {@code [a-z0-9]{15}}).
 */
record TextField(Common common, int min, int max, String pattern, String autogeneratePattern, boolean required,
                 boolean primaryKey) implements Field {

    static final int DEFAULT_MAX = 5000;

    TextField {
        pattern = pattern == null ? "" : pattern;
        autogeneratePattern = autogeneratePattern == null ? "" : autogeneratePattern;
    }

    @Override
    public String type() {
        return "text";
    }

    @Override
    public String columnDefinition() {
        return primaryKey ? "TEXT PRIMARY KEY NOT NULL" : "TEXT DEFAULT '' NOT NULL";
    }

    @Override
    public Object fromInput(JsonNode input) {
        return Values.text(input);
    }

    @Override
    public FieldError validate(Object value) {
        String s = (String) value;
        if (s.isEmpty()) {
            return required || primaryKey ? Values.requiredError() : null;
        }
        int length = s.codePointCount(0, s.length());
        if (min > 0 && length < min) {
            return FieldError.of("validation_min_text_constraint", "Must be at least " + min + " character(s).", "min", min);
        }
        int limit = max > 0 ? max : DEFAULT_MAX;
        if (length > limit) {
            return FieldError.of("validation_max_text_constraint", "Must be no more than " + limit + " character(s).", "max", limit);
        }
        if (!pattern.isEmpty() && !Values.pattern(pattern).matcher(s).find()) {
            return new FieldError("validation_invalid_format", "Invalid value format.");
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("min", min).put("max", max).put("pattern", pattern).put("autogeneratePattern", autogeneratePattern)
           .put("required", required).put("primaryKey", primaryKey);
    }
}
