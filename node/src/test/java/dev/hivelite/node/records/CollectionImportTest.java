package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;

/**
 * {@code PUT /api/collections/import} as PocketBase runs it ({@code core/collection_import.go},
 * {@code apis/collection_import_test.go}): what {@code deleteMissing} removes and when, and how a
 * failing collection is reported. Each test imports into a database of its own.
 */
class CollectionImportTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, int expected) throws Exception {
        return worker.call(method, path, body, su, expected);
    }

    /** A fresh database; returns its path prefix. */
    private static String database(String name) throws Exception {
        call("POST", "/api/databases", "{\"name\":\"" + name + "\"}", 200);
        return "/db/" + name;
    }

    private static List<String> fieldNames(JsonNode collection) {
        List<String> names = new ArrayList<>();
        collection.get("fields").forEach(f -> names.add(f.get("name").asText()));
        return names;
    }

    @Test
    void deleteMissingDeletesFirstSoAnImportedCollectionMayTakeTheNameOfOneThatGoes() throws Exception {
        String db = database("import_reuse");
        String oldId = call("POST", db + "/api/collections", "{\"name\":\"posts\",\"fields\":[{\"name\":\"title\","
                + "\"type\":\"text\"}]}", 200).get("id").asText();
        call("POST", db + "/api/collections/posts/records", "{\"title\":\"old\"}", 200);

        call("PUT", db + "/api/collections/import", """
                {"deleteMissing":true,"collections":[{"id":"posts_v2","name":"posts","fields":[{"name":"body","type":"text"}]}]}""",
                204);

        JsonNode posts = call("GET", db + "/api/collections/posts", null, 200);
        assertEquals("posts_v2", posts.get("id").asText(), posts.toString());
        assertEquals(List.of("id", "body"), fieldNames(posts));
        call("GET", db + "/api/collections/" + oldId, null, 404);
        assertEquals(0, call("GET", db + "/api/collections/posts/records", null, 200).get("totalItems").asInt(),
                "the records went with the collection that was deleted");
    }

    @Test
    void deleteMissingClearsTheFieldsOfACollectionImportedWithoutAnyAndKeepsItsSystemOnes() throws Exception {
        String db = database("import_clear");
        call("POST", db + "/api/collections", "{\"name\":\"notes\",\"fields\":[{\"name\":\"title\",\"type\":\"text\"},"
                + "{\"name\":\"n\",\"type\":\"number\"}]}", 200);
        call("POST", db + "/api/collections", "{\"name\":\"members\",\"type\":\"auth\",\"fields\":[{\"name\":\"nick\","
                + "\"type\":\"text\"}]}", 200);

        call("PUT", db + "/api/collections/import", "{\"collections\":[{\"name\":\"notes\",\"listRule\":\"\"}]}", 204);
        assertEquals(List.of("id", "title", "n"), fieldNames(call("GET", db + "/api/collections/notes", null, 200)),
                "without deleteMissing, the fields a definition leaves out stay");

        call("PUT", db + "/api/collections/import", "{\"deleteMissing\":true,\"collections\":[{\"name\":\"notes\"},"
                + "{\"name\":\"members\",\"type\":\"auth\"}]}", 204);
        assertEquals(List.of("id"), fieldNames(call("GET", db + "/api/collections/notes", null, 200)));
        List<String> members = fieldNames(call("GET", db + "/api/collections/members", null, 200));
        assertFalse(members.contains("nick"), members.toString());
        assertTrue(members.containsAll(List.of("id", "password", "tokenKey", "email", "emailVisibility", "verified")),
                members.toString());
    }

    @Test
    void viewsAndRelationsMayNameCollectionsListedAfterThem() throws Exception {
        String db = database("import_order");
        call("PUT", db + "/api/collections/import", """
                {"collections":[
                 {"name":"v_first","type":"view","viewQuery":"select id, a from t_later"},
                 {"name":"ring_a","fields":[{"name":"b","type":"relation","collectionId":"ring_b","maxSelect":1}],
                  "indexes":["CREATE INDEX idx_ring_a_b ON ring_a (b)"]},
                 {"id":"ring_b_id","name":"ring_b","fields":[{"name":"a","type":"relation","collectionId":"ring_a","maxSelect":1}]},
                 {"name":"t_later","fields":[{"name":"a","type":"text"}]}]}""", 204);
        assertEquals(List.of("id", "a"), fieldNames(call("GET", db + "/api/collections/v_first", null, 200)));
        JsonNode a = call("GET", db + "/api/collections/ring_a", null, 200);
        assertEquals("ring_b_id", a.at("/fields/1/collectionId").asText(), a.toString());
        assertTrue(a.get("indexes").toString().contains("idx_ring_a_b"), a.toString());
        JsonNode b = call("GET", db + "/api/collections/ring_b", null, 200);
        assertEquals(a.get("id").asText(), b.at("/fields/1/collectionId").asText(), b.toString());
        String bId = call("POST", db + "/api/collections/ring_b/records", "{}", 200).get("id").asText();
        call("POST", db + "/api/collections/ring_a/records", "{\"b\":\"" + bId + "\"}", 200);
    }

    @Test
    void aBodyThatDoesNotBindIsRefusedBeforeAnythingIsImported() throws Exception {
        String db = database("import_binding");
        for (String body : List.of("{", "[]", "{\"collections\":[1]}", "{\"collections\":{\"name\":\"x\"}}",
                "{\"collections\":[{\"name\":\"x\"}],\"deleteMissing\":\"yes\"}")) {
            JsonNode refused = call("PUT", db + "/api/collections/import", body, 400);
            assertEquals("An error occurred while loading the submitted data.", refused.get("message").asText(), body);
            assertEquals(0, refused.get("data").size(), body);
        }
        for (String body : List.of("{}", "{\"collections\":null}", "{\"collections\":[]}")) {
            JsonNode blank = call("PUT", db + "/api/collections/import", body, 400);
            assertEquals("An error occurred while validating the submitted data.", blank.get("message").asText(), body);
            assertEquals("validation_required", blank.at("/data/collections/code").asText(), body);
        }
        call("GET", db + "/api/collections/x", null, 404);
    }

    @Test
    void aCollectionThatFailsIsNamedWithItsIdAndItsErrorsAsPocketBaseWritesThem() throws Exception {
        String db = database("import_failure");
        JsonNode failed = call("PUT", db + "/api/collections/import", """
                {"collections":[{"name":"import1"},{"name":"import2","fields":[{"id":"koih1lqx","name":"expand","type":"text"}]}]}""",
                400);
        assertEquals("Failed to import collections.", failed.get("message").asText());
        assertEquals("validation_collections_import_failure", failed.at("/data/collections/code").asText());
        assertEquals("""
                Data validations failed for collection "import2" (pbc_3894273008):
                {
                  "fields": {
                    "1": {
                      "name": "Must be a different value."
                    }
                  }
                }""", failed.at("/data/collections/message").asText());
        call("GET", db + "/api/collections/import1", null, 404); // all or nothing

        call("POST", db + "/api/collections", "{\"name\":\"kept\",\"fields\":[{\"name\":\"a\",\"type\":\"text\"}]}", 200);
        String id = call("GET", db + "/api/collections/kept", null, 200).get("id").asText();
        JsonNode badIndexes = call("PUT", db + "/api/collections/import", """
                {"collections":[{"name":"kept","indexes":["CREATE INDEX idx_b ON kept (missing)","CREATE INDEX idx_a ON kept (a)",
                 "CREATE INDEX idx_c ON kept (gone)"]}]}""", 400);
        assertEquals("Data validations failed for collection \"kept\" (" + id + "):\n{\n  \"indexes\": {\n"
                + "    \"0\": \"Failed to create index idx_b - no such column: missing.\",\n"
                + "    \"2\": \"Failed to create index idx_c - no such column: gone.\"\n  }\n}",
                badIndexes.at("/data/collections/message").asText());
    }
}
