package dev.hivelite.node.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What health, readiness and metrics report about this worker: who it is, since when, and the stage
 * of its lifecycle. Shared by every request thread; the lifecycle fields are volatile.
 */
public final class WorkerState {

    /** The stages a worker passes through, in order. */
    public enum Stage { STARTING, SERVING, DRAINING }

    private final int workerId;
    private final long pid;
    private final Instant startedAt;
    private final String version;
    private final Supplier<String> clusterState;
    private final IntSupplier clusterMembers;
    private final BooleanSupplier clusterComplete;
    private volatile Stage stage = Stage.STARTING;

    public WorkerState(int workerId, long pid, Instant startedAt, String version,
                       Supplier<String> clusterState, IntSupplier clusterMembers, BooleanSupplier clusterComplete) {
        this.workerId = workerId;
        this.pid = pid;
        this.startedAt = startedAt;
        this.version = version;
        this.clusterState = clusterState;
        this.clusterMembers = clusterMembers;
        this.clusterComplete = clusterComplete;
    }

    public int workerId() {
        return workerId;
    }

    public long pid() {
        return pid;
    }

    public String version() {
        return version;
    }

    public Stage stage() {
        return stage;
    }

    public void stage(Stage stage) {
        this.stage = stage;
    }

    public long uptimeSeconds(Instant now) {
        return Duration.between(startedAt, now).toSeconds();
    }

    /** {@code joining}, {@code joined}, {@code failed} or {@code stopped}. */
    public String clusterState() {
        return clusterState.get();
    }

    public int clusterMembers() {
        return clusterMembers.getAsInt();
    }

    /** Joined, and seeing every worker the coordinator runs (none restarting, no split). */
    public boolean clusterComplete() {
        return clusterComplete.getAsBoolean();
    }

    /** Ready to take traffic: serving, storage open and the Hazelcast join complete. */
    public boolean ready() {
        return stage == Stage.SERVING && "joined".equals(clusterState());
    }
}
