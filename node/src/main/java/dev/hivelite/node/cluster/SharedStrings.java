package dev.hivelite.node.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * A string map every worker sees, with per-entry time-to-live: a cache in front of system.db. Before
 * the Hazelcast join (or if it failed) it holds nothing: reads miss and writes are dropped, so
 * callers fall back to SQLite, the source of truth.
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
        return map().map(m -> m.get(key));
    }

    /** Stores {@code value} unless the key is present (a tombstone must win over a late fill). */
    public void putIfAbsent(String key, String value, Duration ttl) {
        map().ifPresent(m -> m.putIfAbsent(key, value, Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS));
    }

    public void put(String key, String value, Duration ttl) {
        map().ifPresent(m -> m.set(key, value, Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS));
    }

    /** Whether entries are really shared right now (health and tests report it). */
    public boolean shared() {
        return map().isPresent();
    }
}
