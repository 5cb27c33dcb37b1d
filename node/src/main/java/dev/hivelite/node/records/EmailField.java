package dev.hivelite.node.records;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException.FieldError;

/** An email address, optionally restricted to or from some domains. */
record EmailField(Common common, List<String> exceptDomains, List<String> onlyDomains, boolean required)
        implements Field {

    static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

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
        return Values.text(input).trim();
    }

    @Override
    public FieldError validate(Object value) {
        String s = (String) value;
        if (s.isEmpty()) {
            return required ? Values.requiredError() : null;
        }
        if (s.length() > 255 || !EMAIL.matcher(s).matches()) {
            return new FieldError("validation_is_email", "Must be a valid email address.");
        }
        String domain = s.substring(s.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (!onlyDomains.isEmpty() && onlyDomains.stream().noneMatch(d -> d.equalsIgnoreCase(domain))
                || exceptDomains.stream().anyMatch(d -> d.equalsIgnoreCase(domain))) {
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
