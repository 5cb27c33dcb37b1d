package dev.hivelite.node.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import dev.hivelite.node.storage.DatabasePool;

/**
 * Closes a database's handles on every worker and waits for each to acknowledge (ARCHITECTURE.md
 * rule 4), before its files are removed. The request runs on each member through Hazelcast's
 * executor; the member finds its own pool in the instance's user context.
 */
public final class DatabaseHandles {

    private static final Logger LOG = Logger.getLogger(DatabaseHandles.class.getName());
    /** Key of this worker's {@link DatabasePool} in the Hazelcast user context. */
    static final String POOL_KEY = "hivelite.pool";
    static final String EXECUTOR = "hivelite.invalidate";
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterMember member;
    private final DatabasePool pool;

    public DatabaseHandles(ClusterMember member, DatabasePool pool) {
        this.member = member;
        this.pool = pool;
        member.userContext().put(POOL_KEY, pool);
    }

    /**
     * Every worker closes the database and acknowledges, within {@link #ACK_TIMEOUT}. Returns the
     * members that did not (logged): the caller has already unregistered the database, so no request
     * reaches it by name and no pool reopens it; a silent member is dead or about to be killed by its
     * liveness probe, and unlinking files it still holds open is safe.
     */
    public java.util.List<String> closeEverywhere(String databaseId) {
        pool.invalidate(databaseId);
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            LOG.warning("closing database " + databaseId + " on this worker only: the cluster is not joined");
            return java.util.List.of("cluster not joined");
        }
        java.util.List<String> silent = new java.util.ArrayList<>();
        Map<Member, Future<Boolean>> acks = hz.get().getExecutorService(EXECUTOR).submitToAllMembers(new Close(databaseId));
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        for (var ack : acks.entrySet()) {
            try {
                ack.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                silent.add(ack.getKey().getAddress().toString());
            } catch (Exception e) {
                LOG.warning("worker " + ack.getKey().getAddress() + " did not close database " + databaseId + ": " + e);
                silent.add(ack.getKey().getAddress().toString());
            }
        }
        return silent;
    }

    /** Our ids in Hazelcast's own serialization (no Java deserialization, no class allow-lists). */
    static final int FACTORY_ID = 7_348_001;
    static final int CLOSE_CLASS_ID = 1;

    /** Creates our cluster tasks on the receiving member; registered in the Hazelcast config. */
    public static com.hazelcast.nio.serialization.DataSerializableFactory factory() {
        return classId -> classId == CLOSE_CLASS_ID ? new Close() : null;
    }

    public static int factoryId() {
        return FACTORY_ID;
    }

    /** Runs on each member: close the database in that member's pool. */
    static final class Close implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {
        private String databaseId;
        private HazelcastInstance instance;

        Close() {
        }

        Close(String databaseId) {
            this.databaseId = databaseId;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws java.io.IOException {
            out.writeString(databaseId);
        }

        @Override
        public void readData(ObjectDataInput in) throws java.io.IOException {
            databaseId = in.readString();
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return CLOSE_CLASS_ID;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance instance) {
            this.instance = instance;
        }

        @Override
        public Boolean call() {
            Object pool = instance.getUserContext().get(POOL_KEY);
            if (pool instanceof DatabasePool p) {
                p.invalidate(databaseId);
                return true;
            }
            return false;
        }
    }
}
