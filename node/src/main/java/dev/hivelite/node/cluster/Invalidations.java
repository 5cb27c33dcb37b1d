package dev.hivelite.node.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Acknowledged invalidation on every worker (ARCHITECTURE.md rule 4): "forget database X", "forget
 * key Y". Each worker registers a handler per kind; {@link #everywhere} runs it here, then on every
 * member through Hazelcast's executor, and waits for each to answer. Callers change system.db first,
 * so a worker that answers has nothing stale left once the call returns.
 */
public final class Invalidations {

    private static final Logger LOG = Logger.getLogger(Invalidations.class.getName());
    /** Key of this worker's Invalidations in the Hazelcast user context. */
    static final String CONTEXT_KEY = "hivelite.invalidations";
    static final String EXECUTOR = "hivelite.invalidate";
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    /** Our ids in Hazelcast's own serialization (no Java deserialization, no class allow-lists). */
    static final int FACTORY_ID = 7_348_001;
    static final int FORGET_CLASS_ID = 1;
    static final int ASK_CLASS_ID = 2;

    /** Kind of thing to forget → this worker's handler. */
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    /** Kind of question → this worker's answer (see {@link #ask}). */
    private final Map<String, java.util.function.Function<String, String>> answers = new ConcurrentHashMap<>();
    private final ClusterMember member;

    public Invalidations(ClusterMember member) {
        this.member = member;
        member.userContext().put(CONTEXT_KEY, this);
    }

    public static DataSerializableFactory factory() {
        return classId -> classId == FORGET_CLASS_ID ? new Forget() : classId == ASK_CLASS_ID ? new Ask() : null;
    }

    public static int factoryId() {
        return FACTORY_ID;
    }

    /** Registers what this worker does when told to forget a {@code kind} of thing. */
    public void on(String kind, Consumer<String> handler) {
        handlers.put(kind, handler);
    }

    /**
     * True when this worker's broadcasts reach every worker and theirs reach it (it has joined and sees
     * the whole cluster); caches must stay off while false, or they would miss an invalidation.
     */
    public boolean delivered() {
        return member.complete();
    }

    /**
     * Empties {@code cache} whenever a member joins or a split merges, before {@link #delivered} turns
     * true again: what it kept from before a split may have changed on the other side, unannounced.
     */
    public void flushOnReunion(dev.hivelite.node.common.ForgettingCache<?> cache) {
        member.onMemberAdded(cache::forgetAll);
    }

    void local(String kind, String key) {
        Consumer<String> handler = handlers.get(kind);
        if (handler != null) {
            handler.accept(key);
        }
    }

    /** Registers how this worker answers a {@code kind} of question another worker {@link #ask}s it. */
    public void answer(String kind, java.util.function.Function<String, String> handler) {
        answers.put(kind, handler);
    }

    /**
     * Runs {@code callback} each time a member joins this worker's cluster (or this worker's side of a
     * split merges into the other): for state a newcomer must be told. It must not block.
     */
    public void onMemberAdded(Runnable callback) {
        member.onMemberAdded(callback);
    }

    /** This worker's id in the cluster, or empty before the join. */
    public java.util.Optional<String> localMemberId() {
        return member.instance().filter(h -> h.getLifecycleService().isRunning())
                .map(h -> h.getCluster().getLocalMember().getUuid().toString());
    }

