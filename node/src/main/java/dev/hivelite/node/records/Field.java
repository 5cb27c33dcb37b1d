package dev.hivelite.node.records;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * One field of a collection: a column of its table, with PocketBase's type, options and validation.
 * One small class per type, as PocketBase has one file per field type. Values move through three
 * forms: the submitted JSON ({@link #fromInput}), the canonical Java value (String, Double, Boolean,
 * {@code List<String>}, JsonNode), and the JDBC value ({@link #toDb}/{@link #fromDb}).
 */
public sealed interface Field permits TextField, NumberField, BoolField, EmailField, UrlField, EditorField,
        DateField, AutodateField, SelectField, JsonField, RelationField, FileField, PasswordField, GeoPointField {

    /** What every field has, whatever its type. */
    record Common(String id, String name, boolean system, boolean hidden, boolean presentable) {
        Common withName(String newName) {
            return new Common(id, newName, system, hidden, presentable);
        }
    }

    Common common();

    String type();

    default String name() {
        return common().name();
    }

    default String id() {
        return common().id();
    }

    default boolean hidden() {
        return common().hidden();
    }

    default boolean required() {
        return false;
    }

    /** Holds several values (a JSON array column). */
    default boolean multi() {
        return false;
    }

    /**
     * SQLite column type and default, after the quoted column name. Most types store text, and the
     * multi-valued ones a JSON array; the others (number, bool, json, geoPoint) say their own.
     */
    default String columnDefinition() {
        return multi() ? "JSON DEFAULT '[]' NOT NULL" : "TEXT DEFAULT '' NOT NULL";
    }

    /** The value of a new record that did not set this field. */
    default Object zero() {
        return multi() ? List.of() : "";
    }

    /** Canonical value from what SQLite returned. */
    default Object fromDb(Object raw) {
        return multi() ? Values.listFromDb(raw) : raw == null ? "" : raw.toString();
    }

    /** What to bind for the canonical value. */
    default Object toDb(Object value) {
        return value;
    }

    /** Canonical value from a submitted JSON value (lenient, as PocketBase casts); {@code current} for modifiers. */
    Object fromInput(JsonNode input);

    /** The field error of a canonical value about to be saved, or null. */
    FieldError validate(Object value);

    /** The canonical value as it appears in a record's JSON. */
    default Object toJson(Object value) {
        return value;
    }

    /** Writes the type-specific options into a field's JSON. */
    void writeOptions(ObjectNode out);
}
