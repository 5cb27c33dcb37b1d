package dev.hivelite.coordinator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers that hang or cannot start: replaced, and reported as they are. */
class WorkerFailureIT {

    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    @TempDir
    Path tmp;

    @Test
    void hungWorkerFailsItsLivenessProbeAndIsReplaced() throws Exception {
        try (CoordinatorProcess cluster = CoordinatorProcess.start(tmp.resolve("data"), 2)) {
            List<Long> before = cluster.workerPids();
            cluster.signalPid(before.get(0), "STOP");
            // The replacement is ready only once it has joined Hazelcast, which may first wait for the
            // cluster to drop the frozen member: on a loaded 2-core machine that once took over 60 s.
            await("the frozen worker is killed and replaced").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        Map<String, Object> w1 = cluster.workers().get(0);
                        return "ready".equals(w1.get("state")) && ((Number) w1.get("pid")).longValue() != before.get(0);
                    });
            Map<String, Object> w1 = cluster.workers().get(0);
            assertEquals(1, w1.get("restarts"));
            assertTrue(String.valueOf(w1.get("lastExitReason")).contains("liveness probes"), w1.toString());
            assertEquals(before.get(1), cluster.workerPids().get(1), "worker 2 was left alone");
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(before.get(0)).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void workersThatCannotStartAreACrashLoopInHealthAndMetrics() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("system.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 999"); // written by a "newer" Hivelite: workers refuse it
        }
        String migrateReqBefore = Files.isReadable(MIGRATE_REQ) ? Files.readString(MIGRATE_REQ).trim() : null;
        try (CoordinatorProcess cluster = CoordinatorProcess.launch(dataDir, 1, "--tune-sysctl")) {
            await("three failed starts in a row").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Boolean.TRUE.equals(cluster.workers().get(0).get("crashLoop")));
            var response = cluster.management("/_/health");
            assertEquals(503, response.statusCode());
            Map<String, Object> health = cluster.health();
            assertTrue(String.valueOf(health.get("reason")).contains("crash loop"), health.toString());
            Map<String, Object> w1 = cluster.workers().get(0);
            assertEquals(3, w1.get("lastExitCode"), "the worker's exit code for a failed start");
            String metrics = cluster.management("/metrics").body();
            assertTrue(metrics.contains("hivelite_worker_crash_looping{worker=\"1\"} 1"), metrics);
            assertTrue(metrics.contains("hivelite_workers_ready 0"));
            assertTrue(cluster.logText().contains("[w1]") && cluster.logText().contains("schema version 999"),
                    "the worker says why, in the coordinator's log");

            // --tune-sysctl: turned on where permitted (root, writable /proc/sys), reported either way.
            if (migrateReqBefore != null && Files.isWritable(MIGRATE_REQ)) {
                assertEquals("on", health.get("tcpMigrateReq"));
                assertEquals("1", Files.readString(MIGRATE_REQ).trim());
            } else {
                assertTrue(List.of("off", "unsupported").contains(health.get("tcpMigrateReq")), health.toString());
            }
        } finally {
            if (migrateReqBefore != null && Files.isWritable(MIGRATE_REQ)) {
                Files.writeString(MIGRATE_REQ, migrateReqBefore);
            }
        }
    }
}
