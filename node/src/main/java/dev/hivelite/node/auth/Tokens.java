package dev.hivelite.node.auth;

import java.time.Instant;
import java.util.Optional;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;

/**
 * Signs and verifies superuser tokens: HS256 JWTs shaped like PocketBase's auth tokens ({@code id},
 * {@code type}, {@code collectionId}, {@code refreshable}, {@code exp}) plus {@code sid}, the
 * server-side session that makes them revocable.
 */
public final class Tokens {

    /** PocketBase's fixed id of the {@code _superusers} collection; SDKs compare against it. */
    public static final String SUPERUSERS_COLLECTION_ID = "pbc_3142635823";
    public static final String SUPERUSERS_COLLECTION_NAME = "_superusers";

    private final Algorithm algorithm;
    /** Thread-safe; built once. */
    private final JWTVerifier verifier;

    public Tokens(String key) {
        this.algorithm = Algorithm.HMAC256(key);
        this.verifier = JWT.require(algorithm).withClaim("type", "auth")
                .withClaim("collectionId", SUPERUSERS_COLLECTION_ID).build();
    }

    /** What a valid token names. */
    public record Claims(String superuserId, String sessionId) {
    }

    public String sign(String superuserId, String sessionId, Instant expires) {
        return sign(superuserId, sessionId, expires, true);
    }

    /** A token of the session; an impersonation token is not refreshable (a refresh answers it as it is). */
    public String sign(String superuserId, String sessionId, Instant expires, boolean refreshable) {
        return JWT.create()
                .withClaim("id", superuserId)
                .withClaim("type", "auth")
                .withClaim("collectionId", SUPERUSERS_COLLECTION_ID)
                .withClaim("refreshable", refreshable)
                .withClaim("sid", sessionId)
                .withExpiresAt(expires)
                .sign(algorithm);
    }

    /**
     * Whether a token (already verified) may be exchanged for a fresh one: PocketBase's
     * {@code refreshable} claim, true when absent.
     */
    public static boolean refreshable(String token) {
        try {
            Boolean refreshable = JWT.decode(token).getClaim("refreshable").asBoolean();
            return refreshable == null || refreshable;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The claims of a well-signed, unexpired token; empty for anything else. */
    public Optional<Claims> verify(String token) {
        try {
            DecodedJWT jwt = verifier.verify(token);
            String id = jwt.getClaim("id").asString();
            String sid = jwt.getClaim("sid").asString();
            return id == null || sid == null ? Optional.empty() : Optional.of(new Claims(id, sid));
        } catch (RuntimeException e) { // JWTVerificationException, or a malformed part (a JSON "null" throws NullPointerException)
            return Optional.empty();
        }
    }
}
