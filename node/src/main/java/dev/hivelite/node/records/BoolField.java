package dev.hivelite.node.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** A boolean; {@code required} means it must be true. */
record BoolField(Common common, boolean required) implements Field {

    @Override
    public String type() {
        return "bool";
    }

    @Override
    public String columnDefinition() {
        return "BOOLEAN DEFAULT FALSE NOT NULL";
    }

    @Override
    public Object zero() {
        return false;
    }

    @Override
    public Object fromDb(Object raw) {
        if (raw instanceof Number n) {
            return n.intValue() != 0;
        }
        return raw != null && (raw.equals(Boolean.TRUE) || "1".equals(raw.toString()) || "true".equalsIgnoreCase(raw.toString()));
    }

    @Override
    public Object toDb(Object value) {
        return Boolean.TRUE.equals(value) ? 1 : 0;
    }

    @Override
    public Object fromInput(JsonNode input) {
        // As PocketBase casts it: text is true only as Go's ParseBool reads it ("1", "t", "true"...),
        // so "yes" or "on" is false; a number is true when non-zero (a form's "2" is a number), a
        // list or an object false.
        return Values.bool(input);
    }

    @Override
    public FieldError validate(Object value) {
        return required && !Boolean.TRUE.equals(value) ? Values.requiredError() : null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("required", required);
    }
}
