package dev.hivelite.node.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** Set by the server on create and/or update; submitted values are ignored. */
record AutodateField(Common common, boolean onCreate, boolean onUpdate) implements Field {

    @Override
    public String type() {
        return "autodate";
    }

    @Override
    public Object fromInput(JsonNode input) {
        return Dates.normalize(Values.text(input));
    }

    @Override
    public FieldError validate(Object value) {
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("onCreate", onCreate).put("onUpdate", onUpdate);
    }
}
