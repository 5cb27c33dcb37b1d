package dev.hivelite.node.cluster;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.IMap;

/**
 * Counters every worker shares, each expiring a fixed window after it was first counted: failed
 * logins per client IP, account mails per record. Before the Hazelcast join they are counted per
 * worker (less strict, never unbounded: entries expire the same way).
 */
public final class SharedCounters {

    private final ClusterMember member;
    private final String mapName;
    /** Fallback while the cluster is not joined: key → {count, window end in epoch millis}. */
    private final ConcurrentHashMap<String, long[]> local = new ConcurrentHashMap<>();

    public SharedCounters(ClusterMember member, String mapName) {
        this.member = member;
        this.mapName = mapName;
    }

    /** Adds one and returns the count within the current window (counted locally if the cluster stalls). */
    public long increment(String key, Duration window) {
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            return incrementLocally(key, window);
        }
        IMap<String, Long> map = hz.get().getMap(mapName);
        return Bounded.call(mapName + " increment", () -> incrementShared(map, key, window), () -> incrementLocally(key, window));
    }

    private static long incrementShared(IMap<String, Long> map, String key, Duration window) {
        while (true) {
            Long current = map.get(key);
            if (current == null) {
                if (map.putIfAbsent(key, 1L, window.toMillis(), TimeUnit.MILLISECONDS) == null) {
                    return 1;
                }
            } else if (map.replace(key, current, current + 1)) {
                return current + 1;
            }
        }
    }

    /** Forgets the key's count, so its window starts over at the next increment (best effort). */
    public void reset(String key) {
        local.remove(key);
        member.instance().filter(h -> h.getLifecycleService().isRunning()).ifPresent(hz -> Bounded.call(mapName + " delete",
                () -> {
                    hz.getMap(mapName).delete(key);
                    return true;
                }, () -> false));
    }

    public long get(String key) {
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            return getLocally(key);
        }
        return Bounded.call(mapName + " get", () -> {
            Long value = hz.get().<String, Long>getMap(mapName).get(key);
            return value == null ? 0L : value;
        }, () -> getLocally(key));
    }

    private long getLocally(String key) {
        long[] entry = local.get(key);
        return entry == null || entry[1] < System.currentTimeMillis() ? 0 : entry[0];
    }

    private long incrementLocally(String key, Duration window) {
        long now = System.currentTimeMillis();
        if (local.size() > 100_000) {
            local.values().removeIf(e -> e[1] < now);
        }
        return local.compute(key, (k, e) -> e == null || e[1] < now
                ? new long[] {1, now + window.toMillis()} : new long[] {e[0] + 1, e[1]})[0];
    }
}
