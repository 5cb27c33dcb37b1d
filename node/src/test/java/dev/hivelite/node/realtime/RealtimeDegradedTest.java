package dev.hivelite.node.realtime;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * Hazelcast gone under a running worker (terminated, as when it shuts itself down after a failed
 * merge): writes still succeed, this worker's own subscribers still get their events, and health and
 * metrics say realtime is degraded.
 */
class RealtimeDegradedTest {

    @TempDir
    Path dataDir;

    @Test
    void withoutTheClusterWritesSucceedLocalSubscribersHearAndHealthSaysDegraded() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir); HttpClient http = HttpClient.newHttpClient()) {
            String token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            Map<String, String> su = Map.of("Authorization", token);
            assertEquals(200, worker.send("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", su).statusCode());
            // The join runs in the background after start.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> "ok".equals(health(worker).get("realtime").asText()));
            assertTrue(metrics(http, worker).contains("hivelite_realtime_degraded 0"));

            // The worker's own Hazelcast member: the only instance in this test's JVM at this point.
            com.hazelcast.core.Hazelcast.getAllHazelcastInstances().forEach(h -> h.getLifecycleService().terminate());

            JsonNode health = health(worker);
            assertEquals("degraded", health.get("realtime").asText(), health.toString());
            assertEquals("failed", health.get("hazelcast").asText(), health.toString());
            assertTrue(metrics(http, worker).contains("hivelite_realtime_degraded 1"));

            try (RealtimeApiTest.Stream stream = new RealtimeApiTest.Stream(
                    URI.create("http://127.0.0.1:" + worker.worker.port() + "/api/realtime"))) {
                String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
                String body = Json.mapper().writeValueAsString(Map.of("clientId", clientId, "subscriptions", List.of("notes/*")));
                assertEquals(204, worker.send("POST", "/api/realtime", body, Map.of()).statusCode());
                HttpResponse<String> created = worker.send("POST", "/api/collections/notes/records", "{\"text\":\"alone\"}", su);
                assertEquals(200, created.statusCode(), created.body());
                JsonNode event = Json.mapper().readTree(stream.next().data());
                assertEquals("create", event.get("action").asText());
                assertEquals("alone", event.get("record").get("text").asText());
            }
        }
    }

    private static JsonNode health(TestWorker worker) throws Exception {
        return Json.mapper().readTree(worker.send("GET", "/_/health", null, Map.of()).body());
    }

    private static String metrics(HttpClient http, TestWorker worker) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.worker.privatePort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
