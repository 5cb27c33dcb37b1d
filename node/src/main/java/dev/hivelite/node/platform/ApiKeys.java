package dev.hivelite.node.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import dev.hivelite.node.cluster.SharedStrings;
import dev.hivelite.node.common.Hashes;
import dev.hivelite.node.common.Principal;

/**
 * Turns {@code hl_…} secrets into principals on any worker, and revokes them everywhere. Same scheme
 * as superuser sessions: a Hazelcast map (hash → "keyId databaseId", or a tombstone) in front of
 * system.db; revoke and rotate write the tombstone, so no worker accepts the old secret afterwards.
 */
public final class ApiKeys {

    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    static final Duration TOMBSTONE_TTL = Duration.ofHours(1);
    /** last_used is written at most this often per key: a write per request would cost more than the request. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    private static final String REVOKED = "-";

    private final ApiKeyStore store;
    private final SharedStrings cache;
    private final Clock clock;
    /** Off the request path: last_used writes. */
    private final Executor background;
    /** keyId → when this worker last wrote last_used. */
    private final ConcurrentHashMap<String, Instant> touched = new ConcurrentHashMap<>();

    public ApiKeys(ApiKeyStore store, SharedStrings cache, Clock clock, Executor background) {
        this.store = store;
        this.cache = cache;
        this.clock = clock;
        this.background = background;
    }

    public ApiKeyStore store() {
        return store;
    }

    /** The key's principal, or anonymous for an unknown, rotated or revoked secret. */
    public Principal principal(String secret) {
        String hash = Hashes.sha256(secret);
        Optional<String> cached = cache.get(hash);
        Principal principal;
        if (cached.isPresent()) {
            if (REVOKED.equals(cached.get())) {
                return Principal.ANONYMOUS;
            }
            int space = cached.get().indexOf(' ');
            principal = new Principal.ApiKey(cached.get().substring(0, space), cached.get().substring(space + 1));
        } else {
            Optional<ApiKeyStore.ApiKey> key = store.byHash(hash);
            if (key.isEmpty()) {
                return Principal.ANONYMOUS;
            }
            cache.putIfAbsent(hash, key.get().id() + " " + key.get().databaseId(), CACHE_TTL);
            principal = new Principal.ApiKey(key.get().id(), key.get().databaseId());
        }
        touch(((Principal.ApiKey) principal).keyId());
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

    /** Marks secrets (by hash) revoked on every worker. */
    public void revoke(List<String> hashes) {
        for (String hash : hashes) {
            cache.put(hash, REVOKED, TOMBSTONE_TTL);
        }
    }
}
