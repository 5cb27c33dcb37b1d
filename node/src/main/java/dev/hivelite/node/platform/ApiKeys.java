package dev.hivelite.node.platform;

import dev.hivelite.node.common.ForgettingCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.Hashes;
import dev.hivelite.node.common.Principal;

/**
 * Turns {@code hl_…} secrets into principals on any worker, and revokes them everywhere. Keys are
 * cached in memory (a key check must not cost a cluster round trip per request); revoke and rotate
 * forget the old hash on every worker, acknowledged, before they answer, so no worker accepts the
 * old secret afterwards. Outside the cluster a worker could miss that, so it reads system.db instead.
 */
public final class ApiKeys {

    public static final String KIND = "api-key";
    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    /** last_used is written at most this often per key: a write per request would cost more than the request. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final ApiKeyStore store;
    private final Invalidations invalidations;
    /** hash → principal, on this worker. */
    private final ForgettingCache<Principal.ApiKey> cache = new ForgettingCache<>(CACHE_TTL, 100_000);
    private final Clock clock;
    /** Off the request path: last_used writes. */
    private final Executor background;
    /** keyId → when this worker last wrote last_used. */
    private final ConcurrentHashMap<String, Instant> touched = new ConcurrentHashMap<>();

    public ApiKeys(ApiKeyStore store, Invalidations invalidations, Clock clock, Executor background) {
        this.store = store;
        this.invalidations = invalidations;
        invalidations.flushOnReunion(cache);
        this.clock = clock;
        this.background = background;
    }

    public ApiKeyStore store() {
        return store;
    }

    /** The key's principal, or anonymous for an unknown, rotated or revoked secret. */
    public Principal principal(String secret) {
        String hash = Hashes.sha256(secret);
        boolean useCache = invalidations.delivered();
        Principal.ApiKey principal = useCache ? cache.get(hash) : null;
        if (principal == null) {
            long epoch = cache.epoch();
            Optional<ApiKeyStore.ApiKey> key = store.byHash(hash);
            if (key.isEmpty()) {
                return Principal.ANONYMOUS;
            }
            principal = new Principal.ApiKey(key.get().id(), key.get().databaseId());
            if (useCache) {
                cache.fill(hash, principal, epoch);
            }
        }
        touch(principal.keyId());
        return principal;
    }

    private void touch(String keyId) {
        Instant now = clock.instant();
        Instant last = touched.get(keyId);
        if (last != null && Duration.between(last, now).compareTo(TOUCH_INTERVAL) < 0) {
            return;
        }
        if (touched.size() > 100_000) {
            touched.clear();
        }
        touched.put(keyId, now);
        background.execute(() -> store.touch(keyId));
    }

    /** Forgets secrets (by hash) on every worker; call after system.db no longer has them. */
    public void revoke(List<String> hashes) {
        for (String hash : hashes) {
            invalidations.everywhere(KIND, hash);
        }
    }

    /** This worker's part of a cluster-wide revoke. */
    public void forget(String hash) {
        cache.forget(hash);
    }
}
