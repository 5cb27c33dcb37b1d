package dev.hivelite.node.records;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.ApiException.FieldError;

/**
 * What the settings of an auth collection may hold once the submitted ones are merged, checked as
 * PocketBase checks them and reported as field errors under each setting ({@code authToken.duration}):
 * token durations of 10 seconds to about 3 years, OTP and MFA durations up to a day while enabled, an
 * OTP of at least 4 characters, every email template with a subject and a body, the providers of an
 * enabled OAuth2 (known names, client id and secret, URLs), then, once all of that holds, MFA with a
 * second way to sign in and password identity fields that exist with a unique index of their own.
 */
final class AuthOptionChecks {

    static final List<String> TOKENS = List.of("authToken", "passwordResetToken", "emailChangeToken",
            "verificationToken", "fileToken");
    static final List<String> TEMPLATES = List.of("verificationTemplate", "resetPasswordTemplate",
            "confirmEmailChangeTemplate");
    /** PocketBase's longest token life, about three years, in seconds. */
    static final long MAX_TOKEN_DURATION = 94_670_856;
    /** The longest an OTP or an MFA session may stay valid, in seconds. */
    static final long MAX_OTP_MFA_DURATION = 86_400;

    private AuthOptionChecks() {
    }

    /** The errors of {@code options} (merged) for a collection with these fields and indexes; empty when none. */
    static Map<String, Object> check(JsonNode options, List<Field> fields, List<String> indexes) {
        Map<String, Object> errors = new LinkedHashMap<>();
        JsonNode manageRule = options.get("manageRule");
        if (manageRule != null && manageRule.isTextual() && manageRule.asText().isEmpty()) {
            errors.put("manageRule", new FieldError("validation_nil_or_not_empty_required", "Cannot be blank."));
        }
        nest(errors, "authAlert", nest(new LinkedHashMap<>(), "emailTemplate", template(options.path("authAlert")
                .path("emailTemplate"))));
        JsonNode password = options.path("passwordAuth");
        if (password.path("enabled").asBoolean(false) && names(password.path("identityFields")).isEmpty()) {
            errors.put("passwordAuth", Map.of("identityFields", required()));
        }
        nest(errors, "oauth2", oauth2(options.path("oauth2")));
        nest(errors, "otp", otp(options.path("otp")));
        JsonNode mfa = options.path("mfa");
        if (mfa.path("enabled").asBoolean(false)) {
            nest(errors, "mfa", duration(mfa.path("duration"), MAX_OTP_MFA_DURATION));
        }
        for (String token : TOKENS) {
            nest(errors, token, token(options.path(token)));
        }
        for (String template : TEMPLATES) {
            nest(errors, template, template(options.path(template)));
        }
        if (!errors.isEmpty()) {
            return errors;
        }
        if (mfa.path("enabled").asBoolean(false) && enabledWays(options) < 2) {
            return Map.of("mfa", Map.of("enabled", new FieldError("validation_mfa_not_enough_auths",
                    "MFA requires at least 2 auth methods to be enabled.")));
        }
        if (password.path("enabled").asBoolean(false)) {
            FieldError identity = identityFields(names(password.path("identityFields")), fields, indexes);
            if (identity != null) {
                return Map.of("passwordAuth", Map.of("identityFields", identity));
            }
        }
        return errors;
    }

    private static int enabledWays(JsonNode options) {
        int ways = 0;
        for (String way : List.of("passwordAuth", "oauth2", "otp")) {
            ways += options.path(way).path("enabled").asBoolean(false) ? 1 : 0;
        }
        return ways;
    }

