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
        if (!pattern.isEmpty() && !FieldPatterns.matches(pattern, s)) {
            return new FieldError("validation_invalid_format", "Invalid value format.");
        }
        return primaryKey && !Scaffolds.ID_PATTERN.equals(pattern) ? primaryKeyError(s, length) : null;
    }

    /**
     * PocketBase's characters an id of a collection's own pattern may not hold, in its order: an id
     * names the record's file folder, so nothing a file system or URL reads specially.
     */
    private static final String[] FORBIDDEN_IN_ID = {".", "/", "\\", "|", "\"", "'", "`", "<", ">", ":", "?", "*", "%",
            "$", "\0", "\t", "\n", "\r", " "};

    /** Names Windows reserves for devices, refused as ids in any case. */
    private static final String[] RESERVED_IDS = {"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5",
            "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};

    private static FieldError primaryKeyError(String id, int length) {
        for (String ch : FORBIDDEN_IN_ID) {
            if (id.contains(ch)) {
                return FieldError.of("validation_forbidden_pk_character", "'" + ch + "' is not a valid primary key character.",
                        "ch", ch);
            }
        }
        if (length <= 4) {
            for (String reserved : RESERVED_IDS) {
                if (id.equalsIgnoreCase(reserved)) {
                    return FieldError.of("validation_reserved_pk", "The primary key '" + reserved
                            + "' is reserved and cannot be used.", "reserved", reserved);
                }
            }
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("min", min).put("max", max).put("pattern", pattern).put("autogeneratePattern", autogeneratePattern)
           .put("required", required).put("primaryKey", primaryKey);
    }
}
