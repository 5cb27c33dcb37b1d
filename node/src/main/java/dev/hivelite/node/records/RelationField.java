package dev.hivelite.node.records;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * Ids of records of another collection ({@code maxSelect} > 1: a JSON array column). That the ids
 * exist is checked by the record writer, which can read the other table.
 */
record RelationField(Common common, String collectionId, boolean cascadeDelete, int minSelect, int maxSelect,
                     boolean required) implements Field {

    RelationField {
        maxSelect = Math.max(1, maxSelect);
        minSelect = Math.max(0, minSelect);
    }

    @Override
    public String type() {
        return "relation";
    }

    @Override
    public boolean multi() {
        return maxSelect > 1;
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

    List<String> ids(Object value) {
        return multi() ? Values.asList(value) : ((String) value).isEmpty() ? List.of() : List.of((String) value);
    }

    @Override
    public FieldError validate(Object value) {
        List<String> ids = ids(value);
        if (ids.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        if (ids.size() < minSelect) {
            return FieldError.of("validation_not_enough_values", "Select at least " + minSelect + ".", "minSelect", minSelect);
        }
        if (ids.size() > maxSelect) {
            return FieldError.of("validation_too_many_values", "Select no more than " + maxSelect + ".", "maxSelect", maxSelect);
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("collectionId", collectionId).put("cascadeDelete", cascadeDelete).put("minSelect", minSelect)
           .put("maxSelect", maxSelect).put("required", required);
    }
}
