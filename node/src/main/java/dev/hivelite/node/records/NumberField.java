package dev.hivelite.node.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** A number (float64 in PocketBase); {@code required} means non-zero. */
record NumberField(Common common, Double min, Double max, boolean onlyInt, boolean required) implements Field {

    @Override
    public String type() {
        return "number";
    }

    @Override
    public String columnDefinition() {
        return "NUMERIC DEFAULT 0 NOT NULL";
    }

    @Override
    public Object zero() {
        return 0.0;
    }

    @Override
    public Object fromDb(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        return raw == null ? 0.0 : Values.number(com.fasterxml.jackson.databind.node.TextNode.valueOf(raw.toString()));
    }

    @Override
    public Object fromInput(JsonNode input) {
        // "NaN", "Infinity" and numbers beyond a double parse, as in PocketBase, and are refused below.
        if (input != null && (input.isTextual() || input.isNumber())) {
            try {
                double d = input.isNumber() ? input.asDouble() : Double.parseDouble(input.asText().trim());
                if (!Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // not a number at all: 0, below
            }
        }
        return Values.number(input);
    }

    @Override
    public FieldError validate(Object value) {
        double d = (Double) value;
        if (!Double.isFinite(d)) {
            return new FieldError("validation_not_a_number", "The submitted number is not properly formatted.");
        }
        if (d == 0) {
            return required ? Values.requiredError() : null;
        }
        if (onlyInt && d % 1 != 0) {
            return new FieldError("validation_only_int_constraint", "Decimal numbers are not allowed.");
        }
        if (min != null && d < min) {
            return new FieldError("validation_min_number_constraint", "Must be larger than " + Values.trimNumber(min) + ".");
        }
        if (max != null && d > max) {
            return new FieldError("validation_max_number_constraint", "Must be less than " + Values.trimNumber(max) + ".");
        }
        return null;
    }

    @Override
    public Object toJson(Object value) {
        return Values.jsonNumber((Double) value);
    }

    @Override
    public void writeOptions(ObjectNode out) {
        if (min == null) {
            out.putNull("min");
        } else {
            out.set("min", Values.jsonNumber(min));
        }
        if (max == null) {
            out.putNull("max");
        } else {
            out.set("max", Values.jsonNumber(max));
        }
        out.put("onlyInt", onlyInt).put("required", required);
    }
}
