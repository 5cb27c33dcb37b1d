package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.Json;

/** A healthy two-worker cluster, shared by checks that do not disturb it. */
class ClusterIT {

    @TempDir
    static Path tmp;

    private static CoordinatorProcess cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = CoordinatorProcess.start(tmp.resolve("data"), 2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void freshConnectionsReachEveryWorker() throws IOException {
        Set<Long> pids = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            var response = cluster.publicGet("/_/health");
            assertEquals(200, response.statusCode());
            Map<?, ?> body = Json.mapper().readValue(response.body(), Map.class);
            assertEquals("ok", body.get("status"));
            assertEquals("joined", body.get("hazelcast"));
            assertEquals(2, body.get("hazelcastMembers"));
            pids.add(((Number) body.get("pid")).longValue());
            ids.add((Integer) body.get("workerId"));
        }
        assertEquals(Set.of(1, 2), ids);
        assertEquals(new HashSet<>(cluster.workerPids()), pids, "the pids management health reports");
    }

    @Test
    void everyWorkerIsToldTheClusterSizeAndSeesItWhole() throws IOException {
        for (long pid : cluster.workerPids()) {
            // The worker's command line, as the kernel has it: arguments separated by NUL.
            List<String> args = List.of(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\u0000"));
            int at = args.indexOf("--cluster-size");
            assertTrue(at > 0, args.toString());
            assertEquals("2", args.get(at + 1));
        }
        // Each worker sees both members (the last membership event may land just after readiness).
        Set<Object> whole = new HashSet<>();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            Map<?, ?> body = Json.mapper().readValue(cluster.publicGet("/_/health").body(), Map.class);
            if ("ok".equals(body.get("realtime"))) {
                whole.add(body.get("workerId"));
            }
            return whole.size() == 2;
        });
    }

    @Test
    void managementHealthListsEveryWorkerReady() throws IOException {
        var response = cluster.management("/_/health");
        assertEquals(200, response.statusCode());
        Map<String, Object> health = cluster.health();
        assertEquals("ok", health.get("status"));
        assertEquals(2, health.get("workersDesired"));
        assertEquals(2, health.get("workersReady"));
        assertTrue(List.of("on", "off", "unsupported").contains(health.get("tcpMigrateReq")), health.toString());
        for (Map<String, Object> worker : cluster.workers()) {
            assertEquals("ready", worker.get("state"));
            assertEquals(0, worker.get("restarts"));
            assertEquals(false, worker.get("crashLoop"));
            assertTrue(ProcessHandle.of(((Number) worker.get("pid")).longValue()).isPresent());
        }
    }

    @Test
    void metricsCarryEveryWorkerAndPassPromtool() throws IOException, InterruptedException {
        for (int i = 0; i < 20; i++) {
            cluster.publicGet("/_/health");
        }
        var response = cluster.management("/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String metrics = response.body();
        for (String series : List.of("hivelite_workers_desired 2", "hivelite_workers_ready 2",
                "hivelite_worker_restarts_total{worker=\"1\"} 0", "hivelite_tcp_migrate_req ")) {
            assertTrue(metrics.contains(series), "missing " + series);
        }
        for (int worker = 1; worker <= 2; worker++) {
            String label = "{worker=\"" + worker + "\"";
            for (String family : List.of("jvm_memory_used_bytes" + label, "jvm_gc_", "jvm_threads_live_threads" + label,
                    "process_cpu_seconds_total" + label, "process_resident_memory_bytes" + label,
                    "hivelite_hazelcast_members" + label + "} 2.0",
                    "http_server_requests_seconds_bucket" + label + ",method=\"GET\",route=\"/_/health\",status=\"200\"")) {
                assertTrue(metrics.contains(family), "missing " + family);
            }
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes" + label) && l.contains("id=\"G1 Old Gen\"")),
                    "worker " + worker + " runs G1, not the serial collector its one-core share would get by default");
        }
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("promtool is needed (Debian package prometheus; .ci/run installs it): " + e.getMessage());
            return;
        }
        promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + output);
    }

    @Test
    void managementHealthAnswersHead() throws IOException {
        var head = CoordinatorProcess.send(java.net.http.HttpClient.newHttpClient(), "HEAD",
                java.net.URI.create("http://127.0.0.1:" + cluster.managementPort + "/_/health"));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void aSecondCoordinatorOnTheSameDataDirIsRefused() throws IOException, InterruptedException {
        var run = CoordinatorProcess.run(tmp, List.of("--http", "127.0.0.1:" + CoordinatorProcess.freePort(),
                "--management", "127.0.0.1:" + CoordinatorProcess.freePort(), "--dir", cluster.dataDir.toString()));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("another coordinator is running on"), run.output());
    }

    @Test
    void aSecondCoordinatorOnTheSamePortIsRefused() throws IOException, InterruptedException {
        var run = CoordinatorProcess.run(tmp, List.of("--http", "127.0.0.1:" + cluster.httpPort,
                "--management", "127.0.0.1:" + CoordinatorProcess.freePort(), "--dir", tmp.resolve("other").toString()));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("public address 127.0.0.1:" + cluster.httpPort
                + " is already in use (--http)"), run.output());
    }
}
