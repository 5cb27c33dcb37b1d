package dev.hivelite.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** One launched worker JVM and the loopback ports it was given. */
final class WorkerProcess {

    private final int slotId;
    private final Process process;
    private final int privatePort;
    private final int hazelcastPort;
    private final Instant startedAt;
    /** Set once by whoever first sees the readiness probe pass; read by health on any thread. */
    private volatile Instant readyAt;

    WorkerProcess(int slotId, Process process, int privatePort, int hazelcastPort, Instant startedAt) {
        this.slotId = slotId;
        this.process = process;
        this.privatePort = privatePort;
        this.hazelcastPort = hazelcastPort;
        this.startedAt = startedAt;
    }

    int slotId() {
        return slotId;
    }

    long pid() {
        return process.pid();
    }

    int privatePort() {
        return privatePort;
    }

    int hazelcastPort() {
        return hazelcastPort;
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean isReady() {
        return readyAt != null;
    }

    Instant readyAt() {
        return readyAt;
    }

    void markReady(Instant at) {
        if (readyAt == null) {
            readyAt = at;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Exit code, or -1 while running. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits up to {@code timeout} for the process to exit; true if it has. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * SIGTERM: the worker drains and stops on its own. Sent through the {@link ProcessHandle}: {@code
     * Process.destroy()} would also close our ends of its pipes, so the draining worker would lose its
     * log output (EPIPE) and read end-of-file on stdin, which it takes for a dead coordinator.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL. */
    void kill() {
        process.toHandle().destroyForcibly();
    }
}
