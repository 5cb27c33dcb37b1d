package dev.hivelite.node.platform;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * The isolation matrix: an API key of database alpha, and a user of alpha, against every kind of
 * route of database beta and of the platform. Nothing of beta opens to them; the same shapes of
 * refusal as everywhere ({status, message, data}).
 */
class IsolationMatrixTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static String alphaKey;
    private static String alphaUser;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        for (String db : List.of("alpha", "beta")) {
            send("POST", "/api/databases", "{\"name\":\"" + db + "\"}", token, 200);
            send("POST", "/db/" + db + "/api/collections", "{\"name\":\"secret\",\"fields\":[{\"name\":\"v\",\"type\":\"text\"}]}",
                    token, 200);
            send("POST", "/db/" + db + "/api/collections", "{\"name\":\"users\",\"type\":\"auth\"}", token, 200);
            send("POST", "/db/" + db + "/api/collections/secret/records", "{\"v\":\"of " + db + "\"}", token, 200);
        }
        alphaKey = "Bearer " + Json.mapper().readTree(send("POST", "/api/databases/alpha/keys", "{\"label\":\"k\"}", token, 200)
                .body()).get("key").asText();
        send("POST", "/db/alpha/api/collections/users/records",
                "{\"email\":\"a@example.com\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", token, 200);
        alphaUser = Json.mapper().readTree(send("POST", "/db/alpha/api/collections/users/auth-with-password",
                "{\"identity\":\"a@example.com\",\"password\":\"password-1\"}", null, 200).body()).get("token").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static HttpResponse<String> send(String method, String path, String body, String auth, int expected) throws Exception {
        HttpResponse<String> r = worker.send(method, path, body, auth == null ? Map.of() : Map.of("Authorization", auth));
        assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
        return r;
    }

    /** Routes of beta and of the platform, each with a body where one is needed. */
    static Stream<String[]> foreignRoutes() {
        return Stream.of(
                new String[] {"GET", "/api/databases/beta", null},
                new String[] {"PATCH", "/api/databases/beta", "{\"group\":\"x\"}"},
                new String[] {"DELETE", "/api/databases/beta", null},
                new String[] {"POST", "/api/databases/beta/query", "{\"sql\":\"SELECT 1\"}"},
                new String[] {"GET", "/api/databases/beta/export", null},
                new String[] {"GET", "/api/databases/beta/keys", null},
                new String[] {"POST", "/api/databases/beta/keys", "{\"label\":\"x\"}"},
                new String[] {"GET", "/api/analytics?database=beta", null},
                new String[] {"GET", "/db/beta/api/collections", null},
                new String[] {"POST", "/db/beta/api/collections", "{\"name\":\"x\"}"},
                new String[] {"GET", "/db/beta/api/collections/secret", null},
                new String[] {"PATCH", "/db/beta/api/collections/secret", "{\"listRule\":\"\"}"},
                new String[] {"DELETE", "/db/beta/api/collections/secret", null},
                new String[] {"DELETE", "/db/beta/api/collections/secret/truncate", null},
                new String[] {"PUT", "/db/beta/api/collections/import", "{\"collections\":[{\"name\":\"x\"}]}"},
                new String[] {"GET", "/db/beta/api/collections/secret/records", null},
                new String[] {"POST", "/db/beta/api/collections/secret/records", "{\"v\":\"x\"}"},
                new String[] {"GET", "/db/beta/api/settings", null},
                new String[] {"PATCH", "/db/beta/api/settings", "{\"meta\":{\"appName\":\"x\"}}"},
                new String[] {"POST", "/db/beta/api/collections/users/impersonate/nope", "{}"},
                new String[] {"GET", "/api/databases", null},
                new String[] {"POST", "/api/databases", "{\"name\":\"gamma\"}"},
                new String[] {"GET", "/api/superusers", null},
                new String[] {"POST", "/api/superusers", "{\"email\":\"x@example.com\",\"password\":\"password-12\"}"},
                new String[] {"GET", "/api/activity", null},
                new String[] {"GET", "/api/analytics", null});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("foreignRoutes")
    void aKeyOfAlphaOpensNothingElse(String method, String path, String body) throws Exception {
        HttpResponse<String> r = worker.send(method, path, body, Map.of("Authorization", alphaKey));
        assertTrue(r.statusCode() == 401 || r.statusCode() == 403, method + " " + path + " → " + r.statusCode() + " " + r.body());
        assertTrue(r.body().contains("\"status\":" + r.statusCode()) && r.body().contains("\"data\""), r.body());
        assertTrue(!r.body().contains("of beta"), "no data of beta leaks: " + r.body());
    }

    @org.junit.jupiter.api.Test
    void aKeyOfAlphaIsRefusedEvenWhereAGuestMayRead() throws Exception {
        send("POST", "/db/beta/api/collections", "{\"name\":\"open\",\"listRule\":\"\",\"viewRule\":\"\"}", token, 200);
        send("GET", "/db/beta/api/collections/open/records", null, null, 200);
        HttpResponse<String> r = worker.send("GET", "/db/beta/api/collections/open/records", null,
                Map.of("Authorization", alphaKey));
        assertEquals(403, r.statusCode(), "a key is not taken as a guest in another database: " + r.body());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("foreignRoutes")
    void aUserOfAlphaOpensNothingElse(String method, String path, String body) throws Exception {
        HttpResponse<String> r = worker.send(method, path, body, Map.of("Authorization", alphaUser));
        assertTrue(r.statusCode() == 401 || r.statusCode() == 403, method + " " + path + " → " + r.statusCode() + " " + r.body());
        assertTrue(!r.body().contains("of beta"), "no data of beta leaks: " + r.body());
    }

    @ParameterizedTest(name = "own database: {0} {1}")
    @MethodSource("ownRoutes")
    void theKeyActsWithFullRightsInItsOwnDatabase(String method, String path, String body) throws Exception {
        HttpResponse<String> r = worker.send(method, path, body, Map.of("Authorization", alphaKey));
        assertTrue(r.statusCode() / 100 == 2, method + " " + path + " → " + r.statusCode() + " " + r.body());
    }

    static Stream<String[]> ownRoutes() {
        return Stream.of(
                new String[] {"POST", "/api/databases/alpha/query", "{\"sql\":\"SELECT 1\"}"},
                new String[] {"GET", "/api/databases/alpha/export", null},
                new String[] {"GET", "/api/analytics?database=alpha", null},
                new String[] {"GET", "/db/alpha/api/collections", null},
                new String[] {"GET", "/db/alpha/api/collections/secret/records", null},
                new String[] {"POST", "/db/alpha/api/collections/secret/records", "{\"v\":\"by key\"}"},
                new String[] {"GET", "/db/alpha/api/settings", null});
    }
}
