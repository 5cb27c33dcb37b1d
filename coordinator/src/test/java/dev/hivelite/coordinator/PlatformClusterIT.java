package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.Json;

/** Databases and API keys are coherent across workers: a revoked key fails everywhere at once. */
class PlatformClusterIT {

    @TempDir
    Path tmp;

    /** A 2-worker cluster whose data dir already holds root@example.com (created with the CLI). */
    private CoordinatorProcess startWithSuperuser(Path data) throws Exception {
        assertEquals(0, CoordinatorProcess.run(tmp, List.of("superuser", "upsert", "root@example.com", "root-password",
                "--dir", data.toString())).exitCode());
        return CoordinatorProcess.start(data, 2);
    }

    private static String login(CoordinatorProcess cluster) throws Exception {
        var login = cluster.onFreshConnection("POST", "/api/collections/_superusers/auth-with-password",
                "{\"identity\":\"root@example.com\",\"password\":\"root-password\"}", null);
        assertEquals(200, login.status(), login.body());
        return (String) Json.mapper().readValue(login.body(), Map.class).get("token");
    }

    @Test
    void keysAndDatabasesAreCoherentAcrossWorkers() throws Exception {
        Path data = tmp.resolve("data");
        try (CoordinatorProcess cluster = startWithSuperuser(data)) {
            String token = login(cluster);

            var created = cluster.onFreshConnection("POST", "/api/databases", "{\"name\":\"acme\"}", token);
            assertEquals(200, created.status(), created.body());
            String id = (String) Json.mapper().readValue(created.body(), Map.class).get("id");
            cluster.onEveryWorker("GET", "/api/databases/acme", null, token)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 200), pid + " sees acme: " + codes));

            var issued = cluster.onFreshConnection("POST", "/api/databases/acme/keys", "{\"label\":\"ci\"}", token);
            String key = (String) Json.mapper().readValue(issued.body(), Map.class).get("key");
            String keyId = (String) Json.mapper().readValue(issued.body(), Map.class).get("id");
            cluster.onEveryWorker("GET", "/api/databases", null, "Bearer " + key)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 403),
                            "worker " + pid + " knows the key (and keeps it off platform routes): " + codes));

            assertEquals(204, cluster.onFreshConnection("DELETE", "/api/databases/acme/keys/" + keyId, null, token).status());
            cluster.onEveryWorker("GET", "/api/databases", null, "Bearer " + key)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 401),
                            "worker " + pid + " refuses the revoked key at once: " + codes));

            var deleted = cluster.onFreshConnection("DELETE", "/api/databases/acme", null, token);
            assertEquals(204, deleted.status(), deleted.body());
            cluster.onEveryWorker("GET", "/api/databases/acme", null, token)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 404), pid + ": " + codes));
            assertFalse(Files.exists(data.resolve("databases").resolve(id)), "files removed after every worker let go");
            String activity = cluster.onFreshConnection("GET", "/api/activity?database=" + id, null, token).body();
            assertTrue(activity.contains("\"keyId\":\"" + keyId + "\""), "ids are not secrets: " + activity);
            assertFalse(activity.contains(key), "the key's secret never reaches the log");
            assertTrue(activity.contains("database.create") && activity.contains("key.revoke")
                    && activity.contains("database.delete"), activity);
            assertFalse(activity.contains("workersNotAcknowledged"), "every worker acknowledged closing it: " + activity);
        }
    }

    @Test
    void twoWorkersWritingOneDatabaseLoseNothingAndNeverFail() throws Exception {
        Path data = tmp.resolve("data");
        try (CoordinatorProcess cluster = startWithSuperuser(data)) {
            String token = login(cluster);
            assertEquals(200, cluster.onFreshConnection("POST", "/api/databases", "{\"name\":\"shared\"}", token).status());
            String key = (String) Json.mapper().readValue(cluster.onFreshConnection("POST", "/api/databases/shared/keys",
                    "{\"label\":\"load\"}", token).body(), Map.class).get("key");
            assertEquals(200, cluster.onFreshConnection("POST", "/api/databases/shared/query",
                    "{\"sql\":\"CREATE TABLE hits (id INTEGER PRIMARY KEY, client INTEGER, n INTEGER)\"}", "Bearer " + key).status());

            // Each client is one connection, placed by the kernel's SO_REUSEPORT hash: with 8 of them all
            // landed on one worker once in a while (1 in 128); with 16, 1 in 32,768.
            int clients = 16;
            int perClient = 75;
            java.util.Set<Long> workersUsed = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            List<String> failureSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    pool.submit(() -> {
                        try (var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
                            var base = "http://127.0.0.1:" + cluster.httpPort;
                            var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/_/health")).build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                            workersUsed.add(((Number) Json.mapper().readValue(health.body(), Map.class).get("pid")).longValue());
                            for (int n = 0; n < perClient; n++) {
                                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/databases/shared/query"))
                                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                                "{\"sql\":\"INSERT INTO hits (client, n) VALUES (?, ?)\",\"params\":[" + client + "," + n + "]}"))
                                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                                if (response.statusCode() != 200) {
                                    failures.incrementAndGet();
                                    failureSamples.add(response.statusCode() + " " + response.body());
                                }
                            }
                        }
                        return null;
                    });
                }
            }
            assertEquals(0, failures.get(), "every write answered 200: " + failureSamples.stream().limit(3).toList());
            var count = cluster.onFreshConnection("POST", "/api/databases/shared/query",
                    "{\"sql\":\"SELECT count(*), count(DISTINCT client || '-' || n) FROM hits\"}", "Bearer " + key);
            assertTrue(count.body().contains("[[" + clients * perClient + "," + clients * perClient + "]]"),
                    "no write lost, none doubled: " + count.body());
            assertEquals(2, workersUsed.size(), "both workers wrote (clients were spread over " + workersUsed + ")");
        }
    }
}
