package dev.hivelite.node.records;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** An absolute URL, optionally restricted to or from some domains. */
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
        return Values.text(input).trim();
    }

    @Override
    public FieldError validate(Object value) {
        String s = (String) value;
        if (s.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        String host;
        try {
            URI uri = new URI(s);
            if (uri.getScheme() == null) {
                // As PocketBase (govalidator): "example.com/path" is a URL; its host needs a dot then.
                uri = new URI("http://" + s);
                if (uri.getHost() == null || !uri.getHost().contains(".")) {
                    return invalid();
                }
            }
            host = uri.getHost();
            if (host == null || host.isEmpty()) {
                return invalid();
            }
        } catch (Exception e) {
            return invalid();
        }
        if (!onlyDomains.isEmpty() && onlyDomains.stream().noneMatch(host::equalsIgnoreCase)
                || exceptDomains.stream().anyMatch(host::equalsIgnoreCase)) {
            return new FieldError("validation_url_domain_not_allowed", "Url domain is not allowed.");
        }
        return null;
    }

    private static FieldError invalid() {
        return new FieldError("validation_invalid_url", "Must be a valid url.");
    }

    @Override
    public void writeOptions(ObjectNode out) {
        Fields.putList(out, "exceptDomains", exceptDomains);
        Fields.putList(out, "onlyDomains", onlyDomains);
        out.put("required", required);
    }
}
