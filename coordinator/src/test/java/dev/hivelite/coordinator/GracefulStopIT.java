package dev.hivelite.coordinator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM drains in-flight requests; SIGKILL of the coordinator leaves no orphan. */
class GracefulStopIT {

    private static final Pattern IN_FLIGHT = Pattern.compile("hivelite_http_requests_in_flight\\{worker=\"\\d\"} (\\d+)");

    @TempDir
    Path tmp;

    private static int inFlight(CoordinatorProcess cluster) throws Exception {
        Matcher m = IN_FLIGHT.matcher(cluster.management("/metrics").body());
        int total = 0;
        while (m.find()) {
            total += Integer.parseInt(m.group(1));
        }
        return total;
    }

    @Test
    void sigtermLetsASlowInFlightRequestFinishThenExitsZero() throws Exception {
        try (CoordinatorProcess cluster = CoordinatorProcess.start(tmp.resolve("data"), 2, "--debug-routes");
             HttpClient client = HttpClient.newHttpClient()) {
            List<ProcessHandle> workers = cluster.workerProcesses();
            assertEquals(2, workers.size());
            CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort + "/_/debug/sleep?ms=2500"))
                            .timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            await("the slow request is in flight").atMost(Duration.ofSeconds(10)).until(() -> inFlight(cluster) >= 1);

            long signalled = System.nanoTime();
            cluster.process.destroy(); // SIGTERM

            HttpResponse<String> response = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("slept 2500 ms", response.body());
            assertTrue(cluster.process.waitFor(40, TimeUnit.SECONDS), "the coordinator exits");
            assertEquals(0, cluster.process.exitValue(), cluster.logText());
            assertTrue(System.nanoTime() - signalled < TimeUnit.SECONDS.toNanos(30), "no worker waited for the kill");
            workers.forEach(w -> assertFalse(w.isAlive(), "worker pid " + w.pid() + " is gone"));
            assertTrue(cluster.logText().contains("[w1]") && cluster.logText().contains("worker 1 stopped"),
                    "worker output reaches the coordinator's log, prefixed, through the drain");
        }
    }

    @Test
    void sigkillOfTheCoordinatorLeavesNoWorker() throws Exception {
        try (CoordinatorProcess cluster = CoordinatorProcess.start(tmp.resolve("data"), 2)) {
            List<ProcessHandle> workers = cluster.workerProcesses();
            assertEquals(2, workers.size());
            cluster.process.destroyForcibly();
            await("every worker notices and exits").atMost(Duration.ofSeconds(15))
                    .until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));
        }
    }
}
