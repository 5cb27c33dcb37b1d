package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * Changes of collections that must not lose data or weaken an auth collection, as PocketBase guards
 * them: imports keep fields they leave out, system auth fields keep their flags, option objects
 * merge, secrets stay unseen, a view never selects {@code *}, and a table a view reads stays.
 */
class CollectionSafetyTest {

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

    private static JsonNode field(JsonNode collection, String name) {
        for (JsonNode f : collection.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The storage folder of a collection of the database at {@code prefix}, found by the collection's id. */
    private static Path storageOf(String prefix, String collection) throws Exception {
        String id = call("GET", prefix + "/api/collections/" + collection, null, 200).get("id").asText();
        try (Stream<Path> found = Files.walk(dataDir)) {
            return found.filter(p -> p.getFileName().toString().equals(id) && p.getParent().getFileName().toString()
                    .equals("storage")).findFirst().orElseThrow(() -> new AssertionError("no storage of " + collection));
        }
    }

    private static String upload(String prefix, String collection) throws Exception {
        HttpResponse<String> res = worker.sendForm("POST", prefix + "/api/collections/" + collection + "/records", new Form()
                .file("doc", "notes.txt", "text/plain", "some notes".getBytes(StandardCharsets.UTF_8)), Map.of("Authorization", su));
        assertEquals(200, res.statusCode(), res.body());
        return Json.mapper().readTree(res.body()).get("id").asText();
    }

    private static long filesUnder(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theFilesOfACollectionGoWithItsRecordsWhenItIsDeletedTruncatedOrDroppedByAnImport() throws Exception {
        String fileField = ",\"fields\":[{\"name\":\"doc\",\"type\":\"file\",\"maxSelect\":1}]}";
        call("POST", "/api/collections", "{\"name\":\"filed_deleted\"" + fileField, 200);
        upload("", "filed_deleted");
        Path deleted = storageOf("", "filed_deleted");
        assertEquals(1, filesUnder(deleted));
        call("DELETE", "/api/collections/filed_deleted", null, 204);
        assertFalse(Files.exists(deleted), "the collection's storage is removed with it");

        call("POST", "/api/collections", "{\"name\":\"filed_truncated\"" + fileField, 200);
        upload("", "filed_truncated");
        upload("", "filed_truncated");
        Path truncated = storageOf("", "filed_truncated");
        assertEquals(2, filesUnder(truncated));
        call("DELETE", "/api/collections/filed_truncated/truncate", null, 204);
        assertEquals(0, call("GET", "/api/collections/filed_truncated/records", null, 200).get("totalItems").asInt());
        assertEquals(0, filesUnder(truncated), "every truncated record's files are removed");

        call("POST", "/api/databases", "{\"name\":\"dropping\"}", 200);
        call("POST", "/db/dropping/api/collections", "{\"name\":\"filed_dropped\"" + fileField, 200);
        call("POST", "/db/dropping/api/collections", "{\"name\":\"filed_kept\"" + fileField, 200);
        upload("/db/dropping", "filed_dropped");
        upload("/db/dropping", "filed_kept");
        Path dropped = storageOf("/db/dropping", "filed_dropped");
        Path kept = storageOf("/db/dropping", "filed_kept");
        call("PUT", "/db/dropping/api/collections/import", "{\"deleteMissing\":true,\"collections\":[{\"name\":\"filed_kept\""
                + fileField + "]}", 204);
        assertFalse(Files.exists(dropped), "a collection an import drops takes its files along");
        assertEquals(1, filesUnder(kept));
    }

    @Test
    void truncatingAnAuthCollectionEndsTheTokensOfItsRecords() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"trunc_users\",\"type\":\"auth\"}", 200);
        call("POST", "/api/collections", "{\"name\":\"trunc_notes\",\"createRule\":\"@request.auth.id != ''\"}", 200);
        call("POST", "/api/collections/trunc_users/records", "{\"email\":\"t@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", 200);
        String token = worker.call("POST", "/api/collections/trunc_users/auth-with-password",
                "{\"identity\":\"t@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        worker.call("POST", "/api/collections/trunc_notes/records", "{}", token, 200);
        worker.call("POST", "/api/collections/trunc_notes/records", "{}", token, 200); // the tokenKey is cached now

        call("DELETE", "/api/collections/trunc_users/truncate", null, 204);
        worker.call("POST", "/api/collections/trunc_notes/records", "{}", token, 400); // anonymous now: the rule refuses
    }

    @Test
    void anImportWithoutDeleteMissingKeepsTheFieldsItLeavesOutAndTheirData() throws Exception {
        call("POST", "/api/collections", """
                {"name":"kept","fields":[{"name":"heading","type":"text"},{"name":"score","type":"number"}]}""", 200);
        String id = call("POST", "/api/collections/kept/records", "{\"heading\":\"h\",\"score\":7}", 200).get("id").asText();
        call("PUT", "/api/collections/import", """
                {"collections":[{"name":"kept","fields":[{"name":"extra","type":"text"}]}]}""", 204);
        JsonNode record = call("GET", "/api/collections/kept/records/" + id, null, 200);
        assertEquals("h", record.get("heading").asText(), record.toString());
        assertEquals(7, record.get("score").asInt());
        assertEquals("", record.get("extra").asText());

        JsonNode failed = call("PUT", "/api/collections/import", """
                {"collections":[{"name":"import_ok"},{"name":"import_bad","fields":[{"name":"expand","type":"text"}]}]}""", 400);
        assertEquals("validation_collections_import_failure", failed.at("/data/collections/code").asText(), failed.toString());
        call("GET", "/api/collections/import_ok", null, 404); // all or nothing
    }

    @Test
    void deleteMissingRemovesCollectionsThatReferToEachOther() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"stay\"}", 200);
        call("POST", "/api/collections", "{\"name\":\"ring_a\"}", 200);
        JsonNode b = call("POST", "/api/collections", "{\"name\":\"ring_b\",\"fields\":[{\"name\":\"a\",\"type\":\"relation\","
                + "\"collectionId\":\"ring_a\",\"maxSelect\":1}]}", 200);
        call("PATCH", "/api/collections/ring_a", "{\"fields\":[{\"name\":\"b\",\"type\":\"relation\",\"collectionId\":\""
                + b.get("id").asText() + "\",\"maxSelect\":1}]}", 200);
        JsonNode all = call("GET", "/api/collections?perPage=500", null, 200);
        StringBuilder keep = new StringBuilder();
        for (JsonNode c : all.get("items")) {
            if (!c.get("name").asText().startsWith("ring_") && !c.get("system").asBoolean()) {
                keep.append(keep.isEmpty() ? "" : ",").append(c);
            }
        }
        call("PUT", "/api/collections/import", "{\"deleteMissing\":true,\"collections\":[" + keep + "]}", 204);
        call("GET", "/api/collections/ring_a", null, 404);
        call("GET", "/api/collections/ring_b", null, 404);
        call("GET", "/api/collections/stay", null, 200);
    }

