package dev.hivelite.node.observe;

/** The body of {@code GET /_/health} on the public port: the worker that took the connection. */
public record HealthResponse(String status, int workerId, long pid, long uptimeSeconds, String version,
                             int hazelcastMembers, String hazelcast, String realtime, boolean ready) {

    static HealthResponse of(WorkerState state, java.time.Instant now) {
        String status = state.stage() == WorkerState.Stage.DRAINING ? "draining" : "ok";
        return new HealthResponse(status, state.workerId(), state.pid(), state.uptimeSeconds(now),
                state.version(), state.clusterMembers(), state.clusterState(),
                // Changes reach other workers' subscribers only through the cluster, and all of them only
                // while this worker sees every other.
                state.clusterComplete() ? "ok" : "degraded", state.ready());
    }
}
