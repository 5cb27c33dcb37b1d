package dev.hivelite.coordinator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker killed with SIGKILL is replaced, and the other one serves all along. */
class WorkerRecoveryIT {

    @TempDir
    Path tmp;

    @Test
    void killedWorkerIsReplacedWhileTheOtherKeepsServing() throws Exception {
        try (CoordinatorProcess cluster = CoordinatorProcess.start(tmp.resolve("data"), 2)) {
            List<Long> before = cluster.workerPids();
            ProcessHandle.of(before.get(0)).orElseThrow().destroyForcibly();

            AtomicInteger served = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Runnable publicRequest = () -> {
                try {
                    if (cluster.publicGet("/_/health").statusCode() == 200) {
                        served.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            };

            await("management health turns 503 while worker 1 is down").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        publicRequest.run();
                        return cluster.management("/_/health").statusCode() == 503;
                    });
            Map<String, Object> degraded = cluster.health();
            assertEquals("degraded", degraded.get("status"));
            assertTrue(String.valueOf(degraded.get("reason")).contains("worker 1"), degraded.toString());

            await("a new worker 1 serves").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        publicRequest.run();
                        return cluster.management("/_/health").statusCode() == 200;
                    });

            List<Long> after = cluster.workerPids();
            assertNotEquals(before.get(0), after.get(0), "worker 1 has a new pid");
            assertEquals(before.get(1), after.get(1), "worker 2 was left alone");
            assertTrue(ProcessHandle.of(before.get(0)).isEmpty() || !ProcessHandle.of(before.get(0)).get().isAlive());
            Map<String, Object> worker1 = cluster.workers().get(0);
            assertEquals(1, worker1.get("restarts"));
            assertEquals(137, worker1.get("lastExitCode"), "128 + SIGKILL");
            assertTrue(served.get() > 10, "requests kept being served: " + served.get());
            assertEquals(0, failed.get(), "the surviving worker served every request");
            assertTrue(cluster.management("/metrics").body().contains("hivelite_worker_restarts_total{worker=\"1\"} 1"));

            long newPid = after.get(0);
            await("the new worker answers on the shared port").atMost(Duration.ofSeconds(10)).until(() -> {
                var body = dev.hivelite.node.common.Json.mapper().readValue(cluster.publicGet("/_/health").body(), Map.class);
                return ((Number) body.get("pid")).longValue() == newPid;
            });
        }
    }
}