    @Test
    void theSystemFieldsOfAnAuthCollectionKeepTheirFlagsWhateverIsSubmitted() throws Exception {
        JsonNode created = call("POST", "/api/collections", """
                {"name":"weak","type":"auth","createRule":"","listRule":"","fields":[
                  {"name":"tokenKey","type":"text","system":true,"hidden":false,"required":false,"min":0},
                  {"name":"password","type":"password","hidden":false,"required":false,"min":10}]}""", 200);
        assertTrue(field(created, "tokenKey").get("hidden").asBoolean(), created.toString());
        assertTrue(field(created, "tokenKey").get("required").asBoolean());
        assertTrue(field(created, "password").get("hidden").asBoolean());
        assertTrue(field(created, "password").get("required").asBoolean());
        assertEquals(10, field(created, "password").get("min").asInt(), "the owner's password length stays");

        JsonNode noPassword = worker.call("POST", "/api/collections/weak/records", "{\"email\":\"p@example.com\"}", null, 400);
        assertEquals("validation_required", noPassword.at("/data/password/code").asText(), noPassword.toString());

        // A change that sends only its own fields keeps the system ones, and cannot weaken them either.
        JsonNode patched = call("PATCH", "/api/collections/weak", """
                {"fields":[{"name":"nick","type":"text"},{"name":"email","type":"email","system":false,"required":false}]}""",
                200);
        for (String name : new String[] {"id", "password", "tokenKey", "email", "emailVisibility", "verified", "nick"}) {
            assertTrue(field(patched, name) != null, name + " in " + patched);
        }
        assertTrue(field(patched, "email").get("system").asBoolean());
        assertEquals(field(created, "password").get("id"), field(patched, "password").get("id"), "the same field, kept");
        call("PATCH", "/api/collections/weak", """
                {"fields":[{"id":"%s","name":"secret","type":"password"}]}""".formatted(
                field(created, "password").get("id").asText()), 400);
    }

