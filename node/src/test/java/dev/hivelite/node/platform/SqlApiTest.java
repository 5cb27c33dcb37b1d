package dev.hivelite.node.platform;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** POST /api/databases/{name}/query over real HTTP on a real worker. */
class SqlApiTest {

    private static final String NEEDS_SUPERUSER = "The request requires valid superuser authorization token to be set.";

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static String alphaKey;
    private static String betaKey;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        for (String name : List.of("alpha", "beta")) {
            assertEquals(200, su("POST", "/api/databases", "{\"name\":\"" + name + "\"}").statusCode());
        }
        assertEquals(200, su("POST", "/api/databases", "{\"name\":\"frozen\",\"readOnly\":false}").statusCode());
        alphaKey = key("alpha");
        betaKey = key("beta");
        assertEquals(200, query("alpha", "{\"statements\":[{\"sql\":\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"},"
                + "{\"sql\":\"INSERT INTO t (v) VALUES ('one'), ('two')\"}]}", token).statusCode());
        assertEquals(200, query("frozen", "{\"sql\":\"CREATE TABLE f (v)\"}", token).statusCode());
        assertEquals(200, su("PATCH", "/api/databases/frozen", "{\"readOnly\":true}").statusCode());
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static java.net.http.HttpResponse<String> su(String method, String path, String body) throws Exception {
        return worker.send(method, path, body, Map.of("Authorization", token));
    }

    private static String key(String db) throws Exception {
        return (String) TestWorker.json(su("POST", "/api/databases/" + db + "/keys", "{\"label\":\"t\"}")).get("key");
    }

    private static java.net.http.HttpResponse<String> query(String db, String body, String auth) throws Exception {
        return worker.send("POST", "/api/databases/" + db + "/query", body, Map.of("Authorization", auth));
    }

    private static String fill(String s) {
        return s.replace("{token}", token).replace("{alphaKey}", alphaKey).replace("{betaKey}", betaKey);
    }

    static Stream<ApiScenario> scenarios() {
        Map<String, String> none = Map.of();
        Map<String, String> su = Map.of("Authorization", "{token}");
        Map<String, String> alpha = Map.of("Authorization", "Bearer {alphaKey}");
        Map<String, String> beta = Map.of("Authorization", "Bearer {betaKey}");
        String q = "/api/databases/alpha/query";
        String select = "{\"sql\":\"SELECT id, v FROM t ORDER BY id\"}";
        return Stream.of(
                ApiScenario.of("no credentials", "POST", q, select, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("own key", "POST", q, select, alpha, 200,
                        List.of("\"columns\":[\"id\",\"v\"]", "\"rows\":[[1,\"one\"],[2,\"two\"]]", "\"changes\":0", "\"durationMs\":")),
                ApiScenario.of("superuser", "POST", q, select, su, 200, List.of("\"rows\":[[1,\"one\"],[2,\"two\"]]")),
                ApiScenario.of("key of another database", "POST", q, select, beta, 403,
                        List.of("not allowed")).notExpecting("one"),
                ApiScenario.of("unknown database", "POST", "/api/databases/nope/query", select, su, 404, List.of("\"status\":404")),
                ApiScenario.of("positional params", "POST", q, "{\"sql\":\"SELECT v FROM t WHERE id = ?\",\"params\":[2]}", alpha, 200,
                        List.of("\"rows\":[[\"two\"]]")),
                ApiScenario.of("named params", "POST", q, "{\"sql\":\"SELECT v FROM t WHERE id = :id OR v = @v\",\"params\":{\"id\":1,\"v\":\"x\"}}",
                        alpha, 200, List.of("\"rows\":[[\"one\"]]")),
                ApiScenario.of("injection stays a value", "POST", q,
                        "{\"sql\":\"SELECT count(*) AS n FROM t WHERE v = ?\",\"params\":[\"' OR 1=1 --\"]}", alpha, 200,
                        List.of("\"rows\":[[0]]")),
                ApiScenario.of("missing named param", "POST", q, "{\"sql\":\"SELECT :a\",\"params\":{}}", alpha, 400,
                        List.of("\"params\":{\"code\":\"validation_required\"")),
                ApiScenario.of("blank sql", "POST", q, "{\"sql\":\"  \"}", alpha, 400, List.of("\"sql\":{\"code\":\"validation_required\"")),
                ApiScenario.of("two statements in one sql", "POST", q, "{\"sql\":\"SELECT 1; DELETE FROM t\"}", alpha, 400,
                        List.of("Only one statement per")),
                ApiScenario.of("semicolon inside a string is fine", "POST", q, "{\"sql\":\"SELECT 'a;b' AS s;\"}", alpha, 200,
                        List.of("\"rows\":[[\"a;b\"]]")),
                ApiScenario.of("sql error is SQLite's message", "POST", q, "{\"sql\":\"SELECT * FROM nope\"}", alpha, 400,
                        List.of("no such table: nope")).notExpecting("Exception", "at dev."),
                ApiScenario.of("attach refused", "POST", q, "{\"sql\":\"ATTACH DATABASE '/tmp/x.db' AS x\"}", alpha, 403,
                        List.of("ATTACH is not allowed")),
                ApiScenario.of("attach refused for superusers too", "POST", q, "{\"sql\":\"attach '/tmp/x.db' as x\"}", su, 403,
                        List.of("ATTACH is not allowed")),
                ApiScenario.of("vacuum into refused", "POST", q, "{\"sql\":\"VACUUM INTO '/tmp/copy.db'\"}", alpha, 403,
                        List.of("VACUUM is not allowed")),
                ApiScenario.of("transaction control refused", "POST", q, "{\"sql\":\"COMMIT\"}", alpha, 403, List.of("COMMIT is not allowed")),
                ApiScenario.of("durability pragma refused", "POST", q, "{\"sql\":\"PRAGMA synchronous = OFF\"}", alpha, 403,
                        List.of("PRAGMA synchronous is not allowed")),
                ApiScenario.of("journal pragma setter refused", "POST", q, "{\"sql\":\"pragma journal_mode(DELETE)\"}", su, 403,
                        List.of("is not allowed")),
                ApiScenario.of("query_only pragma refused", "POST", q, "{\"sql\":\"PRAGMA query_only = 0\"}", su, 403,
                        List.of("PRAGMA query_only is not allowed")),
                ApiScenario.of("reporting pragma allowed", "POST", q, "{\"sql\":\"PRAGMA table_info(t)\"}", alpha, 200,
                        List.of("\"name\"", "\"v\"")),
                ApiScenario.of("journal mode can be read", "POST", q, "{\"sql\":\"PRAGMA journal_mode\"}", alpha, 200,
                        List.of("\"rows\":[[\"wal\"]]")),
                ApiScenario.of("load_extension refused by SQLite", "POST", q, "{\"sql\":\"SELECT load_extension('/tmp/x.so')\"}", su, 400,
                        List.of("not authorized")),
                ApiScenario.of("timeout out of range", "POST", q, "{\"sql\":\"SELECT 1\",\"timeout\":0}", alpha, 400,
                        List.of("\"timeout\":{\"code\":\"validation_invalid_value\"")),
                ApiScenario.of("statements not a list", "POST", q, "{\"statements\":{}}", alpha, 400,
                        List.of("\"statements\":{\"code\":\"validation_invalid_value\"")),
                ApiScenario.of("malformed json", "POST", q, "{\"sql\":", alpha, 400,
                        List.of("Failed to load the submitted data due to invalid formatting.")),
                ApiScenario.of("too many rows", "POST", q,
                        "{\"sql\":\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10001) SELECT x FROM c\"}",
                        alpha, 400, List.of("more than 10000 rows")),
                ApiScenario.of("read-only database refuses writes", "POST", "/api/databases/frozen/query",
                        "{\"sql\":\"INSERT INTO f (v) VALUES (1)\"}", su, 403, List.of("The database is read-only.")),
                ApiScenario.of("read-only database still reads", "POST", "/api/databases/frozen/query",
                        "{\"sql\":\"SELECT count(*) FROM f\"}", su, 200, List.of("\"rows\":[[0]]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(ApiScenario scenario) throws Exception {
        scenario.run(worker, SqlApiTest::fill);
    }

    @Test
    void writesReportChangesAndRowid() throws Exception {
        var answer = TestWorker.json(query("beta", "{\"statements\":[{\"sql\":\"CREATE TABLE w (id INTEGER PRIMARY KEY, v)\"},"
                + "{\"sql\":\"INSERT INTO w (v) VALUES (?), (?)\",\"params\":[\"a\",{\"nested\":true}]}]}", betaKey));
        @SuppressWarnings("unchecked")
        var results = (List<Map<String, Object>>) answer.get("results");
        assertEquals(2, results.get(1).get("changes"));
        assertEquals(2, results.get(1).get("lastInsertRowid"));
        String stored = query("beta", "{\"sql\":\"SELECT v FROM w WHERE id = 2\"}", betaKey).body();
        assertTrue(stored.contains("{\\\"nested\\\":true}"), "objects are stored as JSON text: " + stored);
    }

    @Test
    void usingADatabaseRecordsWhenItWasLastUsed() throws Exception {
        assertEquals(200, query("beta", "{\"sql\":\"SELECT 1\"}", betaKey).statusCode());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                TestWorker.json(su("GET", "/api/databases/beta", null)).get("lastUsed") != null);
    }

    @Test
    void statementsAreAllOrNothing() throws Exception {
        var failed = query("alpha", "{\"statements\":[{\"sql\":\"INSERT INTO t (v) VALUES ('three')\"},"
                + "{\"sql\":\"INSERT INTO t (v) VALUES (NULL)\"}]}", alphaKey);
        assertEquals(400, failed.statusCode());
        assertTrue(failed.body().contains("NOT NULL"), failed.body());
        assertTrue(query("alpha", "{\"sql\":\"SELECT count(*) FROM t WHERE v = 'three'\"}", alphaKey).body().contains("[[0]]"),
                "the first insert was rolled back");
    }

    @Test
    void exportIsAConsistentSqliteFileWithEverythingCommitted() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + worker.worker.port()
                + "/api/databases/alpha/export")).header("Authorization", "Bearer " + alphaKey).build();
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals("application/vnd.sqlite3", response.headers().firstValue("content-type").orElseThrow());
            assertTrue(response.headers().firstValue("content-disposition").orElseThrow().contains("alpha.db"));
            byte[] file = response.body();
            assertEquals("SQLite format 3\u0000", new String(file, 0, 16, java.nio.charset.StandardCharsets.ISO_8859_1));
            Path copy = dataDir.resolveSibling("exported-alpha.db");
            java.nio.file.Files.write(copy, file);
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy);
                 var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertTrue(rs.getInt(1) >= 2, "the rows committed before the export are in it");
            }
            var other = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + worker.worker.port() + "/api/databases/beta/export")).header("Authorization", "Bearer " + alphaKey).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(403, other.statusCode(), "a key exports only its own database");
            assertEquals(0, java.nio.file.Files.list(dataDir.resolve(".tmp").resolve("exports")).count(), "snapshots are removed");
        }
    }

    private static java.net.http.HttpResponse<String> cors(String method, String path, String origin, boolean preflight)
            throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + worker.worker.port() + path))
                .header("Origin", origin)
                .method(method, method.equals("POST") ? java.net.http.HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")
                        : java.net.http.HttpRequest.BodyPublishers.noBody());
        if (preflight) {
            request.header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization");
        } else if (method.equals("POST")) {
            request.header("Authorization", "Bearer " + alphaKey).header("Content-Type", "application/json");
        }
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void corsFollowsEachDatabasesOriginsAndChangesApplyAtOnce() throws Exception {
        String app = "https://app.example.com";
        String q = "/api/databases/alpha/query";
        var before = cors("OPTIONS", q, app, true);
        assertEquals(403, before.statusCode(), "no origins configured yet");
        assertTrue(before.headers().firstValue("access-control-allow-origin").isEmpty());

        assertEquals(200, su("PATCH", "/api/databases/alpha", "{\"corsOrigins\":[\"" + app + "\"]}").statusCode());
        var preflight = cors("OPTIONS", q, app, true);
        assertEquals(204, preflight.statusCode());
        assertEquals(app, preflight.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertTrue(preflight.headers().firstValue("access-control-allow-headers").orElseThrow().contains("Authorization"));
        assertTrue(preflight.headers().firstValue("access-control-allow-methods").orElseThrow().contains("POST"));

        var call = cors("POST", q, app, false);
        assertEquals(200, call.statusCode(), call.body());
        assertEquals(app, call.headers().firstValue("access-control-allow-origin").orElseThrow());

        var evil = cors("OPTIONS", q, "https://evil.example", true);
        assertEquals(403, evil.statusCode());
        assertTrue(evil.headers().firstValue("access-control-allow-origin").isEmpty());
        assertTrue(cors("POST", q, "https://evil.example", false).headers().firstValue("access-control-allow-origin").isEmpty(),
                "other origins get no CORS headers: the browser keeps the answer from the page");
        assertEquals(403, cors("OPTIONS", "/api/databases/beta/query", app, true).statusCode(), "origins are per database");
        assertEquals(403, cors("OPTIONS", "/api/databases", app, true).statusCode(), "platform routes allow no origin");

        assertEquals(200, su("PATCH", "/api/databases/alpha", "{\"corsOrigins\":[]}").statusCode());
        assertEquals(403, cors("OPTIONS", q, app, true).statusCode(), "removing the origin applies at once");
    }

    @Test
    void theDataApiAnswersEveryOriginUntilTheDatabaseListsSome() throws Exception {
        String app = "https://app.example.com";
        var main = cors("OPTIONS", "/api/collections/posts/records", "https://anywhere.example", true);
        assertEquals(204, main.statusCode(), "main's data API is open to every origin, as PocketBase by default");
        assertEquals("*", main.headers().firstValue("access-control-allow-origin").orElseThrow(), "PocketBase's default answer");
        assertTrue(main.headers().firstValue("access-control-allow-methods").orElseThrow().contains("PATCH"));
        assertTrue(main.headers().firstValue("access-control-allow-headers").orElseThrow().contains("authorization"));
        assertTrue(main.headers().allValues("vary").toString().contains("Access-Control-Request-Headers"), main.headers().map().toString());
        var simple = cors("GET", "/api/health", "https://anywhere.example", false);
        assertEquals(200, simple.statusCode());
        assertEquals("*", simple.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertEquals(204, cors("OPTIONS", "/db/beta/api/collections", "https://anywhere.example", true).statusCode());
        assertEquals(403, cors("OPTIONS", "/api/superusers", app, true).statusCode(), "platform routes stay closed");
        assertEquals(200, su("PATCH", "/api/databases/beta", "{\"corsOrigins\":[\"" + app + "\"]}").statusCode());
        try {
            var listed = cors("OPTIONS", "/db/beta/api/collections", app, true);
            assertEquals(204, listed.statusCode());
            assertEquals(app, listed.headers().firstValue("access-control-allow-origin").orElseThrow(), "a listed origin is named back");
            var other = cors("OPTIONS", "/db/beta/api/collections", "https://evil.example", true);
            assertEquals(204, other.statusCode(), "as PocketBase: answered, without the headers the browser needs");
            assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty(), "once origins are listed, only they");
            assertTrue(other.headers().firstValue("access-control-allow-methods").isEmpty());
            assertTrue(cors("GET", "/db/beta/api/health", "https://evil.example", false).headers()
                    .firstValue("access-control-allow-origin").isEmpty());
        } finally {
            su("PATCH", "/api/databases/beta", "{\"corsOrigins\":[]}");
        }
    }

    @Test
    void everyOptionsRequestOnTheDataApiIsAnsweredAsAPreflight() throws Exception {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            for (String path : List.of("/api/collections/posts/records", "/db/beta/api/collections/x/records/y", "/api/nothing-here")) {
                var bare = options(client, path, null);
                assertEquals(204, bare.statusCode(), "OPTIONS " + path + " without Origin: " + bare.body());
                assertEquals("", bare.body());
                assertTrue(bare.headers().firstValue("access-control-allow-origin").isEmpty(), "no Origin, no CORS headers");
                assertTrue(bare.headers().allValues("vary").toString().contains("Origin"));
                var withOrigin = options(client, path, "https://site.example");
                assertEquals(204, withOrigin.statusCode(), "a preflight by its method alone, as PocketBase");
                assertEquals("*", withOrigin.headers().firstValue("access-control-allow-origin").orElseThrow());
            }
            var plain = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + worker.worker.port() + "/api/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(List.of("Origin"), plain.headers().allValues("vary"), "every answer varies by Origin, for caches");
            assertTrue(plain.headers().firstValue("access-control-allow-origin").isEmpty());
        }
    }

    /** An {@code OPTIONS} request with no preflight header, and with an Origin when one is given. */
    private static java.net.http.HttpResponse<String> options(java.net.http.HttpClient client, String path, String origin)
            throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + worker.worker.port() + path))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            request.header("Origin", origin);
        }
        return client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLongStatementIsStoppedByItsTimeout() throws Exception {
        long start = System.nanoTime();
        var answer = query("alpha", "{\"sql\":\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                + "SELECT count(*) FROM c\",\"timeout\":1}", alphaKey);
        assertEquals(400, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("ran longer than its timeout"), answer.body());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "stopped, not run to the end");
        assertEquals(200, query("alpha", "{\"sql\":\"SELECT 1\"}", alphaKey).statusCode(), "the connection is usable after");
    }
}
