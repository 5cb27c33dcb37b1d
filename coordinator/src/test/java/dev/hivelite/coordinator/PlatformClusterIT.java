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

    @Test
    void keysAndDatabasesAreCoherentAcrossWorkers() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, CoordinatorProcess.run(tmp, List.of("superuser", "upsert", "root@example.com", "root-password",
                "--dir", data.toString())).exitCode());
        try (CoordinatorProcess cluster = CoordinatorProcess.start(data, 2)) {
            var login = cluster.onFreshConnection("POST", "/api/collections/_superusers/auth-with-password",
                    "{\"identity\":\"root@example.com\",\"password\":\"root-password\"}", null);
            String token = (String) Json.mapper().readValue(login.body(), Map.class).get("token");

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
            assertTrue(activity.contains("database.create") && activity.contains("key.revoke")
                    && activity.contains("database.delete"), activity);
            assertFalse(activity.contains("workersNotAcknowledged"), "every worker acknowledged closing it: " + activity);
        }
    }
}
