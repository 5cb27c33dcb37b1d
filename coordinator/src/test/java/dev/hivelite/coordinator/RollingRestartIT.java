package dev.hivelite.coordinator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rolling restarts replace every worker, one at a time, while a client keeps being served. */
class RollingRestartIT {

    @TempDir
    Path tmp;

    @Test
    void rollingRestartReplacesEveryWorkerWhileServing() throws Exception {
        try (CoordinatorProcess cluster = CoordinatorProcess.start(tmp.resolve("data"), 2)) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger served = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread client = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        var response = cluster.publicGet("/_/health");
                        if (response.statusCode() == 200) {
                            served.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        failures.add(e.toString());
                    }
                }
            });
            try {
                List<Long> first = cluster.workerPids();
                var accepted = cluster.managementPost("/_/workers/restart");
                assertEquals(202, accepted.statusCode(), accepted.body());
                assertEquals(409, cluster.managementPost("/_/workers/restart").statusCode(), "one at a time");
                List<Long> second = awaitAllReplaced(cluster, first);

                cluster.signal("HUP");
                awaitAllReplaced(cluster, second);
                // The first workers wrote their slot's class-data archive as they stopped; the third
                // generation, started after that, maps it (the kernel's map of the process names it).
                for (Map<String, Object> worker : cluster.workers()) {
                    String archive = "/.cache/worker-" + worker.get("id") + ".jsa";
                    String maps = java.nio.file.Files.readString(Path.of("/proc/" + worker.get("pid") + "/maps"));
                    assertTrue(maps.contains(archive), "worker " + worker.get("id") + " maps no " + archive);
                }
            } finally {
                running.set(false);
                client.join(Duration.ofSeconds(35));
            }
            String metrics = cluster.management("/metrics").body();
            assertTrue(metrics.contains("hivelite_rolling_restarts_total 2"), "two rolling restarts completed");
            for (Map<String, Object> worker : cluster.workers()) {
                assertEquals(0, worker.get("restarts"), "a rolling replacement is not a crash restart");
            }
            assertTrue(served.get() > 20, "served " + served.get());
            assertEquals(0, failed.get(), "failed requests during two rolling restarts (served " + served.get()
                    + ", tcp_migrate_req " + cluster.health().get("tcpMigrateReq") + "): " + failures);
            // A member that leaves answers operations under way with Hazelcast's exceptions, Java-serialized:
            // Helidon's JVM-wide filter refused them (a SEVERE trace per roll) until they were allowed.
            String log = cluster.logText();
            assertTrue(!log.contains("filter status: REJECTED") && !log.contains("SEVERE"),
                    "a rolling restart logged an error:\n" + log.lines().filter(l -> l.contains("SEVERE") || l.contains("REJECTED"))
                            .limit(5).collect(java.util.stream.Collectors.joining("\n")));
            // Each stop writes the slot's archive; the JVM's warnings of the classes it leaves out stay out of the log.
            assertTrue(!log.contains("][cds"), "the archive's warnings reached the log:\n"
                    + log.lines().filter(l -> l.contains("][cds")).limit(5).collect(java.util.stream.Collectors.joining("\n")));
        }
    }

    static List<Long> awaitAllReplaced(CoordinatorProcess cluster, List<Long> before) {
        await("every worker replaced").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Object> health = cluster.health();
            if (!"ok".equals(health.get("status")) || Boolean.TRUE.equals(health.get("rollingRestart"))) {
                return false;
            }
            Set<Long> now = new HashSet<>(cluster.workerPids());
            now.retainAll(before);
            return now.isEmpty();
        });
        try {
            List<Long> after = cluster.workerPids();
            for (long old : before) {
                await().atMost(Duration.ofSeconds(40)).until(() -> ProcessHandle.of(old).map(p -> !p.isAlive()).orElse(true));
            }
            return after;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
