package dev.hivelite.node.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** A date-time, stored as PocketBase's UTC text {@code 2006-01-02 15:04:05.000Z} (empty when unset). */
record DateField(Common common, String min, String max, boolean required) implements Field {

    DateField {
        min = min == null ? "" : Dates.normalize(min);
        max = max == null ? "" : Dates.normalize(max);
    }

    @Override
    public String type() {
        return "date";
    }

    @Override
    public Object fromInput(JsonNode input) {
        // A number is no date (its text matches no layout): PocketBase stores the empty date.
        return Dates.normalize(Values.text(input));
    }

    @Override
    public FieldError validate(Object value) {
        String s = (String) value;
        if (s.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        // The threshold as Go's time.Time prints it in the message and encodes it in the params.
        if (!min.isEmpty() && s.compareTo(min) < 0) {
            return FieldError.of("validation_min_greater_equal_than_required",
                    "Must be no less than " + Dates.goText(min) + ".", "threshold", Dates.goJson(min));
        }
        if (!max.isEmpty() && s.compareTo(max) > 0) {
            return FieldError.of("validation_max_less_equal_than_required",
                    "Must be no greater than " + Dates.goText(max) + ".", "threshold", Dates.goJson(max));
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        out.put("min", min).put("max", max).put("required", required);
    }
}
