package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * What every route of PocketBase's API shares: a body may be JSON, URL-encoded or multipart (with a
 * {@code @jsonPayload} part), and {@code ?fields=} picks from every successful JSON answer.
 */
class ApiConventionsTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        call("POST", "/api/collections", "{\"name\":\"members\",\"type\":\"auth\",\"createRule\":\"\"}", token, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, String auth, int expected) throws Exception {
        return worker.call(method, path, body, auth, expected);
    }

    @Test
    void fieldsPicksFromEverySuccessfulJsonAnswer() throws Exception {
        JsonNode methods = call("GET", "/api/collections/members/auth-methods?fields=password", null, null, 200);
        assertEquals(List.of("password"), names(methods));
        assertTrue(methods.at("/password/enabled").asBoolean());
        assertEquals(List.of("code"), names(call("GET", "/api/health?fields=code", null, null, 200)));
        JsonNode settings = call("GET", "/api/settings?fields=meta.appName", null, token, 200);
        assertEquals(List.of("meta"), names(settings));
        assertEquals(List.of("appName"), names(settings.get("meta")));
        JsonNode created = call("POST", "/api/collections?fields=id,name", "{\"name\":\"picked_notes\"}", token, 200);
        assertEquals(List.of("id", "name"), names(created));
        assertEquals(List.of("name"), names(call("PATCH", "/api/collections/picked_notes?fields=name",
                "{\"listRule\":\"\"}", token, 200)));
        assertEquals(List.of("base"), names(call("GET", "/api/collections/meta/scaffolds?fields=base", null, token, 200)));
        assertEquals(List.of("token"), names(call("POST", "/api/files/token?fields=token", null, token, 200)));
    }

    @Test
    void multipartFormsAreBodiesOfTheOtherRoutesToo() throws Exception {
        java.util.Map<String, String> su = java.util.Map.of("Authorization", token);
        java.net.http.HttpResponse<String> created = worker.sendForm("POST", "/api/collections",
                new dev.hivelite.node.Form().field("name", "form_notes").field("listRule", ""), su);
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("", Json.mapper().readTree(created.body()).get("listRule").asText());
        java.net.http.HttpResponse<String> settings = worker.sendForm("PATCH", "/api/settings",
                new dev.hivelite.node.Form().field("@jsonPayload", "{\"meta\":{\"appName\":\"Form app\"}}"), su);
        assertEquals(200, settings.statusCode(), settings.body());
        assertEquals("Form app", Json.mapper().readTree(settings.body()).at("/meta/appName").asText());
        java.net.http.HttpResponse<String> realtime = worker.sendForm("POST", "/api/realtime",
                new dev.hivelite.node.Form().field("clientId", "no-such-client").field("subscriptions", "form_notes"), su);
        assertEquals(404, realtime.statusCode(), "the form is read, the client is unknown: " + realtime.body());
        java.net.http.HttpResponse<String> badPayload = worker.sendForm("PATCH", "/api/settings",
                new dev.hivelite.node.Form().field("@jsonPayload", "[1"), su);
        assertEquals(400, badPayload.statusCode(), badPayload.body());
        for (String notAnObject : List.of("[]", "123", "\"text\"", "true")) {
            java.net.http.HttpResponse<String> record = worker.sendForm("POST", "/api/collections/form_notes/records",
                    new dev.hivelite.node.Form().field("@jsonPayload", notAnObject), su);
            assertEquals(400, record.statusCode(), "@jsonPayload " + notAnObject + ": " + record.body());
        }
    }

    @Test
    void aPageLargerThanOneAnswerMayHoldIsRefusedAndTheWorkerKeepsServing() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"blobs\",\"listRule\":\"\",\"fields\":[{\"name\":\"data\",\"type\":\"json\"}]}",
                token, 200);
        String big = "{\"data\":\"" + "y".repeat(1_000_000) + "\"}";
        for (int i = 0; i < 60; i++) {
            call("POST", "/api/collections/blobs/records", big, token, 200);
        }
        java.net.http.HttpResponse<String> refused = worker.send("GET", "/api/collections/blobs/records?perPage=60", null,
                java.util.Map.of());
        assertEquals(400, refused.statusCode(), "60 MB in one page");
        assertTrue(Json.mapper().readTree(refused.body()).get("message").asText().contains("perPage"));
        assertEquals(10, call("GET", "/api/collections/blobs/records?perPage=10", null, null, 200).get("items").size());
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
