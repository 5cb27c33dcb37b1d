package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.hivelite.node.common.Json;

/**
 * What each key of a record's body does, as PocketBase's fields answer it: {@code name} sets the
 * field; a number takes {@code name+} and {@code name-} (add, subtract); a select, relation or file
 * field takes {@code +name}, {@code name+} and {@code name-} (prepend, append, remove); a text field
 * takes {@code name:autogenerate}. Any other key, {@code +count} of a number say, sets nothing.
 */
final class BodyKeys {

    private static final String AUTOGENERATE = ":autogenerate";

    private BodyKeys() {
    }

    enum Op { SET, APPEND, PREPEND, SUBTRACT, AUTOGENERATE }

    /** A key's field and what the key does to it. */
    record Target(Field field, Op op) {
    }

    /** The field a key sets or modifies, or null when the key is none of them. */
    static Target target(Collection collection, String key) {
        for (Field f : collection.fields()) {
            String name = f.name();
            boolean list = f instanceof SelectField || f instanceof RelationField || f instanceof FileField;
            if (key.equals(name)) {
                return new Target(f, Op.SET);
            }
            if (key.equals(name + "+") && (list || f instanceof NumberField)) {
                return new Target(f, Op.APPEND);
            }
            if (key.equals("+" + name) && list) {
                return new Target(f, Op.PREPEND);
            }
            if (key.equals(name + "-") && (list || f instanceof NumberField)) {
                return new Target(f, Op.SUBTRACT);
            }
            if (key.equals(name + AUTOGENERATE) && f instanceof TextField) {
                return new Target(f, Op.AUTOGENERATE);
            }
        }
        return null;
    }

    /**
     * The body's entries in the order PocketBase applies them: shorter keys first (so a field is set
     * before its modifiers change it), in body order among keys of one length.
     */
    static List<Map.Entry<String, JsonNode>> inOrder(JsonNode body) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            entries.add(it.next());
        }
        entries.sort(Comparator.comparingInt(e -> e.getKey().length()));
        return entries;
    }

    /** The field's value once the key's operation has been applied to {@code current}. */
    static Object apply(Target target, Object current, JsonNode value) {
        Field f = target.field();
        return switch (target.op()) {
            case SET -> f.fromInput(value);
            case AUTOGENERATE -> {
                String pattern = ((TextField) f).autogeneratePattern();
                yield Values.text(value) + (pattern.isEmpty() ? "" : Autogenerate.fromPattern(pattern));
            }
            default -> f instanceof NumberField ? (Double) current + (target.op() == Op.SUBTRACT ? -1 : 1)
                    * Values.number(value) : modifyList(f, current, value, target.op());
        };
    }

    /**
     * A list operation on what the field holds (one value counts as a list of one), the result cast
     * back as a plain value would be: unique, and a single-value field keeps the last.
     */
    private static Object modifyList(Field f, Object current, JsonNode value, Op op) {
        List<String> items = f.multi() ? Values.asList(current)
                : current == null || ((String) current).isEmpty() ? List.of() : List.of((String) current);
        List<String> given = Values.list(value);
        List<String> combined = new ArrayList<>();
        switch (op) {
            case APPEND -> {
                combined.addAll(items);
                combined.addAll(given);
            }
            case PREPEND -> {
                combined.addAll(given);
                combined.addAll(items);
            }
            default -> items.stream().filter(item -> !given.contains(item)).forEach(combined::add);
        }
        ArrayNode node = Json.mapper().createArrayNode();
        combined.forEach(node::add);
        return f.fromInput(node);
    }
}
