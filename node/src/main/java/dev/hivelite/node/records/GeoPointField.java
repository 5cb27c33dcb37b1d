package dev.hivelite.node.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Json;

/** A {@code {lon, lat}} point; required means not the zero point. */
record GeoPointField(Common common, boolean required) implements Field {

    @Override
    public String type() {
        return "geoPoint";
    }

    @Override
    public String columnDefinition() {
        return "JSON DEFAULT '{\"lon\":0,\"lat\":0}' NOT NULL";
    }

    @Override
    public Object zero() {
        return point(0, 0);
    }

    private static ObjectNode point(double lon, double lat) {
        ObjectNode point = Json.mapper().createObjectNode();
        point.set("lon", Values.jsonNumber(lon));
        point.set("lat", Values.jsonNumber(lat));
        return point;
    }

    @Override
    public Object fromDb(Object raw) {
        return raw == null ? zero() : fromInput(com.fasterxml.jackson.databind.node.TextNode.valueOf(raw.toString()));
    }

    @Override
    public Object toDb(Object value) {
        return value.toString();
    }

    /**
     * As Go decodes a point: an object (or its JSON text) whose {@code lon} and {@code lat} keys,
     * in any case, hold numbers; a coordinate of another type stays 0, and anything else is the zero
     * point.
     */
    @Override
    public Object fromInput(JsonNode input) {
        if (input != null && input.isTextual()) {
            input = input.asText().isEmpty() ? null : Values.strictJson(input.asText());
        }
        if (input == null || !input.isObject()) {
            return zero();
        }
        double lon = 0;
        double lat = 0;
        for (var it = input.fields(); it.hasNext(); ) {
            var e = it.next();
            boolean number = e.getValue().isNumber() && Double.isFinite(e.getValue().asDouble());
            if (number && e.getKey().equalsIgnoreCase("lon")) {
                lon = e.getValue().asDouble();
            } else if (number && e.getKey().equalsIgnoreCase("lat")) {
                lat = e.getValue().asDouble();
            }
        }
        return point(lon, lat);
    }

    @Override
    public FieldError validate(Object value) {
        JsonNode p = (JsonNode) value;
        double lon = p.get("lon").asDouble();
        double lat = p.get("lat").asDouble();
        if (lon == 0 && lat == 0) {
            return required ? Values.requiredError() : null;
        }
        if (lat < -90 || lat > 90) {
            return new FieldError("validation_invalid_latitude", "Latitude must be between -90 and 90 degrees.");
        }
        if (lon < -180 || lon > 180) {
            return new FieldError("validation_invalid_longitude", "Longitude must be between -180 and 180 degrees.");
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("required", required);
    }
}
