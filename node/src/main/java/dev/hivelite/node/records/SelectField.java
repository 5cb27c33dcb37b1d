package dev.hivelite.node.records;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** One or several of a fixed list of values ({@code maxSelect} > 1: a JSON array column). */
record SelectField(Common common, List<String> values, int maxSelect, boolean required) implements Field {

    SelectField {
        values = values == null ? List.of() : List.copyOf(values);
        maxSelect = Math.max(1, maxSelect);
    }

    @Override
    public String type() {
        return "select";
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

    @Override
    public FieldError validate(Object value) {
        List<String> chosen = multi() ? Values.asList(value) : ((String) value).isEmpty() ? List.of() : List.of((String) value);
        if (chosen.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        // PocketBase counts before it looks at the values.
        if (chosen.size() > maxSelect) {
            return FieldError.of("validation_too_many_values", "Select no more than " + maxSelect + ".", "maxSelect", maxSelect);
        }
        for (String v : chosen) {
            if (!values.contains(v)) {
                return FieldError.of("validation_invalid_value", "Invalid value " + v + ".", "value", v);
            }
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        Fields.putList(out, "values", values);
        out.put("maxSelect", maxSelect).put("required", required);
    }
}
