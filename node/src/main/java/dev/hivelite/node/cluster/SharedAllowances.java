package dev.hivelite.node.cluster;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Request allowances every worker shares, one per key (a rate-limit rule and a client): at most
 * {@code max} requests, refilled to {@code max} once {@code duration} seconds have passed since the
 * last request the allowance let through. That is PocketBase's "fixed window" (its clock in whole
 * seconds), so N workers give a client the limit once, not N times.
 *
 * <p>Each take is one atomic step on the key's partition owner (an entry processor), so two workers
 * taking at once never both get the last request. An entry lives {@code duration} seconds after its
 * last allowed take: past that the allowance is full again anyway. Before the Hazelcast join, or when
 * the cluster does not answer in time, allowances are kept per worker (the same rules, less strict).
 */
public final class SharedAllowances {

    /** Our id in Hazelcast's own serialization (no Java deserialization), beside {@link Invalidations}'. */
    static final int FACTORY_ID = 7_348_002;
    static final int TAKE_CLASS_ID = 1;

    private final ClusterMember member;
    private final String mapName;
    /** Fallback while the cluster is not joined: key → {available, last allowed second, duration}. */
    private final ConcurrentHashMap<String, long[]> local = new ConcurrentHashMap<>();

    public SharedAllowances(ClusterMember member, String mapName) {
        this.member = member;
        this.mapName = mapName;
    }

    public static DataSerializableFactory factory() {
        return classId -> classId == TAKE_CLASS_ID ? new Take() : null;
    }

    public static int factoryId() {
        return FACTORY_ID;
    }

    /**
     * Takes one request from the key's allowance at {@code nowSecond} (epoch seconds); false when it
     * is used up. A refused request uses nothing and does not move the window.
     */
    public boolean take(String key, int max, long durationSeconds, long nowSecond) {
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            return takeLocally(key, max, durationSeconds, nowSecond);
        }
        IMap<String, long[]> map = hz.get().getMap(mapName);
        Take take = new Take(max, durationSeconds, nowSecond);
        return Bounded.call(mapName + " take", () -> map.executeOnKey(key, take),
                () -> takeLocally(key, max, durationSeconds, nowSecond));
    }

    private boolean takeLocally(String key, int max, long durationSeconds, long nowSecond) {
        if (local.size() > 100_000) {
            local.values().removeIf(e -> nowSecond - e[1] >= e[2]);
        }
        boolean[] allowed = {false};
        local.compute(key, (k, e) -> {
            long available = e == null || nowSecond - e[1] >= durationSeconds ? max : e[0];
            if (available <= 0) {
                return e;
            }
            allowed[0] = true;
            return new long[] {available - 1, nowSecond, durationSeconds};
        });
        return allowed[0];
    }

    /**
     * One take, run where the key lives (and again on its backups, with the same arguments, so they
     * agree). The value is {available, last allowed second}.
     */
    static final class Take implements EntryProcessor<String, long[], Boolean>, IdentifiedDataSerializable {
        private int max;
        private long duration;
        private long now;

        Take() {
        }

        Take(int max, long duration, long now) {
            this.max = max;
            this.duration = duration;
            this.now = now;
        }

        @Override
        public Boolean process(Map.Entry<String, long[]> entry) {
            long[] current = entry.getValue();
            long available = current == null || now - current[1] >= duration ? max : current[0];
            if (available <= 0) {
                return false;
            }
            // A time-to-live of 0 would keep the entry for ever: at least one second.
            ((ExtendedMapEntry<String, long[]>) entry).setValue(new long[] {available - 1, now},
                    Math.max(1, duration), TimeUnit.SECONDS);
            return true;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeInt(max);
            out.writeLong(duration);
            out.writeLong(now);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            max = in.readInt();
            duration = in.readLong();
            now = in.readLong();
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return TAKE_CLASS_ID;
        }
    }
}
