package dev.hivelite.node.records;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;

/**
 * The settings of an auth collection as PocketBase types them: a value of another JSON type cannot be
 * decoded into them (400, invalid formatting, as PocketBase answers), and token settings hold a
 * duration of at least 10 seconds and, when set, a secret of 30 to 255 characters.
 */
final class AuthOptions {

    private static final Set<JsonNodeType> OBJECT = Set.of(JsonNodeType.OBJECT, JsonNodeType.NULL);
    private static final Set<JsonNodeType> BOOL = Set.of(JsonNodeType.BOOLEAN, JsonNodeType.NULL);
    private static final Set<JsonNodeType> NUMBER = Set.of(JsonNodeType.NUMBER, JsonNodeType.NULL);
    private static final Set<JsonNodeType> TEXT = Set.of(JsonNodeType.STRING, JsonNodeType.NULL);
    private static final Set<JsonNodeType> LIST = Set.of(JsonNodeType.ARRAY, JsonNodeType.NULL);

    /** Every typed key of the settings, by path; objects not listed here take any keys. */
    private static final Map<String, Set<JsonNodeType>> TYPES = Map.ofEntries(
            Map.entry("authToken", OBJECT), Map.entry("passwordResetToken", OBJECT), Map.entry("emailChangeToken", OBJECT),
            Map.entry("verificationToken", OBJECT), Map.entry("fileToken", OBJECT),
            Map.entry("Token.duration", NUMBER), Map.entry("Token.secret", TEXT),
            Map.entry("passwordAuth", OBJECT), Map.entry("passwordAuth.enabled", BOOL),
            Map.entry("passwordAuth.identityFields", LIST),
            Map.entry("oauth2", OBJECT), Map.entry("oauth2.enabled", BOOL), Map.entry("oauth2.providers", LIST),
            Map.entry("oauth2.mappedFields", OBJECT),
            Map.entry("mfa", OBJECT), Map.entry("mfa.enabled", BOOL), Map.entry("mfa.duration", NUMBER),
            Map.entry("mfa.rule", TEXT),
            Map.entry("otp", OBJECT), Map.entry("otp.enabled", BOOL), Map.entry("otp.duration", NUMBER),
            Map.entry("otp.length", NUMBER), Map.entry("otp.emailTemplate", OBJECT),
            Map.entry("authAlert", OBJECT), Map.entry("authAlert.enabled", BOOL), Map.entry("authAlert.emailTemplate", OBJECT),
            Map.entry("verificationTemplate", OBJECT), Map.entry("resetPasswordTemplate", OBJECT),
            Map.entry("confirmEmailChangeTemplate", OBJECT));

    private AuthOptions() {
    }

    /** Checks one submitted setting ({@code key} is a top-level key of the collection's body). */
    static void check(String key, JsonNode value) {
        boolean token = key.endsWith("Token");
        type(key, value);
        if (value == null || !value.isObject()) {
            return;
        }
        value.fields().forEachRemaining(e -> {
            String path = (token ? "Token" : key) + "." + e.getKey();
            type(path, e.getValue());
            if (e.getKey().endsWith("Template") || e.getKey().equals("emailTemplate")) {
                e.getValue().fields().forEachRemaining(t -> {
                    if (!t.getValue().isTextual() && !t.getValue().isNull()) {
                        throw malformed();
                    }
                });
            }
        });
        if (key.endsWith("Template")) {
            value.fields().forEachRemaining(t -> {
                if (!t.getValue().isTextual() && !t.getValue().isNull()) {
                    throw malformed();
                }
            });
        }
        if (token) {
            Map<String, FieldError> errors = new LinkedHashMap<>();
            JsonNode duration = value.get("duration");
            if (duration != null && !duration.isNull() && (!duration.canConvertToLong() || duration.asLong() < 10)) {
                errors.put("duration", new FieldError("validation_min_greater_equal_than_required", "Must be no less than 10."));
            }
            String secret = value.path("secret").asText("");
            if (!secret.isEmpty() && (secret.length() < 30 || secret.length() > 255)) {
                errors.put("secret", new FieldError("validation_length_out_of_range", "The length must be between 30 and 255."));
            }
            if (!errors.isEmpty()) {
                throw ApiException.BadRequest.nested("An error occurred while validating the submitted data.",
                        Map.of(key, errors));
            }
        }
    }

    private static void type(String path, JsonNode value) {
        Set<JsonNodeType> allowed = TYPES.get(path);
        if (allowed != null && value != null && !allowed.contains(value.getNodeType())) {
            throw malformed();
        }
    }

    private static ApiException malformed() {
        return new ApiException.BadRequest("Failed to load the submitted data due to invalid formatting.");
    }
}