    private static Map<String, Object> oauth2(JsonNode oauth2) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (!oauth2.path("enabled").asBoolean(false)) {
            return errors;
        }
        JsonNode providers = oauth2.path("providers");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < providers.size(); i++) {
            String name = Fields.text(providers.get(i), "name");
            if (!name.isEmpty() && !seen.add(name)) {
                errors.put("providers", Map.of(Integer.toString(i), Map.of("name", FieldError.of(
                        "validation_duplicated_provider", "The provider " + name + " is already registered.", "name", name))));
                return errors;
            }
        }
        Map<String, Object> each = new LinkedHashMap<>();
        for (int i = 0; i < providers.size(); i++) {
            Map<String, Object> one = provider(providers.get(i));
            if (!one.isEmpty()) {
                each.put(Integer.toString(i), one);
            }
        }
        nest(errors, "providers", each);
        return errors;
    }

    private static Map<String, Object> provider(JsonNode p) {
        Map<String, Object> errors = new LinkedHashMap<>();
        String name = Fields.text(p, "name");
        if (name.isEmpty()) {
            errors.put("name", required());
        } else if (!OAuth2.POCKETBASE_NAMES.contains(name)) {
            errors.put("name", new FieldError("validation_missing_provider", "Invalid or missing provider with name " + name + "."));
        }
        for (String key : List.of("clientId", "clientSecret")) {
            if (Fields.text(p, key).isEmpty()) {
                errors.put(key, required());
            }
        }
        for (String key : List.of("authURL", "tokenURL", "userInfoURL")) {
            String url = Fields.text(p, key);
            if (!url.isEmpty() && !isUrl(url)) {
                errors.put(key, new FieldError("validation_is_url", "Must be a valid URL."));
            }
        }
        return errors;
    }

    /** An absolute http(s) URL with a host, or a host and path without a scheme, as PocketBase's URL check takes. */
    private static boolean isUrl(String url) {
        if (url.chars().anyMatch(Character::isWhitespace)) {
            return false;
        }
        try {
            URI uri = new URI(url.contains("://") ? url : "http://" + url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Map<String, Object> otp(JsonNode otp) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (otp.path("enabled").asBoolean(false)) {
            errors.putAll(duration(otp.path("duration"), MAX_OTP_MFA_DURATION));
            long length = otp.path("length").asLong(0);
            if (length == 0) {
                errors.put("length", required());
            } else if (length < 4) {
                errors.put("length", FieldError.noLessThan(4));
            }
        }
        nest(errors, "emailTemplate", template(otp.path("emailTemplate")));
        return errors;
    }

    private static Map<String, Object> token(JsonNode token) {
        Map<String, Object> errors = new LinkedHashMap<>();
        // The node signs with its own key: a collection's secret is optional, and when set, of PocketBase's length.
        String secret = Fields.text(token, "secret");
        if (!secret.isEmpty() && (secret.length() < 30 || secret.length() > 255)) {
            errors.put("secret", FieldError.lengthBetween(30, 255));
        }
        errors.putAll(duration(token.path("duration"), MAX_TOKEN_DURATION));
        return errors;
    }

    private static Map<String, Object> duration(JsonNode duration, long max) {
        long seconds = duration.asLong(0);
        if (seconds == 0) {
            return Map.of("duration", required());
        }
        if (seconds < 10) {
            return Map.of("duration", FieldError.noLessThan(10));
        }
        if (seconds > max) {
            return Map.of("duration", FieldError.noGreaterThan(max));
        }
        return Map.of();
    }

    private static Map<String, Object> template(JsonNode template) {
        Map<String, Object> errors = new LinkedHashMap<>();
        for (String part : List.of("subject", "body")) {
            if (Fields.text(template, part).isEmpty()) {
                errors.put(part, required());
            }
        }
        return errors;
    }

    /** The first identity field that is missing or has no single-column unique index of its own. */
    private static FieldError identityFields(Set<String> names, List<Field> fields, List<String> indexes) {
        for (String name : names) {
            if (fields.stream().noneMatch(f -> f.name().equals(name))) {
                return FieldError.of("validation_missing_field", "Invalid or missing field " + name + ".", "fieldName", name);
            }
            if (!Scaffolds.hasUniqueIndex(indexes, name)) {
                return FieldError.of("validation_missing_unique_constraint", "The field " + name
                        + " doesn't have a UNIQUE constraint.", "fieldName", name);
            }
        }
        return null;
    }

    private static Set<String> names(JsonNode list) {
        Set<String> out = new LinkedHashSet<>();
        list.forEach(n -> out.add(n.asText("")));
        return out;
    }

    private static FieldError required() {
        return new FieldError("validation_required", "Cannot be blank.");
    }

    private static Map<String, Object> nest(Map<String, Object> errors, String key, Map<String, Object> inner) {
        if (!inner.isEmpty()) {
            errors.put(key, inner);
        }
        return errors;
    }
}