    /**
     * Asks one worker (by {@link #localMemberId}) and waits for its answer within {@link #ACK_TIMEOUT};
     * empty when that worker is gone or silent.
     */
    public java.util.Optional<String> ask(String memberId, String kind, String payload) {
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (memberId.equals(hz.get().getCluster().getLocalMember().getUuid().toString())) {
            return java.util.Optional.ofNullable(localAnswer(kind, payload));
        }
        Member target = hz.get().getCluster().getMembers().stream()
                .filter(m -> m.getUuid().toString().equals(memberId)).findFirst().orElse(null);
        if (target == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.ofNullable(hz.get().getExecutorService(EXECUTOR)
                    .submitToMember(new Ask(kind, payload), target).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        } catch (Exception e) {
            LOG.warning("worker " + target.getAddress() + " did not answer " + kind + ": " + e);
            return java.util.Optional.empty();
        }
    }

    /**
     * Asks every worker (this one included) and returns their answers (null for a silent one), within
     * {@link #ACK_TIMEOUT}: for questions whose answerer is not known (a registry entry is missing).
     */
    public List<String> askEveryone(String kind, String payload) {
        List<String> answers = new ArrayList<>();
        answers.add(localAnswer(kind, payload));
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            return answers;
        }
        Member self = hz.get().getCluster().getLocalMember();
        Map<Member, Future<String>> futures = new java.util.HashMap<>();
        for (Member m : hz.get().getCluster().getMembers()) {
            if (!m.equals(self)) {
                futures.put(m, hz.get().getExecutorService(EXECUTOR).submitToMember(new Ask(kind, payload), m));
            }
        }
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        for (Future<String> f : futures.values()) {
            try {
                answers.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answers.add(null);
            } catch (Exception e) {
                answers.add(null);
            }
        }
        return answers;
    }

    String localAnswer(String kind, String payload) {
        var handler = answers.get(kind);
        return handler == null ? null : handler.apply(payload);
    }

    /**
     * Forgets {@code key} on every worker and waits for each to acknowledge, within {@link #ACK_TIMEOUT}.
     * Returns the members that did not (logged): a silent member is dead or about to be killed by its
     * liveness probe.
     */
    public List<String> everywhere(String kind, String key) {
        local(kind, key);
        var hz = member.instance().filter(h -> h.getLifecycleService().isRunning());
        if (hz.isEmpty()) {
            LOG.warning("forgetting " + kind + " " + key + " on this worker only: the cluster is not joined");
            return List.of("cluster not joined");
        }
        Map<Member, Future<Boolean>> acks = hz.get().getExecutorService(EXECUTOR).submitToAllMembers(new Forget(kind, key));
        List<String> silent = new ArrayList<>();
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        for (var ack : acks.entrySet()) {
            try {
                ack.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                silent.add(ack.getKey().getAddress().toString());
            } catch (Exception e) {
                LOG.warning("worker " + ack.getKey().getAddress() + " did not forget " + kind + " " + key + ": " + e);
                silent.add(ack.getKey().getAddress().toString());
            }
        }
        return silent;
    }

    /** Runs on each member: call that member's handler. */
    static final class Forget implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {
        private String kind;
        private String key;
        private HazelcastInstance instance;

        Forget() {
        }

        Forget(String kind, String key) {
            this.kind = kind;
            this.key = key;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(kind);
            out.writeString(key);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            kind = in.readString();
            key = in.readString();
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return FORGET_CLASS_ID;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance instance) {
            this.instance = instance;
        }

        @Override
        public Boolean call() {
            if (instance.getUserContext().get(CONTEXT_KEY) instanceof Invalidations invalidations) {
                invalidations.local(kind, key);
                return true;
            }
            return false;
        }
    }

    /** Runs on the asked member: that member's answer to a question. */
    static final class Ask implements Callable<String>, IdentifiedDataSerializable, HazelcastInstanceAware {
        private String kind;
        private String payload;
        private HazelcastInstance instance;

        Ask() {
        }

        Ask(String kind, String payload) {
            this.kind = kind;
            this.payload = payload;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(kind);
            out.writeString(payload);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            kind = in.readString();
            payload = in.readString();
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return ASK_CLASS_ID;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance instance) {
            this.instance = instance;
        }

        @Override
        public String call() {
            return instance.getUserContext().get(CONTEXT_KEY) instanceof Invalidations invalidations
                    ? invalidations.localAnswer(kind, payload) : null;
        }
    }
}
