package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.Json;

/** Superuser sessions are coherent across workers: a token works, and stops working, everywhere. */
class SuperuserClusterIT {

    private static final String AUTH = "/api/collections/_superusers/auth-with-password";

    @TempDir
    Path tmp;

    private static String login(CoordinatorProcess cluster, String email, String password) throws Exception {
        CoordinatorProcess.Served served = cluster.onFreshConnection("POST", AUTH,
                "{\"identity\":\"" + email + "\",\"password\":\"" + password + "\"}", null);
        assertEquals(200, served.status(), served.body());
        return (String) Json.mapper().readValue(served.body(), Map.class).get("token");
    }

    @Test
    void sessionsAndThrottlingAreCoherentAcrossWorkers() throws Exception {
        Path data = tmp.resolve("data");
        var cli = CoordinatorProcess.run(tmp, List.of("superuser", "upsert", "root@example.com", "root-password", "--dir", data.toString()));
        assertEquals(0, cli.exitCode(), cli.output());
        assertTrue(cli.output().contains("Successfully saved superuser \"root@example.com\"!"));

        try (CoordinatorProcess cluster = CoordinatorProcess.start(data, 2)) {
            String token = login(cluster, "root@example.com", "root-password");
            cluster.onEveryWorker("GET", "/api/superusers", null, token)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 200), pid + " " + codes));

            assertEquals(204, cluster.onFreshConnection("POST", "/api/superusers/logout", null, token).status());
            cluster.onEveryWorker("GET", "/api/superusers", null, token)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 401), "worker " + pid + " refuses a logged-out token: " + codes));

            var whileRunning = CoordinatorProcess.run(tmp, List.of("superuser", "upsert", "ops@example.com", "ops-password",
                    "--dir", data.toString()));
            assertEquals(0, whileRunning.exitCode(), "the CLI works while the cluster runs: " + whileRunning.output());
            String opsToken = login(cluster, "ops@example.com", "ops-password");
            cluster.onEveryWorker("GET", "/api/superusers", null, "Bearer " + opsToken)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 200), pid + " " + codes));

            String wrong = "{\"identity\":\"ops@example.com\",\"password\":\"wrong-password\"}";
            java.util.Set<Long> failedOn = new java.util.HashSet<>();
            for (int i = 0; i < 10; i++) {
                CoordinatorProcess.Served served = cluster.onFreshConnection("POST", AUTH, wrong, null);
                assertEquals(400, served.status(), served.body());
                failedOn.add(served.pid());
            }
            cluster.onEveryWorker("POST", AUTH, "{\"identity\":\"ops@example.com\",\"password\":\"ops-password\"}", null)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 429),
                            "worker " + pid + " counts failures made on " + failedOn + ": " + codes));
        }
    }
}
