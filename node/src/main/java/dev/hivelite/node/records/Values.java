package dev.hivelite.node.records;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.GoFloats;
import dev.hivelite.node.common.Json;

/**
 * PocketBase's casts of submitted values, as its fields make them (Go's {@code spf13/cast}): lenient
 * between scalars, and empty where a value has no such form (a list or an object given to a text
 * field is "", not its JSON). The field errors every type shares live here too.
 */
final class Values {

    private Values() {
    }

    /** As {@code cast.ToString}: numbers as Go prints a float64, booleans as words, lists and objects "". */
    static String text(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode() || in.isContainerNode()) {
            return "";
        }
        if (in.isNumber()) {
            return GoFloats.shortest(in.asDouble());
        }
        if (in.isBoolean()) {
            return Boolean.toString(in.asBoolean());
        }
        return in.asText();
    }

    /**
     * A number as Go's JSON encoder writes a float64: whole values below 1e21 without a fraction
     * ({@code 100}, not {@code 100.0}; {@code 100000000000000000000}, not {@code 1e+20}), others
     * from 1e-6 in plain digits ({@code 12345678.5}, not {@code 1.23456785E7}).
     */
    static JsonNode jsonNumber(double d) {
        double abs = Math.abs(d);
        if (d % 1 == 0 && abs < 1e21) {
            return abs < 9.0e18 ? LongNode.valueOf((long) d)
                    : BigIntegerNode.valueOf(BigDecimal.valueOf(d).toBigInteger());
        }
        if (abs >= 1e-6 && abs < 1e21) {
            return DecimalNode.valueOf(new BigDecimal(GoFloats.shortest(d)));
        }
        return DoubleNode.valueOf(d);
    }

    /**
     * As {@code cast.ToFloat64}: text as Go's {@code ParseFloat} reads it ("NaN" and "Inf" too, for
     * the field to refuse), any other text 0; a boolean 1 or 0; a list or an object 0.
     */
    static Double number(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode() || in.isContainerNode()) {
            return 0.0;
        }
        if (in.isNumber()) {
            return in.asDouble();
        }
        if (in.isBoolean()) {
            return in.asBoolean() ? 1.0 : 0.0;
        }
        return GoFloats.parse(in.asText()).orElse(0);
    }

    /** As {@code cast.ToBool}: text as Go's {@code ParseBool} reads it ("yes", "on" are false), numbers non-zero. */
    static Boolean bool(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode() || in.isContainerNode()) {
            return false;
        }
        if (in.isBoolean()) {
            return in.asBoolean();
        }
        if (in.isNumber()) {
            return in.asDouble() != 0;
        }
        return switch (in.asText()) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> false;
        };
    }

    /**
     * PocketBase's list of a multi-valued field: unique non-empty texts, from a list (empty when an
     * item is itself a list or an object), from text holding a JSON list of texts, or from one value.
     */
    static List<String> list(JsonNode in) {
        if (in == null || in.isNull() || in.isMissingNode() || in.isObject()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        if (in.isArray()) {
            for (JsonNode item : in) {
                if (item.isContainerNode()) {
                    return List.of();
                }
                items.add(text(item));
            }
        } else if (in.isTextual()) {
            items = listFromText(in.asText());
        } else {
            items.add(text(in));
        }
        LinkedHashSet<String> out = new LinkedHashSet<>(items);
        out.remove("");
        return new ArrayList<>(out);
    }

    /**
     * Text with a {@code [} anywhere is read as a JSON list of texts (an item of another type counts
     * as "" and, as Go's decoder reports it, the whole text is kept too); any other text is one value.
     */
    private static List<String> listFromText(String s) {
        JsonNode parsed = s.contains("[") ? strictJson(s) : null;
        if (parsed == null || !parsed.isArray()) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        boolean mistyped = false;
        for (JsonNode item : parsed) {
            out.add(item.isTextual() ? item.asText() : "");
            mistyped |= !item.isTextual() && !item.isNull();
        }
        if (mistyped) {
            out.add(s);
        }
        return out;
    }

    /** Reads exactly one JSON value (nothing may follow it, as Go's decoder checks); null when it is not JSON. */
    static JsonNode strictJson(String s) {
        try {
            JsonNode node = STRICT.readTree(s);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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

    static FieldError requiredError() {
        return new FieldError("validation_required", "Cannot be blank.");
    }

    static String trimNumber(double d) {
        return d % 1 == 0 && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
