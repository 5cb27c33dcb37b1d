package dev.hivelite.node.records;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.EmailFormat;

/**
 * An email address, optionally restricted to or from some domains. As in PocketBase the value is
 * neither trimmed nor lowercased, and a domain must equal an allowed one exactly.
 */
record EmailField(Common common, List<String> exceptDomains, List<String> onlyDomains, boolean required)
        implements Field {

    EmailField {
        exceptDomains = exceptDomains == null ? List.of() : List.copyOf(exceptDomains);
        onlyDomains = onlyDomains == null ? List.of() : List.copyOf(onlyDomains);
    }

    @Override
    public String type() {
        return "email";
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
        if (!EmailFormat.valid(s)) {
            return new FieldError("validation_is_email", "Must be a valid email address.");
        }
        String domain = s.substring(s.lastIndexOf('@') + 1);
        if (!onlyDomains.isEmpty() && !onlyDomains.contains(domain) || exceptDomains.contains(domain)) {
            return new FieldError("validation_email_domain_not_allowed", "Email domain is not allowed.");
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
