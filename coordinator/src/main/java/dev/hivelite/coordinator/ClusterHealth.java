package dev.hivelite.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The body of the management port's {@code /_/health}: the whole cluster, worker by worker. */
record ClusterHealth(String status, String reason, String version, int workersDesired, int workersReady,
                     String tcpMigrateReq, boolean rollingRestart, List<Worker> workers) {

    /** One slot as health reports it. */
    record Worker(int id, Long pid, String state, Long uptimeSeconds, int restarts, Integer lastExitCode,
                  String lastExitReason, boolean crashLoop, Long nextStartInMillis) {
    }

    boolean healthy() {
        return "ok".equals(status);
    }

    static ClusterHealth of(Supervisor supervisor, Sysctl.MigrateReq migrateReq, String version, Instant now) {
        List<Worker> workers = supervisor.slots().stream().map(slot -> worker(slot, now)).toList();
        int ready = (int) workers.stream().filter(w -> "ready".equals(w.state())).count();
        int desired = workers.size();
        String reason = null;
        if (ready < desired) {
            reason = ready + " of " + desired + " workers ready: " + String.join("; ", workers.stream()
                    .filter(w -> !"ready".equals(w.state()))
                    .map(ClusterHealth::describe).toList());
        }
        return new ClusterHealth(ready == desired ? "ok" : "degraded", reason, version, desired, ready,
                migrateReq.label(), supervisor.rollingRestartInProgress(), workers);
    }

    private static Worker worker(WorkerSlot slot, Instant now) {
        WorkerProcess process = slot.current();
        Instant next = slot.nextStartAt();
        return new Worker(slot.id(),
                process == null ? null : process.pid(),
                slot.state().name().toLowerCase(),
                process == null ? null : Duration.between(process.startedAt(), now).toSeconds(),
                slot.restarts(),
                slot.lastExitCode(),
                slot.lastExitReason(),
                slot.crashLooping(),
                next == null ? null : Math.max(0, Duration.between(now, next).toMillis()));
    }

    private static String describe(Worker w) {
        String text = "worker " + w.id() + " " + w.state();
        if (w.lastExitCode() != null) {
            text += " (last exit " + w.lastExitCode() + ": " + w.lastExitReason() + ")";
        }
        return w.crashLoop() ? text + ", crash loop" : text;
    }
}
