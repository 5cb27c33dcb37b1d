package dev.hivelite.node.platform;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.ApiScenario;
import dev.hivelite.node.TestWorker;

/** /api/databases and /api/databases/{name}/keys over real HTTP on a real worker. */
class DatabaseApiTest {

    private static final String VALIDATION = "An error occurred while validating the submitted data.";
    private static final String NEEDS_SUPERUSER = "The request requires valid superuser authorization token to be set.";
    private static final String KEY_FORBIDDEN = "The authorized API key is not allowed to perform this action.";

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    /** A key of database "alpha"; "beta" is another database. */
    private static String alphaKey;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assertEquals(200, send("POST", "/api/databases", "{\"name\":\"alpha\"}").statusCode());
        assertEquals(200, send("POST", "/api/databases", "{\"name\":\"beta\",\"group\":\"tenants\"}").statusCode());
        alphaKey = (String) TestWorker.json(send("POST", "/api/databases/alpha/keys", "{\"label\":\"ci\"}")).get("key");
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static java.net.http.HttpResponse<String> send(String method, String path, String body) throws Exception {
        return worker.send(method, path, body, Map.of("Authorization", token));
    }

    private static String fill(String s) {
        return s.replace("{token}", token).replace("{alphaKey}", alphaKey);
    }

    static Stream<ApiScenario> scenarios() {
        Map<String, String> none = Map.of();
        Map<String, String> su = Map.of("Authorization", "{token}");
        Map<String, String> key = Map.of("Authorization", "Bearer {alphaKey}");
        return Stream.of(
                ApiScenario.of("list: none", "GET", "/api/databases", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("list: key", "GET", "/api/databases", null, key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("list: superuser", "GET", "/api/databases", null, su, 200,
                        List.of("\"name\":\"main\"", "\"name\":\"alpha\"", "\"name\":\"beta\"", "\"group\":\"tenants\"",
                                "\"totalItems\":", "\"size\":", "\"readOnly\":false", "\"corsOrigins\":[]")),
                ApiScenario.of("create: none", "POST", "/api/databases", "{\"name\":\"x1\"}", none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("create: key", "POST", "/api/databases", "{\"name\":\"x2\"}", key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("create: missing name", "POST", "/api/databases", "{}", su, 400,
                        List.of(VALIDATION, "\"name\":{\"code\":\"validation_required\"")),
                ApiScenario.of("create: bad name", "POST", "/api/databases", "{\"name\":\"Bad Name\"}", su, 400,
                        List.of("\"name\":{\"code\":\"validation_invalid_format\"")),
                ApiScenario.of("create: name starting with -", "POST", "/api/databases", "{\"name\":\"-x\"}", su, 400,
                        List.of("validation_invalid_format")),
                ApiScenario.of("create: name of 64 chars", "POST", "/api/databases", "{\"name\":\"" + "a".repeat(64) + "\"}", su, 400,
                        List.of("validation_invalid_format")),
                ApiScenario.of("create: taken name", "POST", "/api/databases", "{\"name\":\"alpha\"}", su, 400,
                        List.of("\"name\":{\"code\":\"validation_not_unique\"")),
                ApiScenario.of("create: malformed json", "POST", "/api/databases", "{\"name\":", su, 400,
                        List.of("Failed to load the submitted data due to invalid formatting.")),
                ApiScenario.of("create: readOnly not boolean", "POST", "/api/databases", "{\"name\":\"ro1\",\"readOnly\":\"yes\"}", su, 400,
                        List.of("\"readOnly\":{\"code\":\"validation_invalid_type\"")),
                ApiScenario.of("create: bad cors origin", "POST", "/api/databases",
                        "{\"name\":\"c1\",\"corsOrigins\":[\"javascript:alert(1)\"]}", su, 400,
                        List.of("\"corsOrigins\":{\"code\":\"validation_invalid_value\"")),
                ApiScenario.of("create: ok with settings", "POST", "/api/databases",
                        "{\"name\":\"gamma_1\",\"group\":\"g\",\"readOnly\":true,\"corsOrigins\":[\"https://app.example.com\"]}", su, 200,
                        List.of("\"name\":\"gamma_1\"", "\"readOnly\":true", "\"corsOrigins\":[\"https://app.example.com\"]", "\"id\":\"")),
                ApiScenario.of("view: none", "GET", "/api/databases/alpha", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("view: own key", "GET", "/api/databases/alpha", null, key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("view: other database with key", "GET", "/api/databases/beta", null, key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("view: missing", "GET", "/api/databases/nope", null, su, 404, List.of("\"status\":404")),
                ApiScenario.of("view: ok", "GET", "/api/databases/beta", null, su, 200, List.of("\"name\":\"beta\"")),
                ApiScenario.of("update: key", "PATCH", "/api/databases/alpha", "{\"readOnly\":true}", key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("update: missing", "PATCH", "/api/databases/nope", "{\"readOnly\":true}", su, 404, List.of("\"status\":404")),
                ApiScenario.of("update: rename to taken", "PATCH", "/api/databases/beta", "{\"name\":\"alpha\"}", su, 400,
                        List.of("validation_not_unique")),
                ApiScenario.of("update: rename main", "PATCH", "/api/databases/main", "{\"name\":\"primary\"}", su, 400,
                        List.of("The main database cannot be renamed.")),
                ApiScenario.of("delete: none", "DELETE", "/api/databases/beta", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("delete: key", "DELETE", "/api/databases/alpha", null, key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("delete: main", "DELETE", "/api/databases/main", null, su, 400,
                        List.of("The main database cannot be deleted.")),
                ApiScenario.of("delete: missing", "DELETE", "/api/databases/nope", null, su, 404, List.of("\"status\":404")),
                ApiScenario.of("keys list: key", "GET", "/api/databases/alpha/keys", null, key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("keys list: superuser", "GET", "/api/databases/alpha/keys", null, su, 200,
                        List.of("\"label\":\"ci\"", "\"created\":", "\"lastUsed\":")).notExpecting("{alphaKey}", "hl_", "secret"),
                ApiScenario.of("keys create: missing label", "POST", "/api/databases/alpha/keys", "{}", su, 400,
                        List.of("\"label\":{\"code\":\"validation_required\"")),
                ApiScenario.of("keys create: missing database", "POST", "/api/databases/nope/keys", "{\"label\":\"x\"}", su, 404,
                        List.of("\"status\":404")),
                ApiScenario.of("keys create: ok shows the secret once", "POST", "/api/databases/beta/keys", "{\"label\":\"web\"}", su, 200,
                        List.of("\"key\":\"hl_", "\"label\":\"web\"")),
                ApiScenario.of("keys rotate: missing key", "POST", "/api/databases/alpha/keys/nope/rotate", null, su, 404,
                        List.of("\"status\":404")),
                ApiScenario.of("keys revoke: missing key", "DELETE", "/api/databases/alpha/keys/nope", null, su, 404,
                        List.of("\"status\":404")),
                ApiScenario.of("superusers: key", "GET", "/api/superusers", null, key, 403, List.of(KEY_FORBIDDEN)),
                ApiScenario.of("activity: key", "GET", "/api/activity", null, key, 403, List.of(KEY_FORBIDDEN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(ApiScenario scenario) throws Exception {
        scenario.run(worker, DatabaseApiTest::fill);
    }

    @Test
    void aDatabaseIsAFolderWithItsOwnSqliteFileAndMainExists() throws Exception {
        var main = TestWorker.json(send("GET", "/api/databases/main", null));
        assertTrue(Files.isRegularFile(dataDir.resolve("databases").resolve((String) main.get("id")).resolve("data.db")));
        var created = TestWorker.json(send("POST", "/api/databases", "{\"name\":\"folders\"}"));
        Path folder = dataDir.resolve("databases").resolve((String) created.get("id"));
        assertTrue(Files.isRegularFile(folder.resolve("data.db")));
        assertTrue(Files.isDirectory(folder.resolve("storage")));
    }

    @Test
    void renameKeepsTheIdAndTheFiles() throws Exception {
        var created = TestWorker.json(send("POST", "/api/databases", "{\"name\":\"before\"}"));
        var renamed = TestWorker.json(send("PATCH", "/api/databases/before", "{\"name\":\"after\",\"readOnly\":true}"));
        assertEquals(created.get("id"), renamed.get("id"));
        assertEquals(true, renamed.get("readOnly"));
        assertEquals(404, send("GET", "/api/databases/before", null).statusCode());
        assertEquals(200, send("GET", "/api/databases/after", null).statusCode());
        assertTrue(Files.isRegularFile(dataDir.resolve("databases").resolve((String) created.get("id")).resolve("data.db")));
    }

    @Test
    void deleteRemovesFilesAndKeysAndRacingRequestsSee404() throws Exception {
        var created = TestWorker.json(send("POST", "/api/databases", "{\"name\":\"doomed\"}"));
        String key = (String) TestWorker.json(send("POST", "/api/databases/doomed/keys", "{\"label\":\"k\"}")).get("key");
        assertEquals(403, worker.send("GET", "/api/databases", null, Map.of("Authorization", key)).statusCode(), "valid key");
        try (ExecutorService racers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> views = Stream.generate(() -> racers.submit(() -> send("GET", "/api/databases/doomed", null).statusCode()))
                    .limit(20).toList();
            assertEquals(204, send("DELETE", "/api/databases/doomed", null).statusCode());
            for (Future<Integer> view : views) {
                assertTrue(List.of(200, 404).contains(view.get()), "never a 5xx: " + view.get());
            }
        }
        assertEquals(404, send("GET", "/api/databases/doomed", null).statusCode());
        assertFalse(Files.exists(dataDir.resolve("databases").resolve((String) created.get("id"))), "files removed, not recreated");
        assertEquals(401, worker.send("GET", "/api/databases", null, Map.of("Authorization", key)).statusCode(),
                "the deleted database's key is gone");
    }

    @Test
    void rotateReplacesTheSecretAndRevokeEndsIt() throws Exception {
        var issued = TestWorker.json(send("POST", "/api/databases/beta/keys", "{\"label\":\"rotating\"}"));
        String first = (String) issued.get("key");
        assertTrue(first.matches("hl_[A-Za-z0-9]{32}"), first);
        assertEquals(403, worker.send("GET", "/api/databases", null, Map.of("Authorization", "Bearer " + first)).statusCode());
        var rotated = TestWorker.json(send("POST", "/api/databases/beta/keys/" + issued.get("id") + "/rotate", null));
        assertEquals(issued.get("id"), rotated.get("id"), "same id");
        String second = (String) rotated.get("key");
        assertEquals(401, worker.send("GET", "/api/databases", null, Map.of("Authorization", "Bearer " + first)).statusCode(),
                "the old secret is dead");
        assertEquals(403, worker.send("GET", "/api/databases", null, Map.of("Authorization", "Bearer " + second)).statusCode());
        assertEquals(204, send("DELETE", "/api/databases/beta/keys/" + issued.get("id"), null).statusCode());
        assertEquals(401, worker.send("GET", "/api/databases", null, Map.of("Authorization", "Bearer " + second)).statusCode(),
                "revoked");
        String audit = send("GET", "/api/activity?database=" + TestWorker.json(send("GET", "/api/databases/beta", null)).get("id"), null).body();
        assertTrue(audit.contains("key.create") && audit.contains("key.rotate") && audit.contains("key.revoke"), audit);
        assertFalse(audit.contains(first) || audit.contains(second), "secrets never reach the audit log");
    }
}
