package dev.hivelite.node.records;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.UrlFormat;

/**
 * A URL as PocketBase's URL check takes it ({@link UrlFormat}), optionally restricted to or from some
 * hosts: the value is not trimmed, and the host compared is Go's, port included and empty for a URL
 * without a scheme, matched exactly.
 */
record UrlField(Common common, List<String> exceptDomains, List<String> onlyDomains, boolean required)
        implements Field {

    UrlField {
        exceptDomains = exceptDomains == null ? List.of() : List.copyOf(exceptDomains);
        onlyDomains = onlyDomains == null ? List.of() : List.copyOf(onlyDomains);
    }

    @Override
    public String type() {
        return "url";
    }

    @Override
    public Object fromInput(JsonNode input) {
        return Values.text(input);
    }

    @Override
    public FieldError validate(Object value) {
        String s = (String) value;
        if (s.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        if (!UrlFormat.valid(s)) {
            return new FieldError("validation_invalid_url", "Must be a valid url.");
        }
        String host = UrlFormat.host(s);
        if (!onlyDomains.isEmpty() && !onlyDomains.contains(host) || exceptDomains.contains(host)) {
            return new FieldError("validation_url_domain_not_allowed", "Url domain is not allowed.");
        }
        return null;
    }

    @Override
    public void writeOptions(ObjectNode out) {
        Fields.putList(out, "exceptDomains", exceptDomains);
        Fields.putList(out, "onlyDomains", onlyDomains);
        out.put("required", required);
    }
}
