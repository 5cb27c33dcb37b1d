package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.ApiScenario;
import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * {@code POST /api/batch} over real HTTP, checked against PocketBase's answers: how the request is
 * read and bounded, the error shapes of a failing item, an unknown action and a timeout, and what
 * the rules of each item see (its own method, url query and headers).
 */
class BatchApiTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static final LeapingClock CLOCK = new LeapingClock();
    /** Placeholder → value: tokens and ids of the fixture. */
    private static final Map<String, String> values = new HashMap<>();

    /** The system clock; while {@code leaping}, every reading is 5 seconds later than the one before. */
    static final class LeapingClock extends Clock {
        volatile boolean leaping;
        private final AtomicLong offset = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            long millis = leaping ? offset.addAndGet(5000) : offset.get();
            return Instant.now().plusMillis(millis);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir, CLOCK);
        String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        values.put("su", su);
        String notesId = worker.call("POST", "/api/collections", """
                {"name":"notes","listRule":"","viewRule":"","createRule":"","updateRule":"","deleteRule":"",
                 "fields":[{"name":"title","type":"text","required":true,"max":400000},
                           {"name":"doc","type":"file","maxSelect":3}]}""", su, 200).get("id").asText();
        worker.call("PATCH", "/api/collections/notes", """
                {"fields":[{"name":"title","type":"text","required":true,"max":400000},
                           {"name":"doc","type":"file","maxSelect":3},
                           {"name":"ref","type":"relation","collectionId":"%s","maxSelect":1}]}""".formatted(notesId),
                su, 200);
        worker.call("POST", "/api/collections", """
                {"name":"methodical","createRule":"@request.method = 'POST'","updateRule":"@request.method = 'PATCH'",
                 "fields":[{"name":"name","type":"text"}]}""", su, 200);
        worker.call("POST", "/api/collections", """
                {"name":"gated","createRule":"@request.query.key = 'open'","fields":[{"name":"name","type":"text"}]}""",
                su, 200);
        worker.call("POST", "/api/collections", """
                {"name":"headed","createRule":"@request.headers.x_token = 't1'","fields":[{"name":"name","type":"text"}]}""",
                su, 200);
        worker.call("POST", "/api/collections", """
                {"name":"locked","fields":[{"name":"name","type":"text"}]}""", su, 200);
        worker.call("POST", "/api/collections", """
                {"name":"notesview","type":"view","viewQuery":"SELECT id, title FROM notes"}""", su, 200);
        values.put("note", worker.call("POST", "/api/collections/notes/records", "{\"title\":\"first note\"}", su, 200)
                .get("id").asText());
        worker.call("POST", "/api/collections/methodical/records", "{\"id\":\"methodical00001\",\"name\":\"m\"}", su, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @BeforeEach
    void batchOn() throws Exception {
        CLOCK.leaping = false;
        batchSettings("{\"enabled\":true,\"maxRequests\":10,\"timeout\":3,\"maxBodySize\":0}");
    }

    private static final String FAILED_ITEM = "\"code\":\"batch_request_failed\",\"message\":\"Batch request failed.\"";
    private static final String UNREADABLE = "{\"status\":400,\"message\":\"Failed to read the submitted batch data.\","
            + "\"data\":{}}";

    static Stream<ApiScenario> scenarios() {
        Map<String, String> su = Map.of("Authorization", "{su}");
        return Stream.of(
                ApiScenario.of("a GET is no batch action: the item fails with PocketBase's generic 400", "POST",
                        "/api/batch", requests("{\"method\":\"GET\",\"url\":\"/api/health\"}"), su, 400,
                        List.of("\"message\":\"Batch transaction failed.\"", "\"requests\":{\"0\":{" + FAILED_ITEM,
                                "\"response\":{\"status\":400,\"message\":\"Something went wrong while processing your"
                                        + " request.\",\"data\":{}}")),
                ApiScenario.of("a route that is no record route is no batch action either", "POST", "/api/batch",
                        requests(create("notes", "{\"title\":\"x\"}"),
                                "{\"method\":\"POST\",\"url\":\"/api/collections/notes/auth-with-password\"}"), su, 400,
                        List.of("\"1\":{" + FAILED_ITEM, "Something went wrong while processing your request."))
                        .notExpecting("\"0\":"),
                ApiScenario.of("requests that are no list cannot be read", "POST", "/api/batch", "{\"requests\":{}}", su,
                        400, List.of(UNREADABLE)),
                ApiScenario.of("an item that is no object cannot be read", "POST", "/api/batch", "{\"requests\":[\"x\"]}",
                        su, 400, List.of(UNREADABLE)),
                ApiScenario.of("a method that is no text cannot be read", "POST", "/api/batch",
                        requests("{\"method\":1,\"url\":\"/api/collections/notes/records\"}"), su, 400,
                        List.of(UNREADABLE)),
                ApiScenario.of("a body that is no object cannot be read", "POST", "/api/batch",
                        requests("{\"method\":\"POST\",\"url\":\"/api/collections/notes/records\",\"body\":[1]}"), su, 400,
                        List.of(UNREADABLE)),
                ApiScenario.of("headers that are no texts cannot be read", "POST", "/api/batch",
                        requests("{\"method\":\"POST\",\"url\":\"/api/collections/notes/records\",\"headers\":{\"a\":1}}"),
                        su, 400, List.of(UNREADABLE)),
                ApiScenario.of("malformed JSON cannot be read", "POST", "/api/batch", "{\"requests\":[", su, 400,
                        List.of(UNREADABLE)),
                ApiScenario.of("an empty batch", "POST", "/api/batch", "{\"requests\":[]}", su, 400,
                        List.of("\"message\":\"Invalid batch request data.\"",
                                "\"requests\":{\"code\":\"validation_required\"")),
                ApiScenario.of("every item checked before any runs", "POST", "/api/batch",
                        requests("{}", create("notes", "{\"title\":\"valid\"}"),
                                "{\"method\":\"patch\",\"url\":\"/api/collections/notes/records/x\"}",
                                "{\"method\":\"POST\",\"url\":\"/" + "a".repeat(2000) + "\"}"), su, 400,
                        List.of("\"0\":{\"method\":{\"code\":\"validation_required\"",
                                "\"url\":{\"code\":\"validation_required\"",
                                "\"2\":{\"method\":{\"code\":\"validation_in_invalid\"",
                                "\"3\":{\"url\":{\"code\":\"validation_length_too_long\",\"message\":\"The length must be no more than 2000.\","
                                        + "\"params\":{\"max\":2000,\"min\":0}}")).notExpecting("\"1\":"),
                ApiScenario.of("more requests than allowed", "POST", "/api/batch",
                        requests(java.util.Collections.nCopies(11, create("notes", "{}")).toArray(String[]::new)), su, 400,
                        List.of("\"requests\":{\"code\":\"validation_length_too_long\","
                                + "\"message\":\"The length must be no more than 10.\",\"params\":{\"max\":10,\"min\":0}}")),
                ApiScenario.of("an update in a view is refused before its record is looked up", "POST", "/api/batch",
                        requests("{\"method\":\"PATCH\",\"url\":\"/api/collections/notesview/records/missing\"}"), su, 400,
                        List.of("\"response\":{\"status\":400,\"message\":\"Unsupported collection type.\"")),
                ApiScenario.of("a superuser-only update is 403 before its record is looked up", "POST", "/api/batch",
                        requests("{\"method\":\"PATCH\",\"url\":\"/api/collections/locked/records/missing\"}"), Map.of(),
                        400, List.of("\"response\":{\"status\":403,\"message\":\"Only superusers can perform this action.\"")),
                ApiScenario.of("an item's own Authorization header changes nothing", "POST", "/api/batch",
                        requests("{\"method\":\"POST\",\"url\":\"/api/collections/locked/records\",\"body\":{\"name\":\"x\"},"
                                + "\"headers\":{\"Authorization\":\"{su}\"}}"), Map.of(), 400,
                        List.of("\"response\":{\"status\":403")),
                ApiScenario.of("the rules see the query of the item's url", "POST", "/api/batch",
                        requests(create("gated?key=open", "{\"name\":\"in\"}")), Map.of(), 200,
                        List.of("\"status\":200", "\"name\":\"in\"")),
                ApiScenario.of("the batch url's own query is not the item's", "POST", "/api/batch?key=open",
                        requests(create("gated", "{\"name\":\"in\"}")), Map.of(), 400,
                        List.of("\"0\":{" + FAILED_ITEM, "\"message\":\"Failed to create record.\"")),
                ApiScenario.of("the rules see the item's own headers", "POST", "/api/batch",
                        requests("{\"method\":\"POST\",\"url\":\"/api/collections/headed/records\",\"body\":{\"name\":\"h\"},"
                                + "\"headers\":{\"X-Token\":\"t1\"}}"), Map.of(), 200, List.of("\"name\":\"h\"")),
                ApiScenario.of("an item's header wins over the batch request's", "POST", "/api/batch",
                        requests("{\"method\":\"POST\",\"url\":\"/api/collections/headed/records\",\"body\":{},"
                                + "\"headers\":{\"x-token\":\"t2\"}}"), Map.of("X-Token", "t1"), 400,
                        List.of("\"message\":\"Failed to create record.\"")),
                ApiScenario.of("the rules see a create as POST and an upsert of an existing record as PATCH", "POST",
                        "/api/batch", requests(create("methodical", "{\"name\":\"new\"}"),
                                "{\"method\":\"PUT\",\"url\":\"/api/collections/methodical/records\","
                                        + "\"body\":{\"id\":\"methodical00001\",\"name\":\"upserted\"}}",
                                "{\"method\":\"PUT\",\"url\":\"/api/collections/methodical/records\","
                                        + "\"body\":{\"id\":\"methodical00002\",\"name\":\"created\"}}"),
                        Map.of(), 200, List.of("\"name\":\"new\"", "\"name\":\"upserted\"", "\"name\":\"created\"")),
                ApiScenario.of("expand and fields of an item's url shape its body", "POST", "/api/batch",
                        requests(create("notes?expand=ref&fields=id,title:excerpt(3,true),expand.ref.title",
                                "{\"title\":\"hello world\",\"ref\":\"{note}\"}")), su, 200,
                        List.of("\"title\":\"hel...\"", "\"expand\":{\"ref\":{\"title\":\"first note\"}}"))
                        .notExpecting("\"collectionName\""),
                ApiScenario.of("a delete answers 204 with a null body", "POST", "/api/batch",
                        requests(create("notes", "{\"id\":\"tobedeleted0001\",\"title\":\"x\"}"),
                                "{\"method\":\"DELETE\",\"url\":\"/api/collections/notes/records/tobedeleted0001\"}"), su,
                        200, List.of("\"status\":204,\"body\":null")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void batch(ApiScenario scenario) throws Exception {
        scenario.run(worker, BatchApiTest::fill);
    }

    @Test
    void timeoutFailsTheWholeBatchWithABare400() throws Exception {
        batchSettings("{\"timeout\":1}");
        int before = count("notes");
        CLOCK.leaping = true;
        HttpResponse<String> res;
        try {
            res = worker.send("POST", "/api/batch", requests(create("notes", "{\"title\":\"late 1\"}"),
                    create("notes", "{\"title\":\"late 2\"}")), Map.of("Authorization", values.get("su")));
        } finally {
            CLOCK.leaping = false;
        }
        assertEquals(400, res.statusCode(), res.body());
        assertEquals(Map.of("status", 400, "message", "Batch transaction failed.", "data", Map.of()), TestWorker.json(res));
        assertEquals(before, count("notes"), "nothing of a batch that timed out is kept");
    }

    @Test
    void bodyPastMaxBodySizeIs413WhetherDeclaredOrStreamed() throws Exception {
        batchSettings("{\"maxBodySize\":1000}");
        int before = count("notes");
        HttpResponse<String> declared = worker.send("POST", "/api/batch",
                requests(create("notes", "{\"title\":\"" + "x".repeat(1200) + "\"}")),
                Map.of("Authorization", values.get("su")));
        assertEquals(413, declared.statusCode(), declared.body());
        assertEquals(Map.of("status", 413, "message", "Request entity too large.", "data", Map.of()),
                TestWorker.json(declared));

        // Without a Content-Length the parts are counted as they arrive: two files of 700 bytes pass it together.
        Form form = new Form().field("@jsonPayload", requests(create("notes", "{\"title\":\"streamed\"}")))
                .file("requests.0.doc", "a.txt", "text/plain", new byte[700])
                .file("requests.0.doc", "b.txt", "text/plain", new byte[700]);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.worker.port() + "/api/batch"))
                .header("Content-Type", form.contentType()).header("Authorization", values.get("su"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form.bytes()))).build();
        HttpResponse<String> streamed;
        try (HttpClient client = HttpClient.newHttpClient()) {
            streamed = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(413, streamed.statusCode(), streamed.body());
        assertEquals("Request entity too large.", TestWorker.json(streamed).get("message"));
        assertEquals(before, count("notes"));
        try (Stream<Path> left = Files.list(dataDir.resolve(".tmp").resolve("uploads"))) {
            assertEquals(0, left.count(), "the part that was being received is removed");
        }
    }

    @Test
    void jsonBodyLargerThanOtherRoutesAllowIsReadUpToMaxBodySize() throws Exception {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(create("notes", "{\"title\":\"" + Character.toString('a' + i).repeat(300_000) + "\"}"));
        }
        HttpResponse<String> res = worker.send("POST", "/api/batch", requests(items.toArray(String[]::new)),
                Map.of("Authorization", values.get("su")));
        assertEquals(200, res.statusCode(), res.body().substring(0, Math.min(400, res.body().length())));
        assertEquals(5, Json.mapper().readTree(res.body()).size());
    }

    @Test
    void formFilesGoToTheItemTheirKeyNamesAndNamesInABodyRemoveFiles() throws Exception {
        String su = values.get("su");
        Map<String, Object> existing = TestWorker.json(worker.sendForm("POST", "/api/collections/notes/records",
                new Form().field("title", "with files").file("doc", "keep.txt", "text/plain", bytes("keep"))
                        .file("doc", "drop.txt", "text/plain", bytes("drop")), Map.of("Authorization", su)));
        @SuppressWarnings("unchecked")
        List<String> docs = (List<String>) existing.get("doc");
        String payload = requests(create("notes", "{\"title\":\"batch1\"}"), create("notes", "{\"title\":\"batch2\"}"),
                create("notes", "{\"title\":\"batch3\"}"),
                "{\"method\":\"PATCH\",\"url\":\"/api/collections/notes/records/" + existing.get("id")
                        + "\",\"body\":{\"doc-\":\"" + docs.get(1) + "\"}}");
        HttpResponse<String> res = worker.sendForm("POST", "/api/batch", new Form().field("@jsonPayload", payload)
                .file("requests.0.doc", "one.txt", "text/plain", bytes("1"))
                .file("requests.0.doc", "two.txt", "text/plain", bytes("2"))
                .file("requests[2].doc", "three.txt", "text/plain", bytes("3")), Map.of("Authorization", su));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode results = Json.mapper().readTree(res.body());
        assertEquals(2, results.get(0).path("body").path("doc").size());
        assertEquals(0, results.get(1).path("body").path("doc").size());
        assertEquals(1, results.get(2).path("body").path("doc").size());
        assertEquals(List.of(docs.get(0)), Json.mapper().convertValue(results.get(3).path("body").path("doc"), List.class));
        String first = results.get(0).path("body").path("doc").get(0).asText();
        assertTrue(first.matches("one_[a-z0-9]{10}\\.txt"), first);
        byte[] served = worker.sendForBytes("GET", "/api/files/notes/" + results.get(0).path("body").path("id").asText()
                + "/" + first, Map.of());
        assertEquals("1", new String(served, StandardCharsets.UTF_8));
        HttpResponse<String> removed = worker.send("GET", "/api/files/notes/" + existing.get("id") + "/" + docs.get(1),
                null, Map.of());
        assertEquals(404, removed.statusCode(), "the file a batch item removed is gone once committed");
        assertFalse(res.body().contains("\"status\":4"));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static void batchSettings(String batch) throws Exception {
        worker.call("PATCH", "/api/settings", "{\"batch\":" + batch + "}", values.get("su"), 200);
    }

    private static int count(String collection) throws Exception {
        return worker.call("GET", "/api/collections/" + collection + "/records?perPage=1", null, values.get("su"), 200)
                .get("totalItems").asInt();
    }

    private static String create(String collectionAndQuery, String body) {
        String[] parts = collectionAndQuery.split("\\?", 2);
        return "{\"method\":\"POST\",\"url\":\"/api/collections/" + parts[0] + "/records"
                + (parts.length > 1 ? "?" + parts[1] : "") + "\",\"body\":" + body + "}";
    }

    private static String requests(String... items) {
        return "{\"requests\":[" + String.join(",", items) + "]}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String fill(String template) {
        Matcher m = Pattern.compile("\\{(su|note)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
