package dev.hivelite.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Version;

/** One real worker in this JVM: real sockets, a real system.db, a one-member Hazelcast cluster. */
class WorkerTest {

    @TempDir
    static Path dataDir;

    private static Worker worker;
    private static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        WorkerConfig config = new WorkerConfig(7, "127.0.0.1", 0, 0, dataDir, Duration.ofSeconds(5),
                "worker-test-" + ProcessHandle.current().pid(), freePort(), List.of(), 1, OptionalLong.empty(),
                false, 256, WorkerConfig.DEFAULT_IMPORT_MAX, false);
        worker = Worker.start(config, new Worker.Secrets(null, null, null), Clock.systemUTC());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        worker.close();
        client.close();
    }

    /**
     * A worker whose private port is taken fails to start (and so exits, for the coordinator to start it
     * again on another port), rather than serving without the port its readiness is probed on.
     */
    @Test
    void aWorkerWhosePrivatePortIsTakenFailsToStart(@TempDir Path otherDir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            WorkerConfig config = new WorkerConfig(8, "127.0.0.1", 0, taken.getLocalPort(), otherDir, Duration.ofSeconds(1),
                    "worker-test-taken-" + ProcessHandle.current().pid(), freePort(), List.of(), 1, OptionalLong.empty(),
                    false, 256, WorkerConfig.DEFAULT_IMPORT_MAX, false);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Worker.start(config, new Worker.Secrets(null, null, null), Clock.systemUTC()));
            assertTrue(e.getMessage().contains("did not bind"), e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> send(String method, int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readValue(response.body(), new TypeReference<>() { });
    }

    @Test
    void healthAnswersForThisWorker() throws Exception {
        HttpResponse<String> response = send("GET", worker.port(), "/_/health");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        Map<String, Object> body = json(response);
        assertEquals("ok", body.get("status"));
        assertEquals(7, body.get("workerId"));
        assertEquals(ProcessHandle.current().pid(), ((Number) body.get("pid")).longValue());
        assertEquals(Version.current(), body.get("version"));
        assertTrue(((Number) body.get("uptimeSeconds")).longValue() >= 0);
        assertTrue(body.containsKey("hazelcastMembers"));
        assertTrue(List.of("joining", "joined").contains(body.get("hazelcast")), body.toString());
    }

    @Test
    void healthAnswersHeadWithHeadersOnly() throws Exception {
        HttpResponse<String> get = send("GET", worker.port(), "/_/health");
        HttpResponse<String> head = send("HEAD", worker.port(), "/_/health");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("application/json", head.headers().firstValue("content-type").orElseThrow());
        assertTrue(head.headers().firstValueAsLong("content-length").orElseThrow() > 0);
        assertTrue(get.body().length() > 0);
    }

    @Test
    void unknownRoutesGetPocketBaseShapedJson404() throws Exception {
        HttpResponse<String> response = send("GET", worker.port(), "/no/such/thing?x=1");
        assertEquals(404, response.statusCode());
        assertEquals(Map.of("status", 404, "message", "The requested resource wasn't found.", "data", Map.of()),
                json(response));
    }

    @Test
    void dashboardIsServedUnderUnderscore() throws Exception {
        HttpResponse<String> response = send("GET", worker.port(), "/_/");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(response.body().contains("<title>Hivelite</title>"));
    }

    @Test
    void diagnosticRoutesAreOffByDefault() throws Exception {
        assertEquals(404, send("GET", worker.port(), "/_/debug/sleep?ms=1").statusCode());
    }

    @Test
    void aWorkerJoinsTheClusterBeforeItTakesPublicTraffic() throws Exception {
        WorkerConfig config = new WorkerConfig(8, "127.0.0.1", 0, 0, dataDir, Duration.ofSeconds(5),
                "worker-test-join-" + ProcessHandle.current().pid(), freePort(), List.of(), 1, OptionalLong.empty(),
                false, 256, WorkerConfig.DEFAULT_IMPORT_MAX, false);
        try (Worker fresh = Worker.start(config, new Worker.Secrets(null, null, null), Clock.systemUTC())) {
            // The very first answer on the public port: a worker serving before its join would say "joining",
            // and what it changed then would reach no other worker's caches or subscribers.
            Map<String, Object> health = json(send("GET", fresh.port(), "/_/health"));
            assertEquals("joined", health.get("hazelcast"), health.toString());
        }
    }

    @Test
    void readinessWaitsForTheClusterJoin() {
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", worker.privatePort(), "/_/ready").statusCode() == 200);
    }

    @Test
    void metricsLiveOnThePrivatePortOnlyAndLabelRouteTemplates() throws Exception {
        send("GET", worker.port(), "/_/health");
        send("GET", worker.port(), "/some/random/path/123");
        assertEquals(404, send("GET", worker.port(), "/metrics").statusCode(), "metrics are not public");
        String metrics = send("GET", worker.privatePort(), "/metrics").body();
        assertTrue(metrics.contains("http_server_requests_seconds_count{method=\"GET\",route=\"/_/health\",status=\"200\"}"),
                metrics);
        assertTrue(metrics.contains("route=\"unmatched\",status=\"404\""), metrics);
        assertFalse(metrics.contains("/some/random/path"), "raw paths never become labels");
        assertTrue(metrics.contains("process_resident_memory_bytes"));
        assertTrue(metrics.contains("jvm_memory_used_bytes"));
        assertTrue(metrics.contains("hivelite_hazelcast_members"));
    }
}
