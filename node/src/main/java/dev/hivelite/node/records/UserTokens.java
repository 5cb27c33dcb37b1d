package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.ForgettingCache;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.storage.DatabasePool;

/**
 * Tokens of auth-collection records, shaped like PocketBase's ({@code id}, {@code type},
 * {@code collectionId}, {@code refreshable}, {@code exp}) plus the database ({@code db}) and a digest
 * of the record's {@code tokenKey} ({@code tk}). A token is valid while its record exists with that
 * tokenKey: a password change (new tokenKey), a revoke or a delete ends every token of the record on
 * every worker, because those changes forget the cached tokenKey cluster-wide before they answer.
 */
public final class UserTokens {

    public static final String KIND = "user-token";
    static final Duration CACHE_TTL = Duration.ofMinutes(5);

    private final Algorithm algorithm;
    /** Thread-safe; built once. */
    private final JWTVerifier verifier;
    private final DatabasePool pool;
    private final SchemaCache schemas;
    private final Invalidations invalidations;
    private final Clock clock;
    /** "db/collection/record" → digest of the record's tokenKey ("" when the record is gone). */
    private final ForgettingCache<String> keys = new ForgettingCache<>(CACHE_TTL, 200_000);

    public UserTokens(String secret, DatabasePool pool, SchemaCache schemas, Invalidations invalidations, Clock clock) {
        this.algorithm = Algorithm.HMAC256(secret);
        this.verifier = JWT.require(algorithm).withClaimPresence("db").withClaimPresence("tk").build();
        this.pool = pool;
        this.schemas = schemas;
        this.invalidations = invalidations;
        invalidations.flushOnReunion(keys);
        this.clock = clock;
    }

