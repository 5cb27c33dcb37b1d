package dev.hivelite.node.records;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * Names of uploaded files kept under the database's {@code storage/} ({@code maxSelect} > 1: a JSON
 * array column). {@code maxSize} in bytes, 0 meaning PocketBase's 5 MB.
 */
record FileField(Common common, int maxSelect, long maxSize, List<String> mimeTypes, List<String> thumbs,
                 boolean protectedFiles, boolean required) implements Field {

    static final long DEFAULT_MAX_SIZE = 5L << 20;

    FileField {
        maxSelect = Math.max(1, maxSelect);
        mimeTypes = mimeTypes == null ? List.of() : List.copyOf(mimeTypes);
        thumbs = thumbs == null ? List.of() : List.copyOf(thumbs);
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public boolean multi() {
        return maxSelect > 1;
    }

    long sizeLimit() {
        return maxSize > 0 ? maxSize : DEFAULT_MAX_SIZE;
    }

    @Override
    public Object toDb(Object value) {
        return multi() ? Values.listToDb(value) : value;
    }

    @Override
    public Object fromInput(JsonNode input) {
        List<String> list = Values.list(input);
        return multi() ? list : list.isEmpty() ? "" : list.getLast();
    }

    List<String> names(Object value) {
        return multi() ? Values.asList(value) : ((String) value).isEmpty() ? List.of() : List.of((String) value);
    }

    @Override
    public FieldError validate(Object value) {
        List<String> names = names(value);
        if (names.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        if (names.size() > maxSelect) {
            return FieldError.of("validation_too_many_files", "The maximum allowed files is " + maxSelect + ".", "maxSelect", maxSelect);
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        Fields.putList(out, "mimeTypes", mimeTypes);
        Fields.putList(out, "thumbs", thumbs);
        out.put("maxSelect", maxSelect).put("maxSize", maxSize).put("protected", protectedFiles)
           .put("required", required);
    }
}
