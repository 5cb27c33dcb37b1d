package dev.hivelite.node.platform;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.ApiScenario;
import dev.hivelite.node.TestWorker;

/** GET /api/analytics and the per-database /metrics series, after real traffic on a real worker. */
class AnalyticsApiTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static String statsKey;
    private static String otherKey;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        for (String name : List.of("stats", "quiet")) {
            assertEquals(200, worker.send("POST", "/api/databases", "{\"name\":\"" + name + "\"}", su()).statusCode());
        }
        statsKey = (String) TestWorker.json(worker.send("POST", "/api/databases/stats/keys", "{\"label\":\"a\"}", su())).get("key");
        otherKey = (String) TestWorker.json(worker.send("POST", "/api/databases/quiet/keys", "{\"label\":\"b\"}", su())).get("key");
        sql("CREATE TABLE t (v INTEGER)", 200);
        for (int i = 0; i < 7; i++) {
            sql("INSERT INTO t VALUES (" + i + ")", 200);
        }
        sql("SELECT * FROM missing_table", 400);
        sql("SELEKT nonsense", 400);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Map<String, String> su() {
        return Map.of("Authorization", token);
    }

    private static void sql(String sql, int status) throws Exception {
        HttpResponse<String> r = worker.send("POST", "/api/databases/stats/query",
                dev.hivelite.node.common.Json.mapper().writeValueAsString(Map.of("sql", sql)), su());
        assertEquals(status, r.statusCode(), r.body());
    }

    @SuppressWarnings("unchecked")
    @Test
    void countsEveryRequestQueryAndErrorOfTheDatabase() throws Exception {
        HttpResponse<String> r = worker.send("GET", "/api/analytics?database=stats&range=24h", null, su());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> body = TestWorker.json(r);
        Map<String, Object> totals = (Map<String, Object>) body.get("totals");
        assertEquals(10, ((Number) totals.get("requests")).intValue(), r.body());
        assertEquals(10, ((Number) totals.get("queries")).intValue(), r.body());
        assertEquals(2, ((Number) totals.get("errors")).intValue(), r.body());
        assertNotNull(totals.get("p50Ms"));
        assertNotNull(totals.get("p99Ms"));
        assertTrue(((Number) totals.get("size")).longValue() > 0);
        List<Map<String, Object>> items = (List<Map<String, Object>>) body.get("items");
        assertEquals(24, items.size());
        assertEquals(10, ((Number) items.getLast().get("requests")).intValue(), "this hour holds the traffic");
        assertEquals("1h", body.get("interval"));

        Map<String, Object> week = TestWorker.json(worker.send("GET", "/api/analytics?database=stats&range=7d", null, su()));
        assertEquals(168, ((List<?>) week.get("items")).size());
        Map<String, Object> quiet = TestWorker.json(worker.send("GET", "/api/analytics?database=quiet", null, su()));
        assertEquals(0, ((Number) ((Map<String, Object>) quiet.get("totals")).get("requests")).intValue());
        Map<String, Object> instance = TestWorker.json(worker.send("GET", "/api/analytics?range=30d", null, su()));
        assertEquals(720, ((List<?>) instance.get("items")).size());
        assertTrue(((Number) ((Map<String, Object>) instance.get("totals")).get("requests")).intValue() >= 10);
    }

    @Test
    void metricsCarryALabelPerDatabase() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + worker.worker.privatePort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("hivelite_database_queries_total{database=\"stats\"} 10"), metrics);
            assertTrue(metrics.contains("hivelite_database_errors_total{database=\"stats\"} 2"), metrics);
            assertTrue(metrics.contains("hivelite_database_requests_total{database=\"_other\"} 0"), metrics);
            assertTrue(metrics.contains("hivelite_database_request_duration_seconds_bucket{database=\"stats\",le=\"+Inf\"}"),
                    metrics);
        }
    }

    static Stream<ApiScenario> scenarios() {
        return Stream.of(
                ApiScenario.of("anonymous", "GET", "/api/analytics?database=stats", null, Map.of(), 401,
                        List.of("\"status\":401")),
                ApiScenario.of("own key", "GET", "/api/analytics?database=stats", null,
                        Map.of("Authorization", "Bearer {statsKey}"), 200, List.of("\"database\":\"stats\"")),
                ApiScenario.of("other database's key", "GET", "/api/analytics?database=stats", null,
                        Map.of("Authorization", "Bearer {otherKey}"), 403, List.of("\"status\":403")),
                ApiScenario.of("key, whole instance", "GET", "/api/analytics", null,
                        Map.of("Authorization", "Bearer {statsKey}"), 403, List.of("\"status\":403")),
                ApiScenario.of("unknown database", "GET", "/api/analytics?database=nope", null,
                        Map.of("Authorization", "{token}"), 404, List.of("\"status\":404")),
                ApiScenario.of("bad range", "GET", "/api/analytics?database=stats&range=1y", null,
                        Map.of("Authorization", "{token}"), 400, List.of("\"range\":{\"code\":\"validation_invalid_value\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(ApiScenario scenario) throws Exception {
        scenario.run(worker, s -> s.replace("{token}", token).replace("{statsKey}", statsKey).replace("{otherKey}", otherKey));
    }
}
