package dev.hivelite.node.http;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * Requests written to hurt, from a fuzzing session: each once got a 500, killed the worker or ran
 * something it should not have. Each must now be a clean 4xx (or harmless), and the worker serves on.
 */
class HostileInputTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        worker.call("POST", "/api/collections", "{\"name\":\"posts\",\"listRule\":\"\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"members\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"otp\":{\"enabled\":true},\"fields\":[{\"name\":\"pin\",\"type\":\"password\"}]}", su, 200);
        worker.call("POST", "/api/collections/members/records", "{\"email\":\"m@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void aBodyTheHandlerRefusedIsNeverRunAsAnotherRequest() throws Exception {
        String smuggled = "POST /api/collections/posts/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 20\r\n\r\n{\"title\":\"SMUGGLED\"}";
        String answer = worker.raw("POST /api/nonexistent HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
        assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, answer);
        JsonNode list = worker.call("GET", "/api/collections/posts/records?filter=title%3D%27SMUGGLED%27", null, su, 200);
        assertEquals(0, list.get("totalItems").asInt(), "nothing was created");
    }

    @Test
    void aTokenWhosePartsAreJsonNullIsNobody() throws Exception {
        worker.call("GET", "/api/health", null, "bnVsbA.bnVsbA.x", 200);
        worker.call("GET", "/api/collections/posts/records", null, "Bearer bnVsbA.bnVsbA.x", 200);
    }

    @Test
    void aStrayPercentInTheQueryIsA400() throws Exception {
        String answer = worker.raw("GET /api/collections/posts/records?filter=title~'50%' HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"status\":400"), answer);
        worker.call("GET", "/api/collections/posts/records?filter=title~'50%25'", null, null, 200);
    }

    @Test
    void anExcerptLongerThanAnIntIsJustLong() throws Exception {
        worker.call("GET", "/api/collections/posts/records?fields=title:excerpt(99999999999)", null, null, 200);
    }

    @Test
    void aHugeValueFromTheSqlEndpointIsSqlitesErrorNotTheWorkersDeath() throws Exception {
        JsonNode body = worker.call("POST", "/api/databases/main/query", "{\"sql\":\"select zeroblob(100000000)\"}", su, 400);
        assertTrue(body.get("message").asText().contains("too big"), body.toString());
        worker.call("POST", "/api/databases/main/query",
                "{\"sql\":\"select ?\",\"params\":[1,2]}", su, 400);
        worker.call("POST", "/api/databases/main/query",
                "{\"sql\":\"select ?, ?\",\"params\":[1]}", su, 400);
        worker.call("POST", "/api/databases/main/query",
                "{\"sql\":\"select ?\",\"params\":[123456789012345678901234567890]}", su, 400);
        worker.call("GET", "/api/health", null, null, 200);
    }

    @Test
    void aJsonBodySentAsAFormIsStillJsonAndARealFormIsReadAsOne() throws Exception {
        for (String body : new String[] {"{\"sql\":\"SELECT 41 + 1\"}", "sql=SELECT%2041%20%2B%201"}) {
            String answer = worker.raw("POST /api/databases/main/query HTTP/1.1\r\nHost: x\r\nAuthorization: " + su
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("[[42]]"), body + " → " + answer);
        }
    }

    @Test
    void errorsRaisedBeforeRoutingHavePocketBasesShapeToo() throws Exception {
        String badEscape = worker.raw("GET /api/collections/%zz/records HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(badEscape.startsWith("HTTP/1.1 400"), badEscape);
        assertTrue(badEscape.contains("\"status\":400") && badEscape.contains("\"data\":{}"), badEscape);
        String tooLong = worker.raw("GET /api/health?x=" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(tooLong.startsWith("HTTP/1.1 414") && tooLong.contains("\"status\":414"), tooLong);
        worker.call("GET", "/api/health", null, null, 200);
    }

    @Test
    void aContentTypeThatDoesNotParseIsReadAsJsonLikeAnyOtherType() throws Exception {
        String body = "{\"title\":\"odd type\"}";
        String created = worker.raw("POST /api/collections/posts/records HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: 44z8z\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertTrue(created.startsWith("HTTP/1.1 200") && created.contains("\"title\":\"odd type\""), created);
        String login = "{\"identity\":\"" + ADMIN_EMAIL + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}";
        String answer = worker.raw("POST /api/collections/_superusers/auth-with-password HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: ;;=\r\nContent-Length: " + login.length() + "\r\n\r\n" + login);
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("\"token\""), answer);
    }

    /** Past the 72 bytes bcrypt reads, yet within every length check (71 characters): 40 "é" or 19 emoji. */
    @Test
    void aPasswordLongerThanBcryptReadsIsAWrongPasswordOrA400() throws Exception {
        String longAscii = "x".repeat(100);
        String emoji = "\uD83D\uDE42".repeat(19);
        JsonNode superuser = worker.call("POST", "/api/collections/_superusers/auth-with-password",
                "{\"identity\":\"" + ADMIN_EMAIL + "\",\"password\":\"" + longAscii + "\"}", null, 400);
        assertEquals("Failed to authenticate.", superuser.get("message").asText());
        for (String password : new String[] {longAscii, emoji}) {
            JsonNode member = worker.call("POST", "/api/collections/members/auth-with-password",
                    "{\"identity\":\"m@example.com\",\"password\":\"" + password + "\"}", null, 400);
            assertEquals("Failed to authenticate.", member.get("message").asText());
        }
        String otpId = worker.call("POST", "/api/collections/members/request-otp", "{\"email\":\"m@example.com\"}", null, 200)
                .get("otpId").asText();
        worker.call("POST", "/api/collections/members/auth-with-otp", "{\"otpId\":\"" + otpId + "\",\"password\":\""
                + emoji + "\"}", null, 400);
        String wide = "\u00e9".repeat(40);
        worker.call("POST", "/api/collections/members/records", "{\"email\":\"w@example.com\",\"password\":\"" + wide
                + "\",\"passwordConfirm\":\"" + wide + "\"}", null, 400);
        worker.call("POST", "/api/collections/members/records", "{\"email\":\"p@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\",\"pin\":\"" + emoji + "\"}", null, 400);
        JsonNode list = worker.call("GET", "/api/collections/members/records?filter=email!%3D'm%40example.com'", null, su, 200);
        assertEquals(0, list.get("totalItems").asInt(), "nothing half-written: " + list);
    }

    @Test
    void aConditionalDateTheDashboardCannotReadIsA400AndTheApiIgnoresIt() throws Exception {
        for (String header : new String[] {"If-Modified-Since", "If-Unmodified-Since"}) {
            for (String path : new String[] {"/_/", "/_/index.html"}) {
                java.net.http.HttpResponse<String> answer = worker.send("GET", path, null, java.util.Map.of(header, "garbage"));
                assertEquals(400, answer.statusCode(), header + " " + path + ": " + answer.body());
                assertTrue(answer.body().contains("\"status\":400"), answer.body());
            }
            assertEquals(200, worker.send("GET", "/api/collections/posts/records", null, java.util.Map.of(header, "garbage"))
                    .statusCode());
        }
        assertEquals(200, worker.send("GET", "/_/", null, java.util.Map.of("If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT"))
                .statusCode(), "a real date still serves the page");
    }

    @Test
    void theDashboardsConditionalAnswersAreTheirStatusesNotA500() throws Exception {
        for (String path : new String[] {"/_/", "/_/index.html"}) {
            for (java.util.Map<String, String> header : java.util.List.of(java.util.Map.of("If-None-Match", "*"),
                    java.util.Map.of("If-Modified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"))) {
                java.net.http.HttpResponse<String> answer = worker.send("GET", path, null, header);
                assertEquals(304, answer.statusCode(), path + " " + header + ": " + answer.body());
                assertEquals("", answer.body());
            }
            java.net.http.HttpResponse<String> failed = worker.send("GET", path, null, java.util.Map.of("If-Match", "\"other\""));
            assertEquals(412, failed.statusCode(), failed.body());
            assertEquals(Json.mapper().readTree("{\"status\":412,\"message\":\"Precondition Failed.\",\"data\":{}}"),
                    Json.mapper().readTree(failed.body()));
        }
        worker.call("GET", "/api/health", null, null, 200);
    }

    @Test
    void aDashboardRangePastALongIsA416() throws Exception {
        for (String range : new String[] {"bytes=99999999999999999999-", "bytes=0-99999999999999999999", "bytes=-9223372036854775808"}) {
            java.net.http.HttpResponse<String> answer = worker.send("GET", "/_/", null, java.util.Map.of("Range", range));
            assertEquals(416, answer.statusCode(), range + ": " + answer.body());
            assertEquals(416, Json.mapper().readTree(answer.body()).get("status").asInt(), answer.body());
        }
        assertEquals(206, worker.send("GET", "/_/", null, java.util.Map.of("Range", "bytes=0-0")).statusCode());
    }

    private static final String SMUGGLED = "POST /api/collections/posts/records HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"title\":\"SMUGGLED\"}";

    private static void assertOneAnswerAndNothingSmuggled(String request, int status) throws Exception {
        String answer = worker.raw(request);
        assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
        assertTrue(answer.contains("\"status\":" + status), answer);
        assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, "one answer, then the connection closes: " + answer);
        JsonNode list = worker.call("GET", "/api/collections/posts/records?filter=title%3D%27SMUGGLED%27", null, su, 200);
        assertEquals(0, list.get("totalItems").asInt(), "nothing was smuggled: " + request);
    }

    /** RFC 9112 6.3: a front proxy may read such a length otherwise, and take the smuggled request for body. */
    @Test
    void aBodyWhoseLengthIsSaidTwoWaysIsRefusedAndNothingAfterItRuns() throws Exception {
        String body = "{\"title\":\"framed\"}";
        String head = "POST /api/collections/posts/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        for (String framing : new String[] {
                "Content-Length: " + body.length() + "\r\nContent-Length: " + (body.length() + SMUGGLED.length()),
                "Content-Length: " + (body.length() + SMUGGLED.length()) + "\r\nContent-Length: " + body.length(),
                "Content-Length: " + body.length() + ", " + (body.length() + SMUGGLED.length()),
                "Content-Length: -1", "Content-Length: +" + body.length(),
                "Transfer-Encoding: chunked\r\nContent-Length: " + body.length(),
                "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: identity"}) {
            assertOneAnswerAndNothingSmuggled(head + framing + "\r\n\r\n" + body + SMUGGLED, 400);
        }
        JsonNode framed = worker.call("GET", "/api/collections/posts/records?filter=title%3D%27framed%27", null, su, 200);
        assertEquals(0, framed.get("totalItems").asInt(), "none of the refused bodies was taken");
    }

    @Test
    void aChunkedBodyWhoseFramingBreaksIsA400AndItsConnectionCloses() throws Exception {
        String head = " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String path : new String[] {"/api/collections/posts/records", "/api/databases/main/query", "/api/health"}) {
            for (String chunks : new String[] {"zz\r\n{}\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"}) {
                String answer = worker.raw("POST " + path + head + chunks + SMUGGLED);
                assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, path + ": " + answer);
                assertTrue(answer.startsWith("HTTP/1.1 4") && answer.contains("\"data\":{"), path + ": " + answer);
            }
        }
        JsonNode list = worker.call("GET", "/api/collections/posts/records?filter=title%3D%27SMUGGLED%27", null, su, 200);
        assertEquals(0, list.get("totalItems").asInt(), "nothing was smuggled");
        String body = "{\"title\":\"chunked\"}";
        String fine = worker.raw("POST /api/collections/posts/records" + head + Integer.toHexString(body.length()) + "\r\n" + body
                + "\r\n0\r\n\r\n");
        assertTrue(fine.startsWith("HTTP/1.1 200") && fine.contains("\"title\":\"chunked\""), fine);
    }
}
