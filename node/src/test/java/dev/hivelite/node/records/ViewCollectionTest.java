package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/** A view's fields follow the collections it selects from, when it is saved and when they change. */
class ViewCollectionTest {

    @TempDir
    Path dataDir;

    @Test
    void aViewFollowsTheFieldsOfItsSourceWhenTheSourceChanges() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            Map<String, String> su = Map.of("Authorization", worker.login(ADMIN_EMAIL, ADMIN_PASSWORD));
            ok(worker.send("POST", "/api/collections", """
                    {"name":"posts","listRule":"","viewRule":"","fields":[
                      {"name":"title","type":"text"},
                      {"name":"status","type":"select","maxSelect":1,"values":["draft","live"]}]}""", su));
            ok(worker.send("POST", "/api/collections", """
                    {"name":"board","type":"view","listRule":"","viewRule":"",
                     "viewQuery":"SELECT p.id, p.status AS state, CAST(upper(p.title) AS TEXT) AS loud, CAST(length(p.title) AS INTEGER) AS size FROM posts p"}""", su));
            JsonNode id = field(worker, su, "board", "id");
            assertEquals("text", id.get("type").asText());
            assertTrue(id.get("system").asBoolean() && id.get("required").asBoolean() && id.get("primaryKey").asBoolean(),
                    "a view's id is a system primary key, as in PocketBase: " + id);
            assertEquals("^[a-z0-9]+$", id.get("pattern").asText());
            JsonNode board = field(worker, su, "board", "state");
            assertEquals("select", board.get("type").asText());
            assertEquals(List.of("draft", "live"), Json.mapper().convertValue(board.get("values"), List.class));
            assertEquals("text", field(worker, su, "board", "loud").get("type").asText(), "a cast expression takes its type");
            assertEquals("number", field(worker, su, "board", "size").get("type").asText());

            // A new option on the source reaches the view, and a record using it reads back through it.
            JsonNode posts = Json.mapper().readTree(worker.send("GET", "/api/collections/posts", null, su).body());
            String fields = posts.get("fields").toString().replace("[\"draft\",\"live\"]", "[\"draft\",\"live\",\"archived\"]");
            ok(worker.send("PATCH", "/api/collections/posts", "{\"fields\":" + fields + "}", su));
            assertEquals(List.of("draft", "live", "archived"),
                    Json.mapper().convertValue(field(worker, su, "board", "state").get("values"), List.class));
            ok(worker.send("POST", "/api/collections/posts/records", "{\"title\":\"old\",\"status\":\"archived\"}", su));
            JsonNode rows = Json.mapper().readTree(worker.send("GET", "/api/collections/board/records", null, Map.of()).body());
            assertEquals("archived", rows.get("items").get(0).get("state").asText(), rows.toString());
            assertEquals("OLD", rows.get("items").get(0).get("loud").asText());
        }
    }

    @Test
    void aViewWhoseIdsAreComputedNumbersIsReadByThoseIdsAsText() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            Map<String, String> su = Map.of("Authorization", worker.login(ADMIN_EMAIL, ADMIN_PASSWORD));
            ok(worker.send("POST", "/api/collections", """
                    {"name":"posts","fields":[{"name":"title","type":"text"},
                      {"name":"status","type":"select","maxSelect":1,"values":["draft","live"]}]}""", su));
            ok(worker.send("POST", "/api/collections/posts/records", "{\"title\":\"a\",\"status\":\"live\"}", su));
            ok(worker.send("POST", "/api/collections", """
                    {"name":"numbered","type":"view","listRule":"","viewRule":"",
                     "viewQuery":"SELECT (ROW_NUMBER() OVER()) AS id, title, status AS state FROM posts"}""", su));
            JsonNode one = Json.mapper().readTree(worker.send("GET", "/api/collections/numbered/records/1", null, Map.of()).body());
            assertEquals("1", one.path("id").asText(), one.toString());
            assertEquals("a", one.get("title").asText());
            assertEquals("select", field(worker, su, "numbered", "state").get("type").asText(),
                    "the fields still follow their source through the cast");
            JsonNode byFilter = Json.mapper().readTree(worker.send("GET",
                    "/api/collections/numbered/records?filter=%28id%3D%221%22%29", null, Map.of()).body());
            assertEquals(1, byFilter.get("totalItems").asInt(), byFilter.toString());
            HttpResponse<String> rowid = worker.send("GET", "/api/collections/numbered/records?sort=-@rowid", null, Map.of());
            assertEquals(400, rowid.statusCode(), "a view has no rowid to sort on: " + rowid.body());
        }
    }

    @Test
    void aWriteToAViewIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            Map<String, String> su = Map.of("Authorization", worker.login(ADMIN_EMAIL, ADMIN_PASSWORD));
            ok(worker.send("POST", "/api/collections", "{\"name\":\"posts\",\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}", su));
            ok(worker.send("POST", "/api/collections", """
                    {"name":"titles","type":"view","viewQuery":"SELECT id, title FROM posts"}""", su));
            for (String[] write : new String[][] {{"POST", ""}, {"PATCH", "/x"}, {"DELETE", "/x"}}) {
                HttpResponse<String> res = worker.send(write[0], "/api/collections/titles/records" + write[1], "{\"", Map.of());
                assertEquals(400, res.statusCode(), write[0] + ": " + res.body());
                assertTrue(res.body().contains("\"message\":\"Unsupported collection type.\""), write[0] + ": " + res.body());
            }
        }
    }

    private static JsonNode field(TestWorker worker, Map<String, String> su, String collection, String name) throws Exception {
        JsonNode c = Json.mapper().readTree(worker.send("GET", "/api/collections/" + collection, null, su).body());
        for (JsonNode f : c.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + c);
    }

    private static void ok(HttpResponse<String> res) {
        assertEquals(200, res.statusCode(), res.uri() + ": " + res.body());
    }
}
