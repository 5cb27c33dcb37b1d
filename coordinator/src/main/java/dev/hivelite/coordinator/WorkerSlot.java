package dev.hivelite.coordinator;

import java.time.Duration;
import java.time.Instant;

/**
 * One of the N places the coordinator keeps a worker in. A replacement keeps the slot's id; the slot
 * remembers restarts, the last exit and the back-off. Fields are written by the slot's monitor (and
 * by a rolling restart for {@link #current}) and read by health and metrics on other threads.
 */
final class WorkerSlot {

    /** Consecutive failed starts (exits before a stable minute) that count as a crash loop. */
    static final int CRASH_LOOP_THRESHOLD = 3;

    /** What the slot is doing, as health reports it. */
    enum State { STARTING, READY, BACKOFF, STOPPING, STOPPED }

    private final int id;
    private volatile WorkerProcess current;
    private volatile State state = State.STARTING;
    private volatile int restarts;
    private volatile Integer lastExitCode;
    private volatile String lastExitReason;
    private volatile int consecutiveFailures;
    private volatile Instant nextStartAt;

    WorkerSlot(int id) {
        this.id = id;
    }

    int id() {
        return id;
    }

    WorkerProcess current() {
        return current;
    }

    void current(WorkerProcess process) {
        this.current = process;
    }

    /** Swaps in a replacement only if {@code expected} is still current (rolling restart). */
    synchronized boolean replace(WorkerProcess expected, WorkerProcess replacement) {
        if (current != expected) {
            return false;
        }
        current = replacement;
        return true;
    }

    State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    int restarts() {
        return restarts;
    }

    Integer lastExitCode() {
        return lastExitCode;
    }

    String lastExitReason() {
        return lastExitReason;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    boolean crashLooping() {
        return consecutiveFailures >= CRASH_LOOP_THRESHOLD;
    }

    Instant nextStartAt() {
        return nextStartAt;
    }

    /** The worker ran for a stable period: forget earlier failures. */
    void markStable() {
        consecutiveFailures = 0;
    }

    void recordExit(int exitCode, String reason) {
        lastExitCode = exitCode;
        lastExitReason = reason;
        consecutiveFailures++;
    }

    void scheduleRestart(Instant at) {
        nextStartAt = at;
        state = State.BACKOFF;
        current = null;
    }

    void restarted() {
        restarts++;
        nextStartAt = null;
    }

    /** The wait before the next start: 1 s, doubling with each consecutive failure, capped. */
    static Duration backoff(int consecutiveFailures, Duration initial, Duration max) {
        int doublings = Math.max(0, Math.min(consecutiveFailures - 1, 20));
        Duration wait = initial.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
