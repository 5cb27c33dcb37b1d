package dev.hivelite.node.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;

/**
 * The settings of an auth collection as PocketBase types them: a value of another JSON type (or a
 * fraction where a whole number goes) cannot be decoded into them (400, invalid formatting, as
 * PocketBase answers), and an OAuth2 provider has exactly PocketBase's keys, matched ignoring case
 * as Go decodes JSON. What the values may be is {@link AuthOptionChecks}' part.
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

    /** PocketBase's keys of an OAuth2 provider, in the order it writes them. */
    static final List<String> PROVIDER_KEYS = List.of("pkce", "name", "clientId", "clientSecret", "authURL", "tokenURL",
            "userInfoURL", "displayName", "extra");

    /**
     * Checks the types of one submitted setting ({@code key} is a top-level key of the collection's
     * body) and returns it as it will be merged: OAuth2 providers with PocketBase's keys only.
     */
    static JsonNode check(String key, JsonNode value) {
        boolean token = key.endsWith("Token");
        type(key, value);
        if (value == null || !value.isObject()) {
            return value;
        }
        value.fields().forEachRemaining(e -> {
            String path = (token ? "Token" : key) + "." + e.getKey();
            type(path, e.getValue());
            if ("passwordAuth.identityFields".equals(path) || "oauth2.mappedFields".equals(path)) {
                e.getValue().forEach(AuthOptions::text);
            }
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
        if ("oauth2".equals(key) && value.path("providers").isArray()) {
            ObjectNode out = ((ObjectNode) value).deepCopy();
            ArrayNode providers = out.putArray("providers");
            value.get("providers").forEach(p -> providers.add(provider(p, true)));
            return out;
        }
        return value;
    }

    /**
     * A provider as PocketBase decodes it: each known key matched ignoring case (the last one wins),
     * the others dropped, every key present. Submitted ({@code strict}) values of the wrong type are
     * refused; stored ones of the wrong type read as empty.
     */
    static ObjectNode provider(JsonNode p, boolean strict) {
        if (!p.isObject()) {
            if (strict) {
                throw malformed();
            }
            p = Json.mapper().createObjectNode();
        }
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        p.fields().forEachRemaining(e -> PROVIDER_KEYS.stream().filter(k -> k.equalsIgnoreCase(e.getKey())).findFirst()
                .ifPresent(k -> byKey.put(k, e.getValue())));
        ObjectNode out = Json.mapper().createObjectNode();
        for (String k : PROVIDER_KEYS) {
            JsonNode v = byKey.get(k);
            Set<JsonNodeType> allowed = "pkce".equals(k) ? BOOL : "extra".equals(k) ? OBJECT : TEXT;
            boolean fits = v != null && allowed.contains(v.getNodeType());
            if (v != null && !fits && strict) {
                throw malformed();
            }
            if (fits && !v.isNull()) {
                out.set(k, v);
            } else if ("pkce".equals(k) || "extra".equals(k)) {
                out.putNull(k);
            } else {
                out.put(k, "");
            }
        }
        return out;
    }

    private static void text(JsonNode value) {
        if (!TEXT.contains(value.getNodeType())) {
            throw malformed();
        }
    }

    private static void type(String path, JsonNode value) {
        Set<JsonNodeType> allowed = TYPES.get(path);
        if (allowed != null && value != null && !allowed.contains(value.getNodeType())) {
            throw malformed();
        }
        if (allowed == NUMBER && value != null && value.isNumber() && (!value.isIntegralNumber() || !value.canConvertToLong())) {
            throw malformed(); // Go decodes neither a fraction nor more than 64 bits into a whole number
        }
    }

    private static ApiException malformed() {
        return new ApiException.BadRequest("Failed to load the submitted data due to invalid formatting.");
    }
}
