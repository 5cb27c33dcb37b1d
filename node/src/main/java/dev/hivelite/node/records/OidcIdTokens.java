package dev.hivelite.node.records;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;

/**
 * The user of an OpenID Connect provider configured without a user-info URL: the claims of the
 * {@code id_token} its code exchange answered, as PocketBase reads them. The token came straight from
 * the provider, so its signature is checked only where the configuration names a key set
 * ({@code extra.jwksURL}, RSA keys); its audience must hold the client id, its times must hold within
 * {@link #LEEWAY}, and its issuer must be one of {@code extra.issuers} when those are set. Any failure
 * is the login's "Failed to fetch OAuth2 user."
 */
final class OidcIdTokens {

    /** PocketBase's default tolerance for the clocks of provider and server. */
    static final Duration LEEWAY = Duration.ofMinutes(5);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(OAuth2.TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private OidcIdTokens() {
    }

    /** The checked claims of {@code idToken} for provider {@code p} at {@code now}. */
    static JsonNode claims(OAuth2.Provider p, String idToken, Instant now) {
        try {
            DecodedJWT jwt = JWT.decode(idToken);
            JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(jwt.getPayload()));
            if (!claims.isObject() || !timesHold(jwt, now) || jwt.getAudience() == null
                    || !jwt.getAudience().contains(p.clientId())
                    || !issuerAllowed(p.extra().path("issuers"), jwt.getIssuer())) {
                throw failed();
            }
            String jwks = p.extra().path("jwksURL").asText("");
            if (!jwks.isEmpty()) {
                verifySignature(jwt, jwks);
            }
            return claims;
        } catch (JWTDecodeException | IOException | IllegalArgumentException e) {
            throw failed();
        }
    }

    private static boolean timesHold(DecodedJWT jwt, Instant now) {
        Instant exp = jwt.getExpiresAtAsInstant();
        Instant iat = jwt.getIssuedAtAsInstant();
        Instant nbf = jwt.getNotBeforeAsInstant();
        return (exp == null || !now.isAfter(exp.plus(LEEWAY))) && (iat == null || !now.isBefore(iat.minus(LEEWAY)))
                && (nbf == null || !now.isBefore(nbf.minus(LEEWAY)));
    }

    private static boolean issuerAllowed(JsonNode issuers, String issuer) {
        if (!issuers.isArray() || issuers.isEmpty()) {
            return true;
        }
        for (JsonNode allowed : issuers) {
            if (allowed.asText().equals(issuer)) {
                return true;
            }
        }
        return false;
    }

    /** Checks the token's signature with the RSA key of its {@code kid} in the key set at {@code jwksUrl}. */
    private static void verifySignature(DecodedJWT jwt, String jwksUrl) throws IOException {
        String kid = jwt.getKeyId();
        if (kid == null || kid.isEmpty()) {
            throw failed();
        }
        JsonNode key = null;
        for (JsonNode k : fetch(jwksUrl).path("keys")) {
            if (kid.equals(k.path("kid").asText())) {
                key = k;
            }
        }
        if (key == null) {
            throw failed();
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, b64.decode(key.path("n").asText().replace("=", ""))),
                    new BigInteger(1, b64.decode(key.path("e").asText().replace("=", "")))));
            Algorithm algorithm = switch (key.path("alg").asText()) {
                case "RS256" -> Algorithm.RSA256(publicKey, null);
                case "RS384" -> Algorithm.RSA384(publicKey, null);
                case "RS512" -> Algorithm.RSA512(publicKey, null);
                default -> throw failed();
            };
            if (!algorithm.getName().equals(jwt.getAlgorithm())) {
                throw failed();
            }
            algorithm.verify(jwt);
        } catch (java.security.GeneralSecurityException | SignatureVerificationException e) {
            throw failed();
        }
    }

    private static JsonNode fetch(String url) throws IOException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(OAuth2.TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 400) {
                throw failed();
            }
            return Json.mapper().readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("request interrupted");
        }
    }

    private static ApiException failed() {
        return new ApiException.BadRequest("Failed to fetch OAuth2 user.");
    }
}
