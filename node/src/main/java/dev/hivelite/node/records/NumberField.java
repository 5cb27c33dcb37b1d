package dev.hivelite.node.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.GoFloats;

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
        // "NaN" and "Inf" parse, as in PocketBase, and are refused below; a number too large is 0.
        return Values.number(input);
    }

    /** Whether {@code d} is whole as Go tells it (a float64 that converts to int64 and back unchanged). */
    private static boolean whole(double d) {
        return d % 1 == 0 && d >= -0x1p63 && d < 0x1p63;
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
        if (onlyInt && !whole(d)) {
            return new FieldError("validation_only_int_constraint", "Decimal numbers are not allowed.");
        }
        // PocketBase prints the limit with Go's %f and gives no params.
        if (min != null && d < min) {
            return new FieldError("validation_min_number_constraint", "Must be larger than " + GoFloats.fixed(min) + ".");
        }
        if (max != null && d > max) {
            return new FieldError("validation_max_number_constraint", "Must be less than " + GoFloats.fixed(max) + ".");
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
