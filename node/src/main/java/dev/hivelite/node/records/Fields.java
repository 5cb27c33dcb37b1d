package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Json;

/** Field definitions to and from their JSON, as PocketBase writes them in a collection's {@code fields}. */
final class Fields {

    static final Pattern NAME = Pattern.compile("^\\w+$");
    static final Set<String> TYPES = Set.of("text", "number", "bool", "email", "url", "editor", "date", "autodate",
            "select", "json", "relation", "file", "password", "geoPoint");
    /**
     * Names a record's JSON uses for itself (as PocketBase lists them, exact case), and the filter
     * literals and SQLite's row id in any case: a filter or sort could not tell such a column from them.
     */
    static final Set<String> RESERVED = Set.of("expand", "collectionId", "collectionName");
    private static final Set<String> RESERVED_ANY_CASE = Set.of("null", "true", "false", "_rowid_");

    private Fields() {
    }

    /** PocketBase's deterministic id of a new field: its type and a checksum of its name. */
    static String newId(String type, String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return type + crc.getValue();
    }

    static ObjectNode toJson(Field f) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("id", f.id()).put("name", f.name()).put("type", f.type()).put("system", f.common().system())
           .put("hidden", f.common().hidden()).put("presentable", f.common().presentable());
        f.writeOptions(out);
        // PocketBase writes a field's keys in alphabetical order (its API tests match them as text).
        ObjectNode sorted = Json.mapper().createObjectNode();
        java.util.List<String> keys = new java.util.ArrayList<>();
        out.fieldNames().forEachRemaining(keys::add);
        keys.stream().sorted().forEach(k -> sorted.set(k, out.get(k)));
        return sorted;
    }

    static void putList(ObjectNode out, String key, List<String> values) {
        ArrayNode array = out.putArray(key);
        values.forEach(array::add);
    }

    /**
     * A field from its JSON; problems go into {@code errors} keyed by property, and null is returned
     * when the definition cannot be used.
     */
    static Field fromJson(JsonNode in, Map<String, Object> errors) {
        String type = text(in, "type");
        String name = text(in, "name");
        if (name.isEmpty()) {
            errors.put("name", new FieldError("validation_required", "Cannot be blank."));
        } else if (name.length() > 100) {
            errors.put("name", FieldError.lengthBetween(1, 100));
        } else if (!NAME.matcher(name).matches()) {
            errors.put("name", new FieldError("validation_match_invalid", "Must be in a valid format."));
        } else if (RESERVED.contains(name) || RESERVED_ANY_CASE.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            errors.put("name", new FieldError("validation_not_in_invalid", "Must be a different value."));
        } else if (name.toLowerCase(java.util.Locale.ROOT).contains("_via_")) {
            errors.put("name", new FieldError("validation_found_via", "The value cannot contain \"_via_\"."));
        }
        if (!TYPES.contains(type)) {
            errors.put("type", new FieldError("validation_invalid_field_type", "Invalid field type " + type + "."));
        }
        if (!errors.isEmpty()) {
            return null;
        }
        Field field = build(in, type, name);
        checkOptions(field, errors);
        checkCounts(field, in, errors);
        return errors.isEmpty() ? field : null;
    }

    /**
     * A field as stored: no checks, so a definition saved under older rules keeps loading (a field
     * dropped here would vanish from the schema, and the next rebuild of its table would lose its data).
     * Null only for a type this version does not know.
     */
    static Field stored(JsonNode in) {
        String type = text(in, "type");
        return TYPES.contains(type) && !text(in, "name").isEmpty() ? build(in, type, text(in, "name")) : null;
    }

    private static Field build(JsonNode in, String type, String name) {
        String id = text(in, "id");
        Field.Common common = new Field.Common(id.isEmpty() ? newId(type, name) : id, name, bool(in, "system"),
                bool(in, "hidden"), bool(in, "presentable"));
        boolean required = bool(in, "required");
        Field field = switch (type) {
            case "text" -> new TextField(common, integer(in, "min"), integer(in, "max"), text(in, "pattern"),
                    text(in, "autogeneratePattern"), required, bool(in, "primaryKey"));
            case "number" -> new NumberField(common, nullableNumber(in, "min"), nullableNumber(in, "max"),
                    bool(in, "onlyInt"), required);
            case "bool" -> new BoolField(common, required);
            case "email" -> new EmailField(common, list(in, "exceptDomains"), list(in, "onlyDomains"), required);
            case "url" -> new UrlField(common, list(in, "exceptDomains"), list(in, "onlyDomains"), required);
            case "editor" -> new EditorField(common, integer(in, "maxSize"), bool(in, "convertURLs"), required);
            case "date" -> new DateField(common, text(in, "min"), text(in, "max"), required);
            case "autodate" -> new AutodateField(common, bool(in, "onCreate"), bool(in, "onUpdate"));
            case "select" -> new SelectField(common, list(in, "values"), integer(in, "maxSelect"), required);
            case "json" -> new JsonField(common, integer(in, "maxSize"), required);
            case "relation" -> new RelationField(common, text(in, "collectionId"), bool(in, "cascadeDelete"),
                    integer(in, "minSelect"), integer(in, "maxSelect"), required);
            case "file" -> new FileField(common, integer(in, "maxSelect"), integer(in, "maxSize"),
                    list(in, "mimeTypes"), list(in, "thumbs"), bool(in, "protected"), required);
            case "password" -> new PasswordField(common, integer(in, "min"), integer(in, "max"), text(in, "pattern"),
                    integer(in, "cost"), required);
            case "geoPoint" -> new GeoPointField(common, required);
            default -> throw new IllegalStateException(type);
        };
        return field;
    }

    /**
     * The value counts as submitted (a field keeps at least one value once built): no negative
     * {@code maxSelect}, a select allowing no more than its values, a relation's range, as PocketBase
     * checks them.
     */
    private static void checkCounts(Field field, JsonNode in, Map<String, Object> errors) {
        int maxSelect = integer(in, "maxSelect");
        switch (field) {
            case SelectField s -> {
                int limit = Math.max(1, s.values().size());
                if (maxSelect < 0) {
                    errors.put("maxSelect", FieldError.noLessThan(0));
                } else if (maxSelect > limit) {
                    errors.put("maxSelect", FieldError.noGreaterThan(limit));
                }
            }
            case RelationField r -> {
                int minSelect = integer(in, "minSelect");
                if (minSelect < 0) {
                    errors.put("minSelect", FieldError.noLessThan(0));
                }
                // PocketBase's Min(minSelect) on maxSelect, which lets 0 (unset) pass.
                if (minSelect > 0 && maxSelect == 0) {
                    errors.put("maxSelect", new FieldError("validation_required", "Cannot be blank."));
                } else if (maxSelect != 0 && maxSelect < minSelect) {
                    errors.put("maxSelect", FieldError.noLessThan(minSelect));
                }
            }
            case FileField f when maxSelect < 0 -> errors.put("maxSelect", FieldError.noLessThan(0));
            default -> {
            }
        }
    }

    private static void checkOptions(Field field, Map<String, Object> errors) {
        switch (field) {
            case TextField t -> {
                pattern(t.pattern(), "pattern", errors);
                pattern(t.autogeneratePattern(), "autogeneratePattern", errors);
                if (!t.autogeneratePattern().isEmpty() && !errors.containsKey("autogeneratePattern")) {
                    try {
                        Autogenerate.length(t.autogeneratePattern());
                    } catch (IllegalArgumentException e) {
                        errors.put("autogeneratePattern", new FieldError("validation_invalid_value",
                                "Invalid pattern: " + e.getMessage() + "."));
                    }
                }
                if (t.min() < 0) {
                    errors.put("min", FieldError.noLessThan(0));
                }
                // PocketBase's Min(min) on max, which lets 0 (the default limit) pass.
                if (t.max() != 0 && t.max() < t.min()) {
                    errors.put("max", FieldError.noLessThan(t.min()));
                }
            }
            case PasswordField p -> {
                pattern(p.pattern(), "pattern", errors);
                if (p.min() > PasswordField.MAX) {
                    errors.put("min", FieldError.noGreaterThan(PasswordField.MAX));
                }
                // bcrypt's own range; 0 means its default cost.
                if (p.cost() != 0 && p.cost() < 4) {
                    errors.put("cost", FieldError.noLessThan(4));
                } else if (p.cost() > 31) {
                    errors.put("cost", FieldError.noGreaterThan(31));
                }
            }
            case DateField d when !d.min().isEmpty() && !d.max().isEmpty() && d.max().compareTo(d.min()) < 0 ->
                    // PocketBase checks max as a date within [min, …]: ozzo's date range error.
                    errors.put("max", new FieldError("validation_date_out_of_range", "The date is out of the allowed range."));
            case EmailField e -> domains(e.onlyDomains(), e.exceptDomains(), errors);
            case UrlField u -> domains(u.onlyDomains(), u.exceptDomains(), errors);
            case NumberField n when n.onlyInt() && (n.min() != null && n.min() % 1 != 0 || n.max() != null && n.max() % 1 != 0) ->
                    errors.put(n.min() != null && n.min() % 1 != 0 ? "min" : "max",
                            new FieldError("validation_only_int_constraint", "Decimal numbers are not allowed."));
            case NumberField n -> {
                if (n.min() != null && n.max() != null && n.max() < n.min()) {
                    // The threshold is a float64 in PocketBase: printed with %v, sent as a JSON number.
                    errors.put("max", FieldError.of("validation_min_greater_equal_than_required",
                            "Must be no less than " + Values.trimNumber(n.min()) + ".", "threshold", Values.jsonNumber(n.min())));
                }
            }
            case SelectField s when s.values().isEmpty() ->
                    errors.put("values", new FieldError("validation_required", "Cannot be blank."));
            case RelationField r when r.collectionId().isEmpty() ->
                    errors.put("collectionId", new FieldError("validation_required", "Cannot be blank."));
            case JsonField j when j.maxSize() < 0 -> errors.put("maxSize", FieldError.noLessThan(0));
            case EditorField ed when ed.maxSize() < 0 -> errors.put("maxSize", FieldError.noLessThan(0));
            case AutodateField a -> {
                if (!a.onCreate() && !a.onUpdate()) {
                    errors.put("onCreate", new FieldError("validation_required", "Cannot be blank."));
                    errors.put("onUpdate", new FieldError("validation_required", "Cannot be blank."));
                }
            }
            case FileField f -> {
                if (f.maxSize() < 0) {
                    errors.put("maxSize", FieldError.noLessThan(0));
                }
                Map<String, Object> thumbs = new LinkedHashMap<>();
                for (int i = 0; i < f.thumbs().size(); i++) {
                    String thumb = f.thumbs().get(i);
                    if (thumb.matches("0x0[tbf]?")) {
                        thumbs.put(Integer.toString(i), new FieldError("validation_not_in_invalid", "Must be a different value."));
                    } else if (!THUMB.matcher(thumb).matches()) {
                        thumbs.put(Integer.toString(i), new FieldError("validation_match_invalid", "Must be in a valid format."));
                    }
                }
                if (!thumbs.isEmpty()) {
                    errors.put("thumbs", thumbs);
                }
            }
            default -> {
            }
        }
    }

    /** PocketBase's thumb sizes: WxH, with t (top), b (bottom) or f (fit) after it. */
    private static final Pattern THUMB = Pattern.compile("^(\\d+)x(\\d+)(t|b|f)?$");

    private static final Pattern DOMAIN = Pattern.compile("^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$");

    /** onlyDomains or exceptDomains, not both, each a domain name (PocketBase's email/url settings). */
    private static void domains(List<String> only, List<String> except, Map<String, Object> errors) {
        if (!only.isEmpty() && !except.isEmpty()) {
            errors.put("onlyDomains", new FieldError("validation_empty", "Must be blank when exceptDomains is set."));
            errors.put("exceptDomains", new FieldError("validation_empty", "Must be blank when onlyDomains is set."));
            return;
        }
        for (String key : List.of("onlyDomains", "exceptDomains")) {
            for (String domain : key.equals("onlyDomains") ? only : except) {
                if (!DOMAIN.matcher(domain).matches()) {
                    errors.put(key, new FieldError("validation_is_domain", "Must be a valid domain: " + domain + "."));
                }
            }
        }
    }

    private static void pattern(String regex, String key, Map<String, Object> errors) {
        if (regex.isEmpty()) {
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            errors.put(key, new FieldError("validation_invalid_regex", "Invalid regular expression."));
        }
    }

    static String text(JsonNode in, String key) {
        JsonNode v = in.get(key);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static boolean bool(JsonNode in, String key) {
        JsonNode v = in.get(key);
        return v != null && Values.bool(v);
    }

    static int integer(JsonNode in, String key) {
        JsonNode v = in.get(key);
        return v == null || v.isNull() ? 0 : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Values.number(v)));
    }

    private static Double nullableNumber(JsonNode in, String key) {
        JsonNode v = in.get(key);
        return v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty()) ? null : Values.number(v);
    }

    static List<String> list(JsonNode in, String key) {
        return new ArrayList<>(Values.list(in.get(key)));
    }

    /** The field errors of one field as nested data. */
    static Map<String, Object> nested(Map<String, FieldError> errors) {
        return new LinkedHashMap<>(errors);
    }
}
