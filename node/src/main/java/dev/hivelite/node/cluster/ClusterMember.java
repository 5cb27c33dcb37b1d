package dev.hivelite.node.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * This worker's Hazelcast member. {@link #start()} joins in the background (~1.5–3 s, more on a busy
 * host); the worker waits for it ({@link #awaitJoin}) before it takes public traffic, and
 * {@link #state()} tells honestly where the join stands.
 *
 * <p>Joined is not whole: a member that sees fewer members than the cluster has ({@link
 * ClusterConfig#size}) may be cut off from a worker that still serves, as when the members split at
 * start or after a long pause. {@link #complete()} says whether this member sees them all; the callbacks
 * of {@link #onMemberAdded} run, before it turns true again, whenever another side may have changed
 * things unseen.
 */
public final class ClusterMember implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterMember.class.getName());

    /** Where the member stands; health and readiness report it. */
    public enum State { JOINING, JOINED, FAILED, STOPPED }

    /** Name pattern of the maps that hold throttling counters. */
    public static final String THROTTLE_MAPS = "hivelite.throttle.*";

    private final ClusterConfig config;
    private final String instanceName;
    /** Handed to Hazelcast as its user context: how tasks sent by other members find our objects. */
    private final java.util.concurrent.ConcurrentMap<String, Object> userContext = new java.util.concurrent.ConcurrentHashMap<>();
    /** Set once by the join thread; read by health probes on any thread. */
    private volatile HazelcastInstance instance;
    private volatile State state = State.JOINING;
    /** Run once the join completes (listeners that need the instance); registered before start(). */
    private final java.util.List<Runnable> onJoined = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Run on every member added and every merge, on Hazelcast's event thread (see {@link #onMemberAdded}). */
    private final java.util.List<Runnable> onMemberAdded = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether this member saw, at its last change of membership, at least {@link ClusterConfig#size} members. */
    private volatile boolean whole;

    public ClusterMember(ClusterConfig config, String instanceName) {
        this.config = config;
        this.instanceName = instanceName;
    }

    /** Counted down once the join has completed (its callbacks run) or failed. */
    private final java.util.concurrent.CountDownLatch settled = new java.util.concurrent.CountDownLatch(1);

    /** Starts joining on a platform thread and returns at once. */
    public void start() {
        Thread.ofPlatform().name("hazelcast-join").daemon(true).start(this::join);
    }

    /**
     * Waits until the join has completed, its callbacks included, or failed, for {@code limit} at most.
     * Returns whether the member is joined.
     */
    public boolean awaitJoin(java.time.Duration limit) throws InterruptedException {
        settled.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return state() == State.JOINED;
    }

    private void join() {
        try {
            HazelcastInstance joined = Hazelcast.newHazelcastInstance(hazelcastConfig());
            synchronized (this) {
                if (state == State.STOPPED) {
                    joined.shutdown();
                    return;
                }
                instance = joined;
                watchMembership(joined);
                state = State.JOINED;
            }
            LOG.info(() -> "joined Hazelcast cluster " + config.clusterName() + " with "
                    + joined.getCluster().getMembers().size() + " member(s)");
            for (Runnable callback : onJoined) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a join callback failed", e);
                }
            }
        } catch (RuntimeException e) {
            state = State.FAILED;
            LOG.log(Level.SEVERE, "Hazelcast join failed; realtime and shared caches are degraded", e);
        } finally {
            settled.countDown();
        }
    }

    Config hazelcastConfig() {
        Config hz = new Config();
        hz.setClusterName(config.clusterName());
        hz.setInstanceName(instanceName);
        hz.setUserContext(userContext);
        // Tasks between workers use Hazelcast's own format: Java deserialization stays off.
        hz.getSerializationConfig().addDataSerializableFactory(Invalidations.factoryId(), Invalidations.factory());
        hz.getSerializationConfig().addDataSerializableFactory(SharedAllowances.factoryId(), SharedAllowances.factory());
        hz.addExecutorConfig(new com.hazelcast.config.ExecutorConfig("hivelite.*").setPoolSize(2));
        hz.getJetConfig().setEnabled(false);
        NetworkConfig network = hz.getNetworkConfig();
        network.setPort(config.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(config.host());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = new ArrayList<>(config.members());
        members.add(config.host() + ":" + config.port());
        join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
        // Counters (login throttling) expire even if an update reset their own time-to-live.
        hz.addMapConfig(new MapConfig(THROTTLE_MAPS).setTimeToLiveSeconds(600));
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.logging.type", "jdk");
        hz.setProperty("hazelcast.socket.bind.any", "false");
        hz.setProperty("hazelcast.health.monitoring.level", "OFF");
        hz.setProperty("hazelcast.shutdownhook.enabled", "false");
        hz.setProperty("hazelcast.partition.count", "71");
        hz.setProperty("hazelcast.operation.thread.count", "2");
        hz.setProperty("hazelcast.operation.generic.thread.count", "1");
        hz.setProperty("hazelcast.io.thread.count", "1");
        hz.setProperty("hazelcast.event.thread.count", "1");
        // Default 5 s: the join would dominate worker start (readiness waits for it). With TCP-IP join
        // on loopback the members find each other at once; a split at start is merged (below).
        hz.setProperty("hazelcast.wait.seconds.before.join", "1");
        hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        return hz;
    }

    /** Objects tasks from other members may look up on this member; fill before {@link #start()}. */
    public java.util.concurrent.ConcurrentMap<String, Object> userContext() {
        return userContext;
    }

    /**
     * Where the member stands. A joined member whose Hazelcast instance stopped under it (terminated,
     * or shut itself down after a failed merge) reports FAILED: health and the realtime flag must
     * say what the topics see, not what the join once achieved.
     */
    public State state() {
        State s = state;
        HazelcastInstance hz = instance;
        if (s == State.JOINED && (hz == null || !hz.getLifecycleService().isRunning())) {
            return State.FAILED;
        }
        return s;
    }

    /** Runs {@code callback} once the join completes (at once if it already has). */
    public void onJoined(Runnable callback) {
        onJoined.add(callback);
        if (state == State.JOINED) {
            callback.run();
        }
    }

    /**
     * Runs {@code callback} each time another member joins this member's cluster, and when this
     * member's side of a split merges into the other, from the join on, before {@link #complete()}
     * can turn true again. It runs on Hazelcast's event thread: it must not block.
     */
    public void onMemberAdded(Runnable callback) {
        onMemberAdded.add(callback);
    }

    /**
     * Whether this member is joined and sees the whole cluster. False while a worker restarts (its
     * member is gone until the new one joins), and on each side of a split: a change made on the other
     * side is then not announced here.
     */
    public boolean complete() {
        return whole && state() == State.JOINED;
    }

    private void watchMembership(HazelcastInstance hz) {
        hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent event) {
                reunited(hz);
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent event) {
                count(hz, whole);
            }
        });
        hz.getLifecycleService().addLifecycleListener(event -> {
            switch (event.getState()) {
                // While merging, this side's state is being replaced by the other's.
                case MERGING -> whole = false;
                case MERGED, MERGE_FAILED -> reunited(hz);
                default -> { }
            }
        });
        count(hz, whole);
    }

    /** A member came (or this side merged): what was cached while apart is dropped, then counted again. */
    private synchronized void reunited(HazelcastInstance hz) {
        boolean was = whole;
        whole = false;
        for (Runnable callback : onMemberAdded) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a member-added callback failed", e);
            }
        }
        count(hz, was);
    }

    /** Counts the members this one sees; {@code was} is what it counted last, for the log. */
    private synchronized void count(HazelcastInstance hz, boolean was) {
        whole = hz.getLifecycleService().isRunning() && hz.getCluster().getMembers().size() >= config.size();
        if (was != whole) {
            LOG.info(() -> (whole ? "the cluster is whole: " : "the cluster is partial: ")
                    + hz.getCluster().getMembers().size() + " of " + config.size() + " members");
        }
    }

    /** Members of the cluster as this member sees it; 0 before the join completes. */
    public int memberCount() {
        HazelcastInstance hz = instance;
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            return 0;
        }
        return hz.getCluster().getMembers().size();
    }

    public Optional<HazelcastInstance> instance() {
        return Optional.ofNullable(instance);
    }

    /** Leaves the cluster gracefully (partitions migrate to the survivors). */
    @Override
    public void close() {
        HazelcastInstance hz;
        synchronized (this) {
            state = State.STOPPED;
            hz = instance;
            instance = null;
        }
        if (hz != null) {
            hz.shutdown();
        }
    }
}
