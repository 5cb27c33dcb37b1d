package dev.hivelite.node.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * A string map every worker sees, with per-entry time-to-live: a cache in front of system.db. Before
 * the Hazelcast join (or if it failed) it holds nothing: reads miss and writes are dropped, so
 * callers fall back to SQLite, the source of truth. Every call is bounded ({@link Bounded}): a
 * degraded cluster (members merging, a partition owner gone) costs a cache miss, never a hung request.
 */
public final class SharedStrings {

    private final ClusterMember member;
    private final String mapName;

    public SharedStrings(ClusterMember member, String mapName) {
        this.member = member;
        this.mapName = mapName;
    }

    private Optional<IMap<String, String>> map() {
        return member.instance().filter(hz -> hz.getLifecycleService().isRunning()).map(this::map);
    }

    private IMap<String, String> map(HazelcastInstance hz) {
        return hz.getMap(mapName);
    }

    public Optional<String> get(String key) {
        return map().flatMap(m -> Bounded.call(mapName + " get", () -> Optional.ofNullable(m.get(key)), Optional::empty));
    }

    /** Stores {@code value} unless the key is present (a tombstone must win over a late fill). */
    public void putIfAbsent(String key, String value, Duration ttl) {
        map().ifPresent(m -> Bounded.call(mapName + " putIfAbsent", () -> {
            m.putIfAbsent(key, value, Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        }, () -> false));
    }

    /** Stores {@code value}; false when the cluster did not confirm it in time. */
    public boolean put(String key, String value, Duration ttl) {
        return map().map(m -> Bounded.call(mapName + " set", () -> {
            m.set(key, value, Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        }, () -> false)).orElse(false);
    }

    /** Removes the key (best effort). */
    public void remove(String key) {
        map().ifPresent(m -> Bounded.call(mapName + " delete", () -> {
            m.delete(key);
            return true;
        }, () -> false));
    }

    /** Whether entries are really shared right now (health and tests report it). */
    public boolean shared() {
        return map().isPresent();
    }
}
