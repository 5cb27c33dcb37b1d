package dev.hivelite.node.auth;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Base64;
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
import dev.hivelite.node.common.Json;

/** Superuser auth and management over real HTTP, on a real worker. */
class SuperuserApiTest {

    private static final String AUTH = "/api/collections/_superusers/auth-with-password";
    private static final String VALIDATION = "An error occurred while validating the submitted data.";
    private static final String NEEDS_SUPERUSER = "The request requires valid superuser authorization token to be set.";

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static String adminId;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        adminId = (String) ((Map<?, ?>) TestWorker.json(worker.send("POST", AUTH,
                Json.mapper().writeValueAsString(Map.of("identity", ADMIN_EMAIL, "password", ADMIN_PASSWORD)), Map.of()))
                .get("record")).get("id");
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static String fill(String s) {
        return s.replace("{token}", token).replace("{adminId}", adminId).replace("{adminEmail}", ADMIN_EMAIL);
    }

    private static Map<String, String> auth(String value) {
        return Map.of("Authorization", value);
    }

    static Stream<ApiScenario> scenarios() {
        Map<String, String> none = Map.of();
        Map<String, String> raw = auth("{token}");
        Map<String, String> bearer = auth("Bearer {token}");
        return Stream.of(
                ApiScenario.of("login ok", "POST", AUTH, "{\"identity\":\"{adminEmail}\",\"password\":\"" + ADMIN_PASSWORD + "\"}",
                        none, 200, List.of("\"token\":\"", "\"collectionName\":\"_superusers\"", "\"collectionId\":\"pbc_3142635823\"",
                                "\"email\":\"{adminEmail}\"", "\"verified\":true")).notExpecting("password", "hash"),
                ApiScenario.of("login email is case-insensitive", "POST", AUTH,
                        "{\"identity\":\"ADMIN@example.com\",\"password\":\"" + ADMIN_PASSWORD + "\"}", none, 200, List.of("\"token\"")),
                ApiScenario.of("login wrong password", "POST", AUTH, "{\"identity\":\"{adminEmail}\",\"password\":\"nope-nope-nope\"}",
                        none, 400, List.of("\"message\":\"Failed to authenticate.\"", "\"data\":{}")).notExpecting("token"),
                ApiScenario.of("login unknown email", "POST", AUTH, "{\"identity\":\"who@example.com\",\"password\":\"whatever123\"}",
                        none, 400, List.of("Failed to authenticate.")),
                ApiScenario.of("login missing fields", "POST", AUTH, "{}", none, 400,
                        List.of(VALIDATION, "\"identity\":{\"code\":\"validation_required\"", "\"password\":{\"code\":\"validation_required\"")),
                ApiScenario.of("login malformed json", "POST", AUTH, "{\"identity\":", none, 400,
                        List.of("\"message\":\"An error occurred while loading the submitted data.\"", "\"data\":{}")),
                ApiScenario.of("login json array", "POST", AUTH, "[1,2]", none, 400,
                        List.of("An error occurred while loading the submitted data.")),
                ApiScenario.of("login identity not a string", "POST", AUTH, "{\"identity\":5,\"password\":\"x\"}", none, 400,
                        List.of("\"identity\":{\"code\":\"validation_invalid_type\"")),
                ApiScenario.of("refresh without token", "POST", "/api/collections/_superusers/auth-refresh", null, none, 401,
                        List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("refresh with garbage token", "POST", "/api/collections/_superusers/auth-refresh", null,
                        auth("not.a.token"), 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("refresh ok", "POST", "/api/collections/_superusers/auth-refresh", null, raw, 200,
                        List.of("\"token\":\"", "\"id\":\"{adminId}\"")),
                ApiScenario.of("list without token", "GET", "/api/superusers", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("list with raw token", "GET", "/api/superusers", null, raw, 200,
                        List.of("\"items\":[", "\"email\":\"{adminEmail}\"", "\"totalItems\":")),
                ApiScenario.of("list with bearer token", "GET", "/api/superusers", null, bearer, 200, List.of("{adminEmail}")),
                ApiScenario.of("list with lower-case bearer", "GET", "/api/superusers", null, auth("bearer {token}"), 200,
                        List.of("{adminEmail}")),
                ApiScenario.of("list with tampered token", "GET", "/api/superusers", null, auth("{token}x"), 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("list with an unknown API key", "GET", "/api/superusers", null,
                        auth("Bearer hl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("create without token", "POST", "/api/superusers", "{\"email\":\"x@example.com\",\"password\":\"password-1\"}",
                        none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("create duplicate email", "POST", "/api/superusers",
                        "{\"email\":\"Admin@Example.com\",\"password\":\"password-1\"}", raw, 400,
                        List.of(VALIDATION, "\"email\":{\"code\":\"validation_not_unique\"")),
                ApiScenario.of("create bad email and short password", "POST", "/api/superusers", "{\"email\":\"nope\",\"password\":\"short\"}",
                        raw, 400, List.of("\"email\":{\"code\":\"validation_is_email\"", "\"password\":{\"code\":\"validation_length_out_of_range\"")),
                ApiScenario.of("create password over 72 bytes", "POST", "/api/superusers",
                        "{\"email\":\"long@example.com\",\"password\":\"" + "x".repeat(73) + "\"}", raw, 400,
                        List.of("\"password\":{\"code\":\"validation_length_out_of_range\"")),
                ApiScenario.of("create ok", "POST", "/api/superusers", "{\"email\":\"second@example.com\",\"password\":\"password-2\"}",
                        raw, 200, List.of("\"email\":\"second@example.com\"", "\"collectionName\":\"_superusers\"")).notExpecting("password"),
                ApiScenario.of("update unknown id", "PATCH", "/api/superusers/nosuchid", "{\"email\":\"z@example.com\"}", raw, 404,
                        List.of("\"status\":404")),
                ApiScenario.of("update to a taken email", "PATCH", "/api/superusers/{adminId}", "{\"email\":\"second@example.com\"}",
                        raw, 400, List.of("validation_not_unique")),
                ApiScenario.of("delete unknown id", "DELETE", "/api/superusers/nosuchid", null, raw, 404, List.of("\"status\":404")),
                ApiScenario.of("revoke without token", "POST", "/api/superusers/{adminId}/revoke", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("setup once a superuser exists", "POST", "/api/superusers/setup",
                        "{\"token\":\"anything\",\"email\":\"s@example.com\",\"password\":\"password-3\"}", none, 403,
                        List.of("The setup token is invalid or was already used.")),
                ApiScenario.of("setup without token", "POST", "/api/superusers/setup",
                        "{\"email\":\"s@example.com\",\"password\":\"password-3\"}", none, 400, List.of("\"token\":{\"code\":\"validation_required\"")),
                ApiScenario.of("logout without token", "POST", "/api/superusers/logout", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("activity without token", "GET", "/api/activity", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("activity with an unknown key", "GET", "/api/activity", null,
                        auth("hl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("activity lists logins", "GET", "/api/activity?action=superuser.login", null, raw, 200,
                        List.of("\"page\":1", "\"perPage\":30", "\"totalItems\":", "\"action\":\"superuser.login\"",
                                "\"actor\":\"{adminEmail}\"")).notExpecting("superuser.logout"),
                ApiScenario.of("activity bad perPage", "GET", "/api/activity?perPage=0", null, raw, 400,
                        List.of("\"perPage\":{\"code\":\"validation_invalid_value\"")),
                ApiScenario.of("activity perPage over the cap", "GET", "/api/activity?perPage=100000", null, raw, 400,
                        List.of("validation_invalid_value")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(ApiScenario scenario) throws Exception {
        scenario.run(worker, SuperuserApiTest::fill);
    }

    @Test
    void tokenCarriesTheClaimsTheSdkReads() throws Exception {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        Map<?, ?> claims = Json.mapper().readValue(payload, Map.class);
        assertEquals(adminId, claims.get("id"));
        assertEquals("auth", claims.get("type"));
        assertEquals("pbc_3142635823", claims.get("collectionId"));
        assertTrue(((Number) claims.get("exp")).longValue() > System.currentTimeMillis() / 1000);
    }

    @Test
    void aSuperuserImpersonatesASuperuserWithAShortLivedTokenThatRefreshesToItself() throws Exception {
        var created = TestWorker.json(worker.send("POST", "/api/superusers",
                "{\"email\":\"robot@example.com\",\"password\":\"robot-password\"}", auth(token)));
        String path = "/api/collections/_superusers/impersonate/" + created.get("id");
        var answer = TestWorker.json(worker.send("POST", path, "{\"duration\":100}", auth(token)));
        String robot = (String) answer.get("token");
        assertEquals("robot@example.com", ((Map<?, ?>) answer.get("record")).get("email"));
        Map<?, ?> claims = Json.mapper().readValue(Base64.getUrlDecoder().decode(robot.split("\\.")[1]), Map.class);
        assertEquals(Boolean.FALSE, claims.get("refreshable"));
        long exp = ((Number) claims.get("exp")).longValue();
        assertTrue(Math.abs(exp - (System.currentTimeMillis() / 1000 + 100)) < 30, "expires in 100 s: " + exp);
        assertEquals(200, worker.send("GET", "/api/superusers", null, auth(robot)).statusCode());
        var refreshed = TestWorker.json(worker.send("POST", "/api/collections/_superusers/auth-refresh", null, auth(robot)));
        assertEquals(robot, refreshed.get("token"), "an impersonation token is never exchanged for a renewable one");
        assertEquals(401, worker.send("POST", path, "{}", Map.of()).statusCode());
        assertEquals(404, worker.send("POST", "/api/collections/_superusers/impersonate/nosuchsuperuser", "{}", auth(token))
                .statusCode());
        assertEquals(400, worker.send("POST", path, "{\"duration\":-1}", auth(token)).statusCode());
        assertEquals(400, worker.send("POST", path, "{\"duration\":1e300}", auth(token)).statusCode());
        assertEquals(400, worker.send("POST", path, "{\"duration\":9223372036854775807}", auth(token)).statusCode());
        assertEquals(200, worker.send("POST", path, "{\"duration\":\"60\"}", auth(token)).statusCode(), "a form's text number");
        assertEquals(204, worker.send("POST", "/api/superusers/" + created.get("id") + "/revoke", null, auth(token)).statusCode());
        assertEquals(401, worker.send("GET", "/api/superusers", null, auth(robot)).statusCode(), "revoked like any session");
    }

    @Test
    void superusersListTheirAuthMethodsAndHaveNoOneTimePasswords() throws Exception {
        var methods = TestWorker.json(worker.send("GET", "/api/collections/_superusers/auth-methods", null, Map.of()));
        assertEquals(Map.of("enabled", true, "identityFields", List.of("email")), methods.get("password"));
        assertEquals(Boolean.FALSE, ((Map<?, ?>) methods.get("oauth2")).get("enabled"));
        assertEquals(Boolean.FALSE, ((Map<?, ?>) methods.get("otp")).get("enabled"));
        assertEquals(403, worker.send("POST", "/api/collections/_superusers/request-otp",
                "{\"email\":\"" + ADMIN_EMAIL + "\"}", Map.of()).statusCode());
    }

    @Test
    void logoutRevokesOnlyThatSession() throws Exception {
        String a = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        String b = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assertEquals(204, worker.send("POST", "/api/superusers/logout", null, auth(a)).statusCode());
        assertEquals(401, worker.send("GET", "/api/superusers", null, auth(a)).statusCode());
        assertEquals(200, worker.send("GET", "/api/superusers", null, auth(b)).statusCode());
    }

    @Test
    void passwordChangeRevokesEverySessionOfThatSuperuser() throws Exception {
        var created = TestWorker.json(worker.send("POST", "/api/superusers",
                "{\"email\":\"changer@example.com\",\"password\":\"first-password\"}", auth(token)));
        String id = (String) created.get("id");
        String old = worker.login("changer@example.com", "first-password");
        assertEquals(200, worker.send("PATCH", "/api/superusers/" + id, "{\"password\":\"second-password\"}", auth(token)).statusCode());
        assertEquals(401, worker.send("GET", "/api/superusers", null, auth(old)).statusCode());
        String fresh = worker.login("changer@example.com", "second-password");
        assertNotEquals(old, fresh);
        assertEquals(200, worker.send("GET", "/api/superusers", null, auth(fresh)).statusCode());
        assertEquals(204, worker.send("DELETE", "/api/superusers/" + id, null, auth(token)).statusCode());
        assertEquals(401, worker.send("GET", "/api/superusers", null, auth(fresh)).statusCode(), "deleted superuser's token");
    }

    @Test
    void revokeEndsEveryTokenOfThatSuperuser() throws Exception {
        var created = TestWorker.json(worker.send("POST", "/api/superusers",
                "{\"email\":\"revoked@example.com\",\"password\":\"revoked-password\"}", auth(token)));
        String t1 = worker.login("revoked@example.com", "revoked-password");
        String t2 = worker.login("revoked@example.com", "revoked-password");
        assertEquals(204, worker.send("POST", "/api/superusers/" + created.get("id") + "/revoke", null, auth(token)).statusCode());
        assertEquals(401, worker.send("GET", "/api/superusers", null, auth(t1)).statusCode());
        assertEquals(401, worker.send("GET", "/api/superusers", null, auth(t2)).statusCode());
    }

    @Test
    void auditLogRecordsFailedLoginsAndSuperuserChangesWithoutSecrets() throws Exception {
        worker.send("POST", AUTH, "{\"identity\":\"intruder@example.com\",\"password\":\"guess-guess-1\"}", Map.of());
        var created = TestWorker.json(worker.send("POST", "/api/superusers",
                "{\"email\":\"audited@example.com\",\"password\":\"audited-password\"}", auth(token)));
        worker.send("PATCH", "/api/superusers/" + created.get("id"), "{\"password\":\"audited-password-2\"}", auth(token));
        String failed = worker.send("GET", "/api/activity?action=superuser.login_failed&actor=intruder@example.com", null,
                auth(token)).body();
        assertTrue(failed.contains("\"actor\":\"intruder@example.com\"") && failed.contains("\"totalItems\":1"), failed);
        String updates = worker.send("GET", "/api/activity?action=superuser.update", null, auth(token)).body();
        assertTrue(updates.contains("\"passwordChanged\":true"), updates);
        String all = worker.send("GET", "/api/activity?perPage=500", null, auth(token)).body();
        assertTrue(all.contains("superuser.create") && all.contains("audited@example.com"), all);
        assertTrue(!all.contains("audited-password") && !all.contains("guess-guess-1"), "no secret is ever logged");
    }

    @Test
    void theOnlySuperuserCannotBeDeleted() throws Exception {
        Path other = dataDir.resolveSibling(dataDir.getFileName() + "-solo");
        try (TestWorker solo = TestWorker.start(other)) {
            String soloToken = solo.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            String id = (String) ((Map<?, ?>) ((List<?>) TestWorker.json(
                    solo.send("GET", "/api/superusers", null, auth(soloToken))).get("items")).getFirst()).get("id");
            var response = solo.send("DELETE", "/api/superusers/" + id, null, auth(soloToken));
            assertEquals(400, response.statusCode());
            assertTrue(response.body().contains("You can't delete the only existing superuser."));
        }
    }
}
