package dev.hivelite.coordinator;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps N workers alive. Each slot has a monitor thread that starts its worker, waits for readiness,
 * probes liveness, and on exit (or a failed probe) restarts it after a back-off of 1 s doubling to
 * 30 s, reset once a worker has been healthy for a minute. A rolling restart replaces workers one at
 * a time, the new one ready before the old one drains. {@link #stop} drains everyone, then kills what
 * is left at the deadline.
 */
final class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());

    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration LIVENESS_INTERVAL = Duration.ofSeconds(2);
    static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(3);
    static final int LIVENESS_FAILURES = 3;

    private final ServeConfig config;
    private final WorkerLauncher launcher;
    private final Probe probe;
    private final Clock clock;
    private final List<WorkerSlot> slots = new ArrayList<>();
    /** Every worker process not yet known to have exited; their Hazelcast ports form the member list. */
    private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();
    /** Guards launching against stopping: no worker starts once a stop began. */
    private final Object lifecycle = new Object();
    private final List<Thread> monitors = new ArrayList<>();
    private final AtomicBoolean rolling = new AtomicBoolean();
    private final AtomicLong rollingRestarts = new AtomicLong();
    private volatile boolean stopping;

    Supervisor(ServeConfig config, WorkerLauncher launcher, Probe probe, Clock clock) {
        this.config = config;
        this.launcher = launcher;
        this.probe = probe;
        this.clock = clock;
        for (int id = 1; id <= config.workers(); id++) {
            slots.add(new WorkerSlot(id));
        }
    }

    List<WorkerSlot> slots() {
        return slots;
    }

    boolean rollingRestartInProgress() {
        return rolling.get();
    }

    long rollingRestarts() {
        return rollingRestarts.get();
    }

    /** Launches all N workers at once, each told the others' Hazelcast ports, then starts monitoring. */
    void start() {
        List<Integer> hazelcastPorts = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            hazelcastPorts.add(Ports.freeLoopbackPort());
        }
        for (WorkerSlot slot : slots) {
            int own = hazelcastPorts.get(slot.id() - 1);
            List<Integer> others = hazelcastPorts.stream().filter(p -> p != own).toList();
            WorkerProcess first = launch(slot, own, others);
            slot.current(first);
            monitors.add(Thread.ofPlatform().name("monitor-w" + slot.id()).daemon(true)
                    .start(() -> monitor(slot)));
        }
    }

    private WorkerProcess launch(WorkerSlot slot, int hazelcastPort, List<Integer> members) {
        synchronized (lifecycle) {
            if (stopping) {
                return null;
            }
            try {
                WorkerProcess process = launcher.launch(slot.id(), hazelcastPort, members);
                live.add(process);
                LOG.info(() -> "worker " + slot.id() + " started (pid " + process.pid() + ")");
                return process;
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "cannot launch worker " + slot.id(), e);
                return null;
            }
        }
    }

    private List<Integer> liveHazelcastPorts() {
        return live.stream().filter(WorkerProcess::isAlive).map(WorkerProcess::hazelcastPort).toList();
    }

    private void monitor(WorkerSlot slot) {
        try {
            while (!stopping) {
                WorkerProcess process = slot.current();
                if (process == null) {
                    process = launch(slot, Ports.freeLoopbackPort(), liveHazelcastPorts());
                    if (process == null) {
                        failed(slot, -1, "launch failed");
                        continue;
                    }
                    slot.current(process);
                    slot.restarted();
                }
                String exitReason = watch(slot, process);
                if (exitReason == null) {
                    continue; // replaced by a rolling restart, or stopping
                }
                live.remove(process);
                failed(slot, process.exitCode(), exitReason);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records a failed worker and sleeps its back-off; the caller then starts a new one. */
    private void failed(WorkerSlot slot, int exitCode, String reason) throws InterruptedException {
        if (stopping) {
            return;
        }
        slot.recordExit(exitCode, reason);
        Duration wait = WorkerSlot.backoff(slot.consecutiveFailures(), INITIAL_BACKOFF, MAX_BACKOFF);
        slot.scheduleRestart(clock.instant().plus(wait));
        LOG.warning("worker " + slot.id() + " " + reason + " (exit code " + exitCode + "); restarting in "
                + wait.toMillis() + " ms" + (slot.crashLooping() ? " — crash loop: "
                + slot.consecutiveFailures() + " failures in a row" : ""));
        Thread.sleep(wait.toMillis());
    }

    /**
     * Watches one process until it exits or must be killed; returns why, or null when the slot moved
     * on to another process (rolling restart) or the coordinator is stopping.
     */
    private String watch(WorkerSlot slot, WorkerProcess process) throws InterruptedException {
        Instant readyDeadline = process.startedAt().plus(READY_TIMEOUT);
        int failedProbes = 0;
        if (!process.isReady()) {
            slot.state(WorkerSlot.State.STARTING);
        }
        while (true) {
            if (stopping || slot.current() != process) {
                return null;
            }
            if (!process.isAlive()) {
                return process.isReady() ? "exited" : "exited before it was ready";
            }
            if (!process.isReady()) {
                if (probe.status(process.privatePort(), "/_/ready", LIVENESS_TIMEOUT) == 200) {
                    process.markReady(clock.instant());
                    slot.state(WorkerSlot.State.READY);
                    LOG.info(() -> "worker " + slot.id() + " ready (pid " + process.pid() + ", "
                            + Duration.between(process.startedAt(), process.readyAt()).toMillis() + " ms)");
                    continue;
                }
                if (clock.instant().isAfter(readyDeadline)) {
                    return killed(process, "was not ready within " + READY_TIMEOUT.toSeconds() + " s");
                }
                process.awaitExit(Duration.ofMillis(100));
                continue;
            }
            slot.state(WorkerSlot.State.READY);
            if (probe.status(process.privatePort(), "/_/live", LIVENESS_TIMEOUT) == 200) {
                failedProbes = 0;
            } else if (process.isAlive() && ++failedProbes >= LIVENESS_FAILURES) {
                return killed(process, "failed " + LIVENESS_FAILURES + " liveness probes in a row");
            }
            if (Duration.between(process.readyAt(), clock.instant()).compareTo(STABLE_AFTER) >= 0) {
                slot.markStable();
            }
            process.awaitExit(LIVENESS_INTERVAL);
        }
    }

    private static String killed(WorkerProcess process, String reason) throws InterruptedException {
        process.kill();
        process.awaitExit(Duration.ofSeconds(10));
        return reason + "; killed";
    }

    /**
     * Replaces every worker, one at a time: start the new one, wait until it is ready, then drain the
     * old one. Returns false (and changes nothing more) if one is already running or a new worker
     * does not become ready.
     */
    boolean rollingRestart() {
        if (!rolling.compareAndSet(false, true)) {
            return false;
        }
        try {
            LOG.info("rolling restart: begin");
            for (WorkerSlot slot : slots) {
                WorkerProcess old = slot.current();
                if (stopping) {
                    return false;
                }
                if (old == null || !old.isReady()) {
                    LOG.info(() -> "rolling restart: worker " + slot.id() + " is not running; its monitor restarts it");
                    continue;
                }
                if (!replace(slot, old)) {
                    return false;
                }
            }
            rollingRestarts.incrementAndGet();
            LOG.info("rolling restart: done");
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            rolling.set(false);
        }
    }

    private boolean replace(WorkerSlot slot, WorkerProcess old) throws InterruptedException {
        WorkerProcess fresh = launch(slot, Ports.freeLoopbackPort(), liveHazelcastPorts());
        if (fresh == null) {
            return false;
        }
        Instant deadline = fresh.startedAt().plus(READY_TIMEOUT);
        while (probe.status(fresh.privatePort(), "/_/ready", LIVENESS_TIMEOUT) != 200) {
            if (!fresh.isAlive() || stopping || clock.instant().isAfter(deadline)) {
                LOG.severe("rolling restart: replacement for worker " + slot.id() + " did not become ready; "
                        + "keeping pid " + old.pid() + " and stopping the rolling restart");
                fresh.kill();
                live.remove(fresh);
                return false;
            }
            fresh.awaitExit(Duration.ofMillis(100));
        }
        fresh.markReady(clock.instant());
        if (!slot.replace(old, fresh)) {
            // The old worker died meanwhile and the monitor started another: keep that one.
            fresh.terminate();
            live.remove(fresh);
            return true;
        }
        LOG.info(() -> "rolling restart: worker " + slot.id() + " pid " + fresh.pid() + " ready; draining pid " + old.pid());
        drain(old);
        return true;
    }

    /** SIGTERM, wait for the grace period to play out, SIGKILL at the stop timeout. */
    private void drain(WorkerProcess process) throws InterruptedException {
        process.terminate();
        if (!process.awaitExit(config.stopTimeout())) {
            LOG.warning("worker pid " + process.pid() + " still running after " + config.stopTimeout().toSeconds()
                    + " s; killing it");
            process.kill();
            process.awaitExit(Duration.ofSeconds(10));
        }
        live.remove(process);
    }

    /**
     * Stops every worker: SIGTERM to all (each drains in-flight requests, leaves Hazelcast, closes
     * SQLite), then SIGKILL to what is left at the stop timeout. True when all stopped on their own.
     */
    boolean stop() {
        synchronized (lifecycle) {
            stopping = true;
        }
        monitors.forEach(Thread::interrupt);
        slots.forEach(s -> s.state(WorkerSlot.State.STOPPING));
        List<WorkerProcess> running = new ArrayList<>(live);
        LOG.info(() -> "stopping " + running.size() + " worker(s)");
        running.forEach(WorkerProcess::terminate);
        Instant deadline = clock.instant().plus(config.stopTimeout());
        boolean clean = true;
        for (WorkerProcess process : running) {
            try {
                Duration left = Duration.between(clock.instant(), deadline);
                if (!process.awaitExit(left.isNegative() ? Duration.ZERO : left)) {
                    clean = false;
                    LOG.warning("worker " + process.slotId() + " (pid " + process.pid() + ") did not stop within "
                            + config.stopTimeout().toSeconds() + " s; killing it");
                    process.kill();
                    process.awaitExit(Duration.ofSeconds(10));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.kill();
                clean = false;
            }
        }
        slots.forEach(s -> s.state(WorkerSlot.State.STOPPED));
        return clean;
    }
}
