package dev.hivelite.node.settings;

import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;

/**
 * PocketBase's {@code POST /api/settings/apple/generate-client-secret}: Apple's "Sign in with Apple"
 * client secret, an ES256 JWT signed with the developer's private key ({@code kid} the key id, issued
 * by the team to Apple for the client id), valid for at most 180 days.
 */
final class AppleClientSecret {

    /** Apple's limit, and PocketBase's: 180 days in seconds. */
    static final long MAX_DURATION = 15_777_000;

    private AppleClientSecret() {
    }

    /** The form PocketBase asks of the key: a PKCS #8 PEM block, anywhere in the text. */
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN PRIVATE KEY----[\\s\\S]+-----END PRIVATE KEY-----");

    /** PocketBase's message for a body whose fields fail validation. */
    static final String INVALID = "Invalid client secret data.";

    static String generate(JsonNode body, Instant now) {
        Map<String, FieldError> errors = new LinkedHashMap<>();
        String clientId = text(body, "clientId", errors);
        String teamId = text(body, "teamId", errors);
        String keyId = text(body, "keyId", errors);
        String privateKey = text(body, "privateKey", errors);
        for (Map.Entry<String, String> e : Map.of("teamId", teamId, "keyId", keyId).entrySet()) {
            if (!e.getValue().isEmpty() && e.getValue().length() != 10) {
                errors.putIfAbsent(e.getKey(), new FieldError("validation_length_invalid", "The length must be exactly 10.",
                        new java.util.TreeMap<String, Object>(Map.of("min", 10, "max", 10)))); // sorted, as Go writes a map
            }
        }
        if (!privateKey.isEmpty() && !PRIVATE_KEY.matcher(privateKey).find()) {
            errors.putIfAbsent("privateKey", new FieldError("validation_match_invalid", "Must be in a valid format."));
        }
        long seconds = durationOf(body, errors);
        if (!errors.isEmpty()) {
            throw new ApiException.BadRequest(INVALID, errors);
        }
        try {
            String pem = privateKey.replaceAll("-----(BEGIN|END) [A-Z ]*PRIVATE KEY-----", "").replaceAll("\\s", "");
            ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return JWT.create()
                    .withKeyId(keyId)
                    .withIssuer(teamId)
                    .withSubject(clientId)
                    .withAudience("https://appleid.apple.com")
                    .withIssuedAt(Date.from(now))
                    .withExpiresAt(Date.from(now.plusSeconds(seconds)))
                    .sign(Algorithm.ECDSA256(null, key));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException | ClassCastException
                 | com.auth0.jwt.exceptions.JWTCreationException e) {
            throw new ApiException.BadRequest("Failed to generate client secret. Raw error: \n" + e.getMessage());
        }
    }

    /** The lifetime in seconds, 1 to {@link #MAX_DURATION}; 0 with an error recorded otherwise. */
    private static long durationOf(JsonNode body, Map<String, FieldError> errors) {
        JsonNode value = body.path("duration");
        java.math.BigDecimal number = null;
        try {
            number = value.isNumber() ? value.decimalValue()
                    : value.isTextual() && !value.asText().isBlank() ? new java.math.BigDecimal(value.asText().trim()) : null;
        } catch (NumberFormatException e) {
            errors.put("duration", new FieldError("validation_invalid_value", "Must be a number of seconds from 1 to "
                    + MAX_DURATION + "."));
            return 0;
        }
        if (number == null || number.signum() == 0) {
            errors.put("duration", new FieldError("validation_required", "Cannot be blank."));
        } else if (number.compareTo(java.math.BigDecimal.ONE) < 0) {
            errors.put("duration", FieldError.of("validation_min_greater_equal_than_required", "Must be no less than 1.",
                    "threshold", 1));
        } else if (number.compareTo(java.math.BigDecimal.valueOf(MAX_DURATION)) > 0) {
            errors.put("duration", FieldError.of("validation_max_less_equal_than_required",
                    "Must be no greater than " + MAX_DURATION + ".", "threshold", MAX_DURATION));
        } else {
            return number.longValue();
        }
        return 0;
    }

    private static String text(JsonNode body, String key, Map<String, FieldError> errors) {
        JsonNode v = body.get(key);
        if (v != null && !v.isNull() && !v.isTextual()) {
            errors.put(key, new FieldError("validation_invalid_type", "Must be a string."));
            return "";
        }
        String s = v == null || v.isNull() ? "" : v.asText().trim();
        if (s.isEmpty()) {
            errors.put(key, new FieldError("validation_required", "Cannot be blank."));
        }
        return s;
    }
}
