package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Json;

/** PocketBase's lenient casts of submitted values, and the field errors every type shares. */
final class Values {

    private Values() {
    }

    static String text(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode()) {
            return "";
        }
        if (in.isTextual()) {
            return in.asText();
        }
        if (in.isNumber()) {
            // As Go formats a float64 ('f', shortest): 1e21 is "1000000000000000000000", 5.0 is "5".
            return in.isIntegralNumber() ? in.asText() : in.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (in.isBoolean()) {
            return Boolean.toString(in.asBoolean());
        }
        if (in.isArray()) {
            // PocketBase keeps the last value when a list reaches a single-value field.
            return in.isEmpty() ? "" : text(in.get(in.size() - 1));
        }
        return in.toString();
    }

    /**
     * A number as Go's JSON encoder writes a float64: whole values below 1e21 without a fraction
     * ({@code 100}, not {@code 100.0}; {@code 100000000000000000000}, not {@code 1e+20}).
     */
    static JsonNode jsonNumber(double d) {
        if (d % 1 == 0 && Math.abs(d) < 1e21) {
            return Math.abs(d) < 9.0e18 ? com.fasterxml.jackson.databind.node.LongNode.valueOf((long) d)
                    : com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(
                            java.math.BigDecimal.valueOf(d).toBigInteger());
        }
        return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(d);
    }

    static Double number(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode()) {
            return 0.0;
        }
        if (in.isNumber()) {
            return in.asDouble();
        }
        if (in.isBoolean()) {
            return in.asBoolean() ? 1.0 : 0.0;
        }
        if (in.isArray()) {
            return in.isEmpty() ? 0.0 : number(in.get(in.size() - 1));
        }
        String s = in.asText().trim();
        if (s.isEmpty()) {
            return 0.0;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : 0.0;
        } catch (NumberFormatException e) {
            return 0.0;
        }
    }

    static Boolean bool(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode()) {
            return false;
        }
        if (in.isBoolean()) {
            return in.asBoolean();
        }
        if (in.isNumber()) {
            return in.asDouble() != 0;
        }
        if (in.isArray()) {
            return !in.isEmpty() && bool(in.get(in.size() - 1));
        }
        String s = in.asText().trim().toLowerCase(java.util.Locale.ROOT);
        return s.equals("true") || s.equals("1") || s.equals("t") || s.equals("yes") || s.equals("on");
    }

    /** A list of unique non-empty strings: from an array, a JSON-array string, or one value. */
    static List<String> list(JsonNode in) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (in == null || in.isNull() || in.isMissingNode()) {
            return List.of();
        }
        if (in.isArray()) {
            in.forEach(item -> {
                String s = text(item);
                if (!s.isEmpty()) {
                    out.add(s);
                }
            });
            return new ArrayList<>(out);
        }
        String s = text(in);
        if (s.startsWith("[")) {
            try {
                JsonNode parsed = Json.mapper().readTree(s);
                if (parsed.isArray()) {
                    return list(parsed);
                }
            } catch (JsonProcessingException ignored) {
                // a plain value that happens to start with '['
            }
        }
        return s.isEmpty() ? List.of() : List.of(s);
    }

    /** A JSON array column's text back to a list; anything unexpected is an empty list. */
    static List<String> listFromDb(Object raw) {
        if (raw == null) {
            return List.of();
        }
        String s = raw.toString();
        if (s.isEmpty()) {
            return List.of();
        }
        try {
            JsonNode node = Json.mapper().readTree(s);
            return node != null && node.isArray() ? list(node) : (node != null && node.isTextual() ? list(node) : List.of());
        } catch (JsonProcessingException e) {
            return List.of(s);
        }
    }

    static String listToDb(Object value) {
        return Json.mapper().valueToTree(value).toString();
    }

    @SuppressWarnings("unchecked")
    static List<String> asList(Object value) {
        return value instanceof List<?> l ? (List<String>) l : List.of();
    }

    /** Compiled field patterns, by source: a field's pattern is compiled once, not per value. */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.regex.Pattern> PATTERNS =
            new java.util.concurrent.ConcurrentHashMap<>();

    static java.util.regex.Pattern pattern(String regex) {
        java.util.regex.Pattern p = PATTERNS.get(regex);
        if (p == null) {
            if (PATTERNS.size() > 10_000) {
                PATTERNS.clear();
            }
            p = java.util.regex.Pattern.compile(regex);
            PATTERNS.put(regex, p);
        }
        return p;
    }

    static FieldError requiredError() {
        return new FieldError("validation_required", "Cannot be blank.");
    }

    static String trimNumber(double d) {
        return d % 1 == 0 && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
