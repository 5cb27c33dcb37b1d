package dev.hivelite.node.http;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * A database's {@code rateLimits} enforced as PocketBase enforces them, through the real HTTP API: each
 * label form (a collection action {@code notes:create}, every collection's {@code *:auth}, a path
 * prefix {@code /api/}, a method form {@code POST /api/...}), audiences, the superuser and key
 * exemption, the window on the worker's clock, PocketBase's 429 body, and each database's own limits.
 */
class RateLimitTest {

    /** PocketBase's answer over a limit, to the byte of JSON. */
    static final String TOO_MANY = "{\"status\":429,\"message\":\"Too Many Requests.\",\"data\":{}}";

    /** A clock that stands still (so a window's seconds are exact) until a test moves it. */
    static final class StepClock extends Clock {
        private volatile Instant now = Instant.parse("2030-01-01T00:00:00.500Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Who sends a step's request. */
    enum Caller { GUEST, MEMBER, SUPERUSER, KEY }

    /** One request, {@code waitSeconds} after the previous one, and the status it must get. */
    record Step(String name, long waitSeconds, String method, String url, String body, Caller caller, int status) {
        static Step of(String name, String method, String url, Caller caller, int status) {
            return new Step(name, 0, method, url, null, caller, status);
        }

        Step after(long seconds) {
            return new Step(name, seconds, method, url, body, caller, status);
        }

        Step body(String json) {
            return new Step(name, waitSeconds, method, url, json, caller, status);
        }
    }

    private static final StepClock CLOCK = new StepClock();

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String superuser;
    private static String member;
    private static String key;
    private static String notesId;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir, CLOCK);
        worker.awaitCluster();
        superuser = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        notesId = worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"type\":\"base\",\"listRule\":\"\","
                + "\"viewRule\":\"\",\"createRule\":\"\",\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}",
                superuser, 200).get("id").asText();
        worker.call("POST", "/api/collections", "{\"name\":\"posts\",\"type\":\"base\",\"listRule\":\"\","
                + "\"createRule\":\"\",\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}", superuser, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"members\",\"type\":\"auth\",\"createRule\":\"\"}",
                superuser, 200);
        worker.call("POST", "/api/collections/members/records", "{\"email\":\"m@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
        member = worker.call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"m@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        key = worker.call("POST", "/api/databases/main/keys", "{\"label\":\"k\"}", superuser, 200).get("key").asText();
        worker.call("POST", "/api/databases", "{\"name\":\"second\"}", superuser, 200);
        worker.call("PATCH", "/api/settings", "{\"batch\":{\"enabled\":true,\"maxRequests\":10}}", superuser, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /** A day later every allowance is full again: no test sees another's counts. */
    @BeforeEach
    void nextDay() {
        CLOCK.advance(Duration.ofDays(1));
    }

    private static void limits(String database, boolean enabled, String rules) throws Exception {
        worker.call("PATCH", database + "/api/settings", "{\"rateLimits\":{\"enabled\":" + enabled + ",\"rules\":["
                + rules + "]}}", superuser, 200);
    }

    private static String rule(String label, String audience, int maxRequests, long duration) {
        return "{\"label\":\"" + label + "\",\"audience\":\"" + audience + "\",\"maxRequests\":" + maxRequests
                + ",\"duration\":" + duration + "}";
    }

    private static void run(List<Step> steps) throws Exception {
        for (Step step : steps) {
            CLOCK.advance(Duration.ofSeconds(step.waitSeconds()));
            String auth = switch (step.caller()) {
                case GUEST -> null;
                case MEMBER -> member;
                case SUPERUSER -> superuser;
                case KEY -> "Bearer " + key;
            };
            HttpResponse<String> response = worker.send(step.method(), step.url(), step.body(),
                    auth == null ? Map.of() : Map.of("Authorization", auth));
            assertEquals(step.status(), response.statusCode(), step.name() + ": " + response.body());
            if (step.status() == 429 && !"HEAD".equals(step.method())) {
                assertEquals(Json.mapper().readTree(TOO_MANY), Json.mapper().readTree(response.body()), step.name());
            }
        }
    }

    private static final String NOTE = "{\"title\":\"t\"}";
    private static final String MEMBER_LOGIN = "{\"identity\":\"m@example.com\",\"password\":\"password-1\"}";
    private static final String SUPERUSER_LOGIN = "{\"identity\":\"" + ADMIN_EMAIL + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}";

    @Test
    void aCollectionActionLabelLimitsThatActionOfThatCollectionOnly() throws Exception {
        limits("", true, rule("notes:create", "", 2, 60));
        run(List.of(
                Step.of("create 1", "POST", "/api/collections/notes/records", Caller.GUEST, 200).body(NOTE),
                Step.of("create 2, by the collection's id", "POST", "/api/collections/" + notesId + "/records",
                        Caller.GUEST, 200).body(NOTE),
                Step.of("create 3: over", "POST", "/api/collections/notes/records", Caller.GUEST, 429).body(NOTE),
                Step.of("create 4 by id: over, the label names the collection", "POST",
                        "/api/collections/" + notesId + "/records", Caller.GUEST, 429).body(NOTE),
                Step.of("list: another action", "GET", "/api/collections/notes/records", Caller.GUEST, 200),
                Step.of("another collection's create", "POST", "/api/collections/posts/records", Caller.GUEST, 200)
                        .body(NOTE),
                Step.of("another collection's create, again", "POST", "/api/collections/posts/records", Caller.GUEST, 200)
                        .body(NOTE),
                Step.of("another collection's create, a third time", "POST", "/api/collections/posts/records",
                        Caller.GUEST, 200).body(NOTE),
                Step.of("a member is limited too", "POST", "/api/collections/notes/records", Caller.MEMBER, 429)
                        .body(NOTE),
                Step.of("a superuser is never limited", "POST", "/api/collections/notes/records", Caller.SUPERUSER, 200)
                        .body(NOTE),
                Step.of("nor is the database's API key", "POST", "/api/collections/notes/records", Caller.KEY, 200)
                        .body(NOTE)));
    }

    @Test
    void starAuthLimitsEverySignInActionOfEveryCollectionEachCountedApart() throws Exception {
        limits("", true, rule("*:auth", "", 2, 60));
        run(List.of(
                Step.of("password 1", "POST", "/api/collections/members/auth-with-password", Caller.GUEST, 200)
                        .body(MEMBER_LOGIN),
                Step.of("password 2", "POST", "/api/collections/members/auth-with-password", Caller.GUEST, 200)
                        .body(MEMBER_LOGIN),
                Step.of("password 3: over", "POST", "/api/collections/members/auth-with-password", Caller.GUEST, 429)
                        .body(MEMBER_LOGIN),
                Step.of("OTP 1: its own count", "POST", "/api/collections/members/auth-with-otp", Caller.GUEST, 403)
                        .body("{\"otpId\":\"x\",\"password\":\"y\"}"),
                Step.of("OTP 2", "POST", "/api/collections/members/auth-with-otp", Caller.GUEST, 403)
                        .body("{\"otpId\":\"x\",\"password\":\"y\"}"),
                Step.of("OTP 3: over", "POST", "/api/collections/members/auth-with-otp", Caller.GUEST, 429)
                        .body("{\"otpId\":\"x\",\"password\":\"y\"}"),
                Step.of("superusers' password 1", "POST", "/api/collections/_superusers/auth-with-password",
                        Caller.GUEST, 200).body(SUPERUSER_LOGIN),
                Step.of("superusers' password 2", "POST", "/api/collections/_superusers/auth-with-password",
                        Caller.GUEST, 200).body(SUPERUSER_LOGIN),
                Step.of("superusers' password 3: over", "POST", "/api/collections/_superusers/auth-with-password",
                        Caller.GUEST, 429).body(SUPERUSER_LOGIN),
                Step.of("a refresh is no sign-in (authRefresh only)", "POST", "/api/collections/members/auth-refresh",
                        Caller.MEMBER, 200),
                Step.of("refresh 2", "POST", "/api/collections/members/auth-refresh", Caller.MEMBER, 200),
                Step.of("refresh 3", "POST", "/api/collections/members/auth-refresh", Caller.MEMBER, 200),
                Step.of("auth methods are no sign-in", "GET", "/api/collections/members/auth-methods", Caller.GUEST, 200),
                Step.of("auth methods 2", "GET", "/api/collections/members/auth-methods", Caller.GUEST, 200),
                Step.of("auth methods 3", "GET", "/api/collections/members/auth-methods", Caller.GUEST, 200)));
    }

    @Test
    void aPathPrefixCoversEveryPathBelowItOneCountForThemAllButCollectionActionsApart() throws Exception {
        limits("", true, rule("/api/", "", 3, 60));
        run(List.of(
                Step.of("health", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("collections' scaffolds: same rule, same count", "GET", "/api/collections/meta/scaffolds",
                        Caller.GUEST, 401),
                Step.of("health, HEAD", "HEAD", "/api/health", Caller.GUEST, 200),
                Step.of("health: over", "GET", "/api/health", Caller.GUEST, 429),
                Step.of("an unknown path under it: over", "GET", "/api/nothing-here", Caller.GUEST, 429),
                Step.of("a collection's list counts apart", "GET", "/api/collections/notes/records", Caller.GUEST, 200),
                Step.of("list 2", "GET", "/api/collections/notes/records", Caller.GUEST, 200),
                Step.of("list 3", "GET", "/api/collections/notes/records", Caller.GUEST, 200),
                Step.of("list 4: over", "GET", "/api/collections/notes/records", Caller.GUEST, 429),
                Step.of("its view counts apart again", "GET", "/api/collections/notes/records/missing", Caller.GUEST, 404),
                Step.of("the platform's routes are no database's", "GET", "/api/databases", Caller.GUEST, 401),
                Step.of("the platform's routes 2", "GET", "/api/databases", Caller.GUEST, 401),
                Step.of("the platform's routes 3", "GET", "/api/databases", Caller.GUEST, 401),
                Step.of("the platform's routes 4", "GET", "/api/databases", Caller.GUEST, 401),
                Step.of("a superuser is never limited", "GET", "/api/health", Caller.SUPERUSER, 200)));
    }

    @Test
    void anExactPathLabelLimitsThatPathOnlyAndAMethodFormThatMethodOnly() throws Exception {
        limits("", true, rule("GET /api/health", "", 1, 60) + "," + rule("/api/health", "", 2, 60) + ","
                + rule("POST /api/collections/", "", 1, 60));
        run(List.of(
                Step.of("GET health", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("GET health: over its method's rule", "GET", "/api/health", Caller.GUEST, 429),
                Step.of("HEAD health: the path's rule", "HEAD", "/api/health", Caller.GUEST, 200),
                Step.of("HEAD health 2", "HEAD", "/api/health", Caller.GUEST, 200),
                Step.of("HEAD health 3: over", "HEAD", "/api/health", Caller.GUEST, 429),
                Step.of("below an exact label: unlimited", "GET", "/api/health/more", Caller.GUEST, 404),
                Step.of("below an exact label 2", "GET", "/api/health/more", Caller.GUEST, 404),
                Step.of("POST under the method prefix", "POST", "/api/collections/notes/records", Caller.GUEST, 200)
                        .body(NOTE),
                Step.of("POST again: over", "POST", "/api/collections/notes/records", Caller.GUEST, 429).body(NOTE),
                Step.of("GET under it: another method", "GET", "/api/collections/notes/records", Caller.GUEST, 200),
                Step.of("GET 2", "GET", "/api/collections/notes/records", Caller.GUEST, 200)));
    }

    @Test
    void aRuleForOneAudienceLimitsOnlyThoseCallersOthersFallBackToTheNextRuleThatMatches() throws Exception {
        limits("", true, rule("/api/health", "@auth", 1, 60) + "," + rule("/api/health", "@guest", 3, 60) + ","
                + rule("/api/", "", 2, 60));
        run(List.of(
                Step.of("member 1", "GET", "/api/health", Caller.MEMBER, 200),
                Step.of("member 2: over the @auth rule", "GET", "/api/health", Caller.MEMBER, 429),
                Step.of("guest 1", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("guest 2", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("guest 3", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("guest 4: over the @guest rule", "GET", "/api/health", Caller.GUEST, 429),
                Step.of("a member elsewhere: the rule for everyone", "GET", "/api/nothing-here", Caller.MEMBER, 404),
                Step.of("superuser", "GET", "/api/health", Caller.SUPERUSER, 200),
                Step.of("superuser 2", "GET", "/api/health", Caller.SUPERUSER, 200),
                Step.of("key", "GET", "/api/health", Caller.KEY, 200),
                Step.of("key 2", "GET", "/api/health", Caller.KEY, 200)));

        CLOCK.advance(Duration.ofDays(1)); // counts are per client IP: the member's above were this guest's too
        limits("", true, rule("/api/health", "@auth", 1, 60) + "," + rule("/api/", "", 2, 60));
        run(List.of(
                Step.of("a guest falls back to the rule for everyone", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("guest 2", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("guest 3: over it", "GET", "/api/health", Caller.GUEST, 429)));
    }

    @Test
    void whenDisabledNothingIsEverLimited() throws Exception {
        limits("", false, rule("/api/", "", 1, 60) + "," + rule("*:create", "", 1, 60));
        run(List.of(
                Step.of("health", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("health 2", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("health 3", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("create", "POST", "/api/collections/notes/records", Caller.GUEST, 200).body(NOTE),
                Step.of("create 2", "POST", "/api/collections/notes/records", Caller.GUEST, 200).body(NOTE)));
    }

    @Test
    void theAllowanceRefillsOnceTheDurationHasPassedSinceTheLastRequestLetThrough() throws Exception {
        limits("", true, rule("/api/health", "", 2, 10));
        run(List.of(
                Step.of("1", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("2", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("3: over", "GET", "/api/health", Caller.GUEST, 429),
                Step.of("9 s later: still over", "GET", "/api/health", Caller.GUEST, 429).after(9),
                Step.of("10 s after the last let through: full again", "GET", "/api/health", Caller.GUEST, 200).after(1),
                Step.of("5 s later", "GET", "/api/health", Caller.GUEST, 200).after(5),
                Step.of("2 s later: over, the window moved with the last one", "GET", "/api/health", Caller.GUEST, 429)
                        .after(2),
                Step.of("10 s after the last let through", "GET", "/api/health", Caller.GUEST, 200).after(8)));
    }

    @Test
    void aChangedRuleStartsWithAFullAllowance() throws Exception {
        limits("", true, rule("/api/health", "", 1, 60));
        run(List.of(
                Step.of("1", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("2: over", "GET", "/api/health", Caller.GUEST, 429)));
        limits("", true, rule("/api/health", "", 2, 60));
        run(List.of(
                Step.of("after the change", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("after the change 2", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("after the change 3: over", "GET", "/api/health", Caller.GUEST, 429)));
    }

    @Test
    void eachDatabaseHasItsOwnLimitsOnItsOwnPaths() throws Exception {
        limits("/db/second", false, "");
        limits("", true, rule("/api/health", "", 1, 60));
        run(List.of(
                Step.of("main", "GET", "/api/health", Caller.GUEST, 200),
                Step.of("main: over", "GET", "/api/health", Caller.GUEST, 429),
                Step.of("second: no limits of its own", "GET", "/db/second/api/health", Caller.GUEST, 200),
                Step.of("second 2", "GET", "/db/second/api/health", Caller.GUEST, 200)));
        limits("/db/second", true, rule("/api/health", "", 2, 60));
        run(List.of(
                Step.of("second's rule, on its path inside its API", "GET", "/db/second/api/health", Caller.GUEST, 200),
                Step.of("second 2", "GET", "/db/second/api/health", Caller.GUEST, 200),
                Step.of("second 3: over", "GET", "/db/second/api/health", Caller.GUEST, 429),
                Step.of("main: still over its own", "GET", "/api/health", Caller.GUEST, 429)));
        limits("/db/second", false, "");
    }

    @Test
    void aBatchCountsOnceByItsPathAndEachOfItsRequestsByItsAction() throws Exception {
        limits("", true, rule("/api/batch", "", 2, 60) + "," + rule("*:create", "", 2, 60));
        String three = "{\"requests\":[" + String.join(",", java.util.Collections.nCopies(3,
                "{\"method\":\"POST\",\"url\":\"/api/collections/notes/records\",\"body\":{\"title\":\"b\"}}")) + "]}";
        String two = "{\"requests\":[" + String.join(",", java.util.Collections.nCopies(2,
                "{\"method\":\"POST\",\"url\":\"/api/collections/notes/records\",\"body\":{\"title\":\"b\"}}")) + "]}";
        HttpResponse<String> over = worker.send("POST", "/api/batch", three, Map.of());
        assertEquals(400, over.statusCode(), over.body());
        JsonNode failed = Json.mapper().readTree(over.body()).at("/data/requests/2/response");
        assertEquals(Json.mapper().readTree(TOO_MANY), failed, "the third create of the batch is over");
        run(List.of(
                Step.of("creates on their own count apart from a batch's", "POST", "/api/collections/notes/records",
                        Caller.GUEST, 200).body(NOTE),
                Step.of("create 2", "POST", "/api/collections/notes/records", Caller.GUEST, 200).body(NOTE),
                Step.of("create 3: over", "POST", "/api/collections/notes/records", Caller.GUEST, 429).body(NOTE),
                Step.of("a second batch: its creates are over (the failed batch's counted)", "POST", "/api/batch",
                        Caller.GUEST, 400).body(two),
                Step.of("the third batch: over its path's rule", "POST", "/api/batch", Caller.GUEST, 429).body(two)));
    }

    private static int health(String forwardedFor) throws Exception {
        return worker.send("GET", "/api/health", null, Map.of("X-Forwarded-For", forwardedFor)).statusCode();
    }

    private static String realIp(String header, String value) throws Exception {
        HttpResponse<String> res = worker.send("GET", "/api/health", null, Map.of("Authorization", superuser, header, value));
        return Json.mapper().readTree(res.body()).at("/data/realIP").asText();
    }

    @Test
    void behindATrustedProxyEachClientIsCountedByTheAddressTheProxyNamesAndRealIpShowsIt() throws Exception {
        // Not trusted: the header is anyone's to write, so every request counts as the peer's.
        worker.call("PATCH", "/api/settings", "{\"trustedProxy\":{\"headers\":[],\"useLeftmostIP\":false}}", superuser, 200);
        assertEquals("127.0.0.1", realIp("X-Forwarded-For", "203.0.113.9"));
        limits("", true, rule("/api/health", "", 1, 60));
        assertEquals(200, health("203.0.113.1"));
        assertEquals(429, health("203.0.113.2"), "one peer, one count");

        worker.call("PATCH", "/api/settings", "{\"trustedProxy\":{\"headers\":[\"X-Forwarded-For\"],\"useLeftmostIP\":false}}",
                superuser, 200);
        CLOCK.advance(Duration.ofDays(1));
        assertEquals(200, health("198.51.100.1, 203.0.113.1"));
        assertEquals(429, health("198.51.100.7, 203.0.113.1"), "the rightmost address is the proxy's word");
        assertEquals(200, health("203.0.113.2"), "another client has its own count");
        assertEquals("203.0.113.5", realIp("X-Forwarded-For", "198.51.100.1, 203.0.113.5"));
        assertEquals("203.0.113.5", realIp("X-Forwarded-For", "203.0.113.5, not-an-ip"), "an invalid entry is skipped");
        assertEquals("2001:db8:0:0:0:0:0:1", realIp("X-Forwarded-For", "2001:db8::1"));
        assertEquals("127.0.0.1", realIp("X-Forwarded-For", "example.com"), "a name is no address: the peer's");

        worker.call("PATCH", "/api/settings", "{\"trustedProxy\":{\"headers\":[\"X-Forwarded-For\"],\"useLeftmostIP\":true}}",
                superuser, 200);
        assertEquals("198.51.100.1", realIp("X-Forwarded-For", "198.51.100.1, 203.0.113.5"));
        worker.call("PATCH", "/api/settings", "{\"trustedProxy\":{\"headers\":[],\"useLeftmostIP\":false},"
                + "\"rateLimits\":{\"enabled\":false,\"rules\":[]}}", superuser, 200);
    }

}