    static String digest(String tokenKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(tokenKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether an auth token (already verified by the authentication filter) may be exchanged for a new
     * one: false for the static tokens of impersonation.
     */
    static boolean refreshable(String token) {
        return dev.hivelite.node.auth.Tokens.refreshable(token);
    }

    /** A token of {@code type} ("auth", "file", "verification", "passwordReset", "emailChange"). */
    String sign(String type, String databaseId, Collection collection, Map<String, Object> record, Duration ttl,
                boolean refreshable, Map<String, String> extra) {
        var builder = JWT.create()
                .withClaim("id", (String) record.get("id"))
                .withClaim("type", type)
                .withClaim("collectionId", collection.id())
                .withClaim("db", databaseId)
                .withClaim("tk", tk(digest((String) record.get("tokenKey")), collection.tokenSecret(type)))
                .withExpiresAt(clock.instant().plus(ttl));
        if ("auth".equals(type)) {
            builder.withClaim("refreshable", refreshable);
        }
        extra.forEach(builder::withClaim);
        return builder.sign(algorithm);
    }

    /**
     * A short-lived file token of a superuser or API key (no tokenKey: valid until it expires, which
     * the file-token duration keeps to minutes).
     */
    String signAdminFile(String databaseId, String principalId, Duration ttl) {
        return JWT.create()
                .withClaim("id", principalId)
                .withClaim("type", "file")
                .withClaim("collectionId", dev.hivelite.node.auth.Tokens.SUPERUSERS_COLLECTION_ID)
                .withClaim("db", databaseId)
                .withClaim("tk", "admin")
                .withExpiresAt(clock.instant().plus(ttl))
                .sign(algorithm);
    }

    /** The verified claims of a token of {@code type}, whatever its tokenKey; empty when forged or expired. */
    Optional<DecodedJWT> decode(String token, String type) {
        try {
            DecodedJWT jwt = verifier.verify(token);
            return type.equals(jwt.getClaim("type").asString()) ? Optional.of(jwt) : Optional.empty();
        } catch (RuntimeException e) { // JWTVerificationException, or a malformed part (a JSON "null" throws NullPointerException)
            return Optional.empty();
        }
    }

    /**
     * A text claim of a token read without checking it (null when absent or not a token), for checks
     * PocketBase makes on the payload before the signature, such as a missing {@code newEmail}.
     */
    static String unverifiedClaim(String token, String claim) {
        try {
            return JWT.decode(token).getClaim(claim).asString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether this token still matches its record's current tokenKey (cached; read on a miss). */
    boolean current(DecodedJWT jwt) {
        String db = jwt.getClaim("db").asString();
        String collectionId = jwt.getClaim("collectionId").asString();
        String id = jwt.getClaim("id").asString();
        if (db == null || collectionId == null || id == null) {
            return false;
        }
        String key = db + "/" + collectionId + "/" + id;
        boolean cache = invalidations.delivered();
        String digest = cache ? keys.get(key) : null;
        if (digest == null) {
            long epoch = keys.epoch();
            digest = load(db, collectionId, id);
            if (cache) {
                keys.fill(key, digest, epoch);
            }
        }
        if (digest.isEmpty()) {
            return false;
        }
        String secret = secret(db, collectionId, jwt.getClaim("type").asString());
        return secret != null && tk(digest, secret).equals(jwt.getClaim("tk").asString());
    }

    /**
     * The {@code tk} claim: the record's tokenKey digest, with the collection's secret of that kind of
     * token when it has one (PocketBase signs with both), so changing either ends the tokens.
     */
    static String tk(String tokenKeyDigest, String secret) {
        return secret.isEmpty() ? tokenKeyDigest : digest(tokenKeyDigest + "\u0000" + secret);
    }

    /** The collection's current secret of this kind of token; null when the collection is gone. */
    private String secret(String db, String collectionId, String type) {
        Schema schema = schemas.cached(db);
        if (schema == null) {
            try (DatabasePool.Lease lease = pool.lease(db)) {
                schema = schemas.get(db, lease.db());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return schema.find(collectionId).map(c -> c.tokenSecret(type == null ? "" : type)).orElse(null);
    }

    private String load(String db, String collectionId, String id) {
        try (DatabasePool.Lease lease = pool.lease(db)) {
            Schema schema = schemas.get(db, lease.db());
            Collection collection = schema.find(collectionId).filter(Collection::isAuth).orElse(null);
            if (collection == null) {
                return "";
            }
            return lease.db().read(c -> RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL))
                    .map(r -> digest((String) r.get("tokenKey"))).orElse("");
        } catch (RuntimeException e) {
            return ""; // a deleted database, a closing pool: no valid token
        }
    }

    /** An auth token whose signature was checked: its claims, until it expires. */
    private record Verified(DecodedJWT jwt, Principal.User principal, long expiresMillis) {
    }

    /**
     * Auth tokens already verified (signature and claims), by token text: the HMAC and two JSON parses
     * are done once per token, not per request. Whether the token is still current (its record's
     * tokenKey) is checked on every request regardless.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_VERIFIED = 10_000;

    /** The principal of a valid auth token, or anonymous. */
    public Principal principal(String token) {
        Verified v = verified.get(token);
        if (v == null || v.expiresMillis() <= clock.millis()) {
            Optional<DecodedJWT> jwt = decode(token, "auth");
            if (jwt.isEmpty()) {
                return Principal.ANONYMOUS;
            }
            DecodedJWT t = jwt.get();
            v = new Verified(t, new Principal.User(t.getClaim("db").asString(), t.getClaim("collectionId").asString(),
                    t.getClaim("id").asString()), t.getExpiresAt() == null ? Long.MAX_VALUE : t.getExpiresAt().getTime());
            if (verified.size() >= MAX_VERIFIED) {
                verified.clear();
            }
            verified.put(token, v);
        }
        return current(v.jwt()) ? v.principal() : Principal.ANONYMOUS;
    }

    /** Whether a token looks like ours for records rather than a superuser's (it names a database). */
    public boolean isUserToken(String token) {
        if (verified.containsKey(token)) {
            return true;
        }
        try {
            return !JWT.decode(token).getClaim("db").isMissing();
        } catch (RuntimeException e) {
            return false; // anything that is not a token of ours (a JSON "null" part throws NullPointerException)
        }
    }

    /** After a committed change of a record's tokenKey (or its deletion): every worker forgets it. */
    void changed(String db, String collectionId, String id) {
        invalidations.everywhere(KIND, db + "/" + collectionId + "/" + id);
    }

    /**
     * After a committed truncate of an auth collection: every worker forgets the tokenKeys of all its
     * records at once (one cluster-wide message, not one per record).
     */
    void emptied(String db, String collectionId) {
        invalidations.everywhere(KIND, db + "/" + collectionId + "/");
    }

    /** This worker's part of a cluster-wide forget: one record, or all of a collection's (a key ending in "/"). */
    public void forget(String key) {
        if (key.endsWith("/")) {
            keys.forgetStartingWith(key);
        } else {
            keys.forget(key);
        }
    }

    Instant now() {
        return clock.instant();
    }
}
