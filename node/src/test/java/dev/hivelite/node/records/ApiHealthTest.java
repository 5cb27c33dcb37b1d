package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/** {@code GET}/{@code HEAD /api/health} and the answers to {@code HEAD} requests, over real sockets. */
class ApiHealthTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /**
     * A HEAD answer is headers only, as Go's server sends it for PocketBase (health_test.go's GET
     * scenarios match HEAD too): a body after them would be read as the start of the next answer on a
     * kept-alive connection. Its Content-Length is the one the GET answer has.
     */
    @Test
    void aHeadAnswerHasNoBodySoTheNextAnswerOnTheConnectionStartsCleanly() throws Exception {
        String getHealth = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        for (String head : new String[] {"/api/health", "/api/no-such-route", "/db/no-such-db/api/health"}) {
            String answers = worker.raw("HEAD " + head + " HTTP/1.1\r\nHost: x\r\n\r\n" + getHealth);
            int end = answers.indexOf("\r\n\r\n");
            assertTrue(end > 0, answers);
            assertTrue(answers.startsWith("HTTP/1.1 ", end + 4), head + ": the HEAD answer carried a body: " + answers);
            assertTrue(answers.substring(end + 4).startsWith("HTTP/1.1 200 ")
                    && answers.endsWith("{\"message\":\"API is healthy.\",\"code\":200,\"data\":{}}"), answers);
        }
        String head = worker.raw("HEAD /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 ") && head.toLowerCase().contains("content-length: 50\r\n"), head);
        String missing = worker.raw("HEAD /api/no-such-route HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(missing.startsWith("HTTP/1.1 404 ") && missing.endsWith("\r\n\r\n"), missing);
        assertEquals(200, worker.send("HEAD", "/api/health", null, java.util.Map.of("Authorization", token)).statusCode());
    }

    /**
     * Go's router matches PocketBase's GET routes for HEAD too: every JSON read (PocketBase's, and the
     * platform's beside them) answers HEAD with the status and headers its GET has (Content-Length
     * included) and no body, errors too, and the next answer on the connection starts cleanly.
     */
    @Test
    void everyJsonReadAnswersHeadAsItsGetWithoutABody() throws Exception {
        worker.call("POST", "/api/collections", """
                {"name":"heads","type":"base","listRule":"","viewRule":"","fields":[{"name":"title","type":"text"}]}""",
                token, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"head_members\",\"type\":\"auth\"}", token, 200);
        String id = worker.call("POST", "/api/collections/heads/records", "{\"title\":\"one\"}", token, 200)
                .get("id").asText();
        java.util.Map<String, String> su = java.util.Map.of("Authorization", token);
        record Read(String path, java.util.Map<String, String> headers, int status) {
        }
        for (Read read : java.util.List.of(
                new Read("/api/collections/heads/records?perPage=1", java.util.Map.of(), 200),
                new Read("/api/collections/heads/records/" + id + "?fields=id", java.util.Map.of(), 200),
                new Read("/api/collections/heads/records/missing0000000", java.util.Map.of(), 404),
                new Read("/api/collections/heads/records?filter=(", java.util.Map.of(), 400),
                new Read("/api/collections/head_members/auth-methods", java.util.Map.of(), 200),
                new Read("/api/collections", su, 200),
                new Read("/api/collections", java.util.Map.of(), 401),
                new Read("/api/collections/heads", su, 200),
                new Read("/api/collections/meta/scaffolds", su, 200),
                new Read("/api/collections/meta/oauth2-providers", su, 200),
                new Read("/api/settings", su, 200),
                new Read("/db/main/api/collections/heads/records", java.util.Map.of(), 200),
                new Read("/api/databases", su, 200),
                new Read("/api/databases/main", su, 200),
                new Read("/api/databases/nowhere", su, 404),
                new Read("/api/databases/main/keys", su, 200),
                new Read("/api/superusers", su, 200),
                new Read("/api/activity?perPage=2", su, 200),
                new Read("/api/analytics", su, 200),
                new Read("/api/analytics", java.util.Map.of(), 401))) {
            // A HEAD between two GETs that answer the same: some reads carry live figures (a database's
            // size with its WAL, analytics), and the Content-Length is compared with a body that held still.
            HttpResponse<String> get = null;
            HttpResponse<String> head = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                get = worker.send("GET", read.path(), null, read.headers());
                head = worker.send("HEAD", read.path(), null, read.headers());
                if (get.body().equals(worker.send("GET", read.path(), null, read.headers()).body())) {
                    break;
                }
            }
            assertEquals(read.status(), get.statusCode(), read.path() + ": " + get.body());
            assertEquals(get.statusCode(), head.statusCode(), read.path());
            assertEquals("", head.body(), read.path());
            assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), read.path());
            assertEquals(String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                    head.headers().firstValue("Content-Length").orElse(""), read.path());
        }
        String pair = worker.raw("HEAD /api/collections/heads/records HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int end = pair.indexOf("\r\n\r\n");
        assertTrue(pair.startsWith("HTTP/1.1 200 ") && pair.startsWith("HTTP/1.1 200 ", end + 4), pair);
        assertEquals(404, worker.send("HEAD", "/api/collections/heads/records/" + id + "/nothing", null, su).statusCode(),
                "a path no GET route has is still not found");
    }

    /**
     * As PocketBase's health check tells a superuser: the first header the database's trustedProxy
     * settings name, then the common proxy headers, that the request carries with a value.
     */
    @Test
    void theProxyHeaderShownToASuperuserIsTheTrustedOneFirst() throws Exception {
        java.util.Map<String, String> su = java.util.Map.of("Authorization", token);
        assertEquals(200, worker.send("POST", "/api/databases", "{\"name\":\"proxied\"}", su).statusCode());
        assertEquals(200, worker.send("PATCH", "/db/proxied/api/settings",
                "{\"trustedProxy\":{\"headers\":[\"X-Edge-Client\"]}}", su).statusCode());
        String health = "/db/proxied/api/health";
        JsonNode both = worker.call("GET", health, null, token, 200);
        assertEquals("", both.at("/data/possibleProxyHeader").asText(), both.toString());
        assertEquals("X-Edge-Client", data(health, java.util.Map.of("X-Forwarded-For", "1.1.1.1", "X-Edge-Client", "9.9.9.9"))
                .get("possibleProxyHeader").asText());
        JsonNode trusted = data(health, java.util.Map.of("X-Edge-Client", "9.9.9.9"));
        assertEquals("9.9.9.9", trusted.get("realIP").asText(), trusted.toString());
        assertEquals("X-Forwarded-For", data(health, java.util.Map.of("X-Edge-Client", "", "X-Forwarded-For", "1.1.1.1"))
                .get("possibleProxyHeader").asText());
        assertEquals("", data("/api/health", java.util.Map.of("X-Edge-Client", "9.9.9.9")).get("possibleProxyHeader").asText(),
                "another database does not trust it");
        JsonNode guest = Json.mapper().readTree(worker.send("GET", health, null, java.util.Map.of("X-Edge-Client", "9.9.9.9")).body());
        assertEquals("{}", guest.get("data").toString());
    }

    /** As PocketBase's securityHeaders middleware sets them on every answer, errors included. */
    @Test
    void everyAnswerCarriesPocketBasesSecurityHeaders() throws Exception {
        for (String path : new String[] {"/api/health", "/api/no-such-route", "/api/settings"}) {
            java.net.http.HttpResponse<String> r = worker.send("GET", path, null, java.util.Map.of());
            assertEquals("1; mode=block", r.headers().firstValue("X-XSS-Protection").orElse(""), path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("SAMEORIGIN", r.headers().firstValue("X-Frame-Options").orElse(""), path);
        }
    }

    /** The superuser's health data with these request headers. */
    private static JsonNode data(String path, java.util.Map<String, String> headers) throws Exception {
        java.util.Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Authorization", token);
        java.net.http.HttpResponse<String> r = worker.send("GET", path, null, all);
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body()).get("data");
    }
}
