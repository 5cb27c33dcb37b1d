package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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

    /** The answer to one request, and the pid of the worker that served it. */
    record Served(long pid, int status, String body) {
    }

    /**
     * Sends {@code method path} on a fresh connection, after a health request on that same connection
     * tells which worker holds it.
     */
    private static Served onFreshConnection(CoordinatorProcess cluster, String method, String path, String body,
                                            String token) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort + "/_/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long pid = ((Number) Json.mapper().readValue(health.body(), Map.class).get("pid")).longValue();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json");
            if (token != null) {
                request.header("Authorization", token);
            }
            var response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Served(pid, response.statusCode(), response.body());
        }
    }

    /** Repeats a request on fresh connections until both workers answered; returns each worker's status codes. */
    private static Map<Long, List<Integer>> onEveryWorker(CoordinatorProcess cluster, String method, String path,
                                                          String body, String token) throws Exception {
        Map<Long, List<Integer>> statuses = new HashMap<>();
        for (int i = 0; i < 200 && statuses.size() < 2; i++) {
            Served served = onFreshConnection(cluster, method, path, body, token);
            statuses.computeIfAbsent(served.pid(), k -> new java.util.ArrayList<>()).add(served.status());
        }
        assertEquals(2, statuses.size(), "both workers answered");
        return statuses;
    }

    private static String login(CoordinatorProcess cluster, String email, String password) throws Exception {
        Served served = onFreshConnection(cluster, "POST", AUTH,
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
            onEveryWorker(cluster, "GET", "/api/superusers", null, token)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 200), pid + " " + codes));

            assertEquals(204, onFreshConnection(cluster, "POST", "/api/superusers/logout", null, token).status());
            onEveryWorker(cluster, "GET", "/api/superusers", null, token)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 401), "worker " + pid + " refuses a logged-out token: " + codes));

            var whileRunning = CoordinatorProcess.run(tmp, List.of("superuser", "upsert", "ops@example.com", "ops-password",
                    "--dir", data.toString()));
            assertEquals(0, whileRunning.exitCode(), "the CLI works while the cluster runs: " + whileRunning.output());
            String opsToken = login(cluster, "ops@example.com", "ops-password");
            onEveryWorker(cluster, "GET", "/api/superusers", null, "Bearer " + opsToken)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 200), pid + " " + codes));

            String wrong = "{\"identity\":\"ops@example.com\",\"password\":\"wrong-password\"}";
            java.util.Set<Long> failedOn = new java.util.HashSet<>();
            for (int i = 0; i < 10; i++) {
                Served served = onFreshConnection(cluster, "POST", AUTH, wrong, null);
                assertEquals(400, served.status(), served.body());
                failedOn.add(served.pid());
            }
            onEveryWorker(cluster, "POST", AUTH, "{\"identity\":\"ops@example.com\",\"password\":\"ops-password\"}", null)
                    .forEach((pid, codes) -> assertTrue(codes.stream().allMatch(c -> c == 429),
                            "worker " + pid + " counts failures made on " + failedOn + ": " + codes));
        }
    }
}