    @Test
    void anAuthOptionObjectMergesIntoTheCurrentOneAndClientSecretsAreNeverShown() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"merging\",\"type\":\"auth\"}", 200);
        JsonNode otp = call("PATCH", "/api/collections/merging", "{\"otp\":{\"enabled\":true}}", 200).get("otp");
        assertTrue(otp.get("enabled").asBoolean());
        assertEquals(180, otp.get("duration").asInt(), otp.toString());
        assertEquals(8, otp.get("length").asInt());
        assertFalse(otp.at("/emailTemplate/body").asText().isEmpty());

        JsonNode withProvider = call("PATCH", "/api/collections/merging", """
                {"oauth2":{"enabled":true,"providers":[{"name":"github","clientId":"cid","clientSecret":"csecret"}]}}""", 200);
        assertFalse(withProvider.toString().contains("csecret"), withProvider.toString());
        assertFalse(call("GET", "/api/collections", null, 200).toString().contains("csecret"));
        // The dashboard sends the providers back as it got them (no secret): the secret stays.
        call("PATCH", "/api/collections/merging", "{\"oauth2\":" + withProvider.get("oauth2") + "}", 200);
        JsonNode stored = call("POST", "/api/databases/main/query",
                "{\"sql\":\"SELECT options FROM _collections WHERE name = 'merging'\"}", 200);
        assertTrue(stored.toString().contains("csecret"), stored.toString());
    }

    @Test
    void aViewSelectingEverythingIsRefusedAndATableAViewReadsCannotBeDeleted() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"src\",\"fields\":[{\"name\":\"a\",\"type\":\"text\"}]}", 200);
        JsonNode star = call("POST", "/api/collections", """
                {"name":"v_star","type":"view","viewQuery":"select * from src"}""", 400);
        assertEquals("validation_invalid_view_query", star.at("/data/viewQuery/code").asText(), star.toString());
        call("POST", "/api/collections", """
                {"name":"v_src","type":"view","listRule":"","viewQuery":"select id, a from src"}""", 200);
        call("POST", "/api/collections", """
                {"name":"v_count","type":"view","listRule":"","viewQuery":"select (ROW_NUMBER() OVER()) as id, count(*) as n from src"}""", 200);
        JsonNode refused = call("DELETE", "/api/collections/src", null, 400);
        assertTrue(refused.get("message").asText().contains("v_"), refused.toString());
        call("GET", "/api/collections/v_src/records", null, 200);
        call("DELETE", "/api/collections/v_src", null, 204);
        call("DELETE", "/api/collections/v_count", null, 204);
        call("DELETE", "/api/collections/src", null, 204);
    }

    /** Each change would leave every read of the view failing with SQLite's "no such table/column" (a 500). */
    @Test
    void aChangeThatWouldBreakAViewIsRefusedAndTheViewStillReads() throws Exception {
        String srcId = call("POST", "/api/collections", "{\"name\":\"vsrc\",\"createRule\":\"\",\"fields\":["
                + "{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"text\"}]}", 200).get("id").asText();
        call("POST", "/api/collections", """
                {"name":"v_reader","type":"view","listRule":"","viewRule":"","viewQuery":"select v.id, v.a from vsrc v"}""", 200);
        String id = call("POST", "/api/collections/vsrc/records", "{\"a\":\"kept\"}", 200).get("id").asText();
        JsonNode src = call("GET", "/api/collections/vsrc", null, 200);
        String aId = field(src, "a").get("id").asText();
        String bId = field(src, "b").get("id").asText();
        record Change(String name, String method, String path, String body) {
        }
        for (Change change : java.util.List.of(
                new Change("renaming the table", "PATCH", "/api/collections/vsrc", "{\"name\":\"vsrc2\"}"),
                new Change("dropping the column", "PATCH", "/api/collections/vsrc",
                        "{\"fields\":[{\"id\":\"" + bId + "\",\"name\":\"b\",\"type\":\"text\"}]}"),
                new Change("renaming the column", "PATCH", "/api/collections/vsrc", "{\"fields\":[{\"id\":\"" + aId
                        + "\",\"name\":\"a2\",\"type\":\"text\"},{\"id\":\"" + bId + "\",\"name\":\"b\",\"type\":\"text\"}]}"),
                new Change("renaming the table by an import", "PUT", "/api/collections/import",
                        "{\"collections\":[{\"id\":\"" + srcId + "\",\"name\":\"vsrc2\",\"type\":\"base\"}]}"))) {
            JsonNode refused = call(change.method(), change.path(), change.body(), 400);
            assertTrue(refused.toString().contains("v_reader"), change.name() + ": " + refused);
            assertEquals("kept", call("GET", "/api/collections/v_reader/records/" + id, null, 200).get("a").asText(),
                    change.name());
        }
        call("PATCH", "/api/collections/vsrc", "{\"fields\":[{\"id\":\"" + aId + "\",\"name\":\"a\",\"type\":\"text\"}]}",
                200); // dropping a column no view reads
        call("PUT", "/api/collections/import", "{\"collections\":[{\"id\":\"" + srcId + "\",\"name\":\"vsrc2\","
                + "\"type\":\"base\"},{\"name\":\"v_reader\",\"type\":\"view\",\"listRule\":\"\",\"viewRule\":\"\","
                + "\"viewQuery\":\"select v.id, v.a from vsrc2 v\"}]}", 204); // the table and its view renamed together
        assertEquals("kept", call("GET", "/api/collections/v_reader/records/" + id, null, 200).get("a").asText());
    }
}
