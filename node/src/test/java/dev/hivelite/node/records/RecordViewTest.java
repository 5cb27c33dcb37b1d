package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;

/**
 * Views and lists answer from the database's read cache when the answer is rows alone, per caller
 * under a rule that reads the caller's identity; every change (a write, a schema change, a rule
 * change, a delete) shows in the very next answer, and what moves with the clock is never kept.
 */
class RecordViewTest {

    @TempDir
    Path dataDir;

    @Test
    void everyChangeShowsInTheNextView() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"},{\"name\":\"secret\",\"type\":\"text\",\"hidden\":true}]}",
                    su, 200);
            String id = worker.call("POST", "/api/collections/notes/records", "{\"text\":\"one\",\"secret\":\"s\"}", su, 200)
                    .get("id").asText();
            String path = "/api/collections/notes/records/" + id;
            for (int i = 0; i < 3; i++) {
                JsonNode guest = worker.call("GET", path, null, null, 200);
                assertEquals("one", guest.get("text").asText());
                assertFalse(guest.has("secret"), "a guest never gets what a superuser's view showed");
                assertEquals("s", worker.call("GET", path, null, su, 200).get("secret").asText());
            }
            worker.call("PATCH", path, "{\"text\":\"two\"}", su, 200);
            assertEquals("two", worker.call("GET", path, null, null, 200).get("text").asText());
            worker.call("PATCH", "/api/collections/notes", "{\"fields\":[{\"name\":\"text\",\"type\":\"text\"},"
                    + "{\"name\":\"secret\",\"type\":\"text\",\"hidden\":true},{\"name\":\"extra\",\"type\":\"number\"}]}", su, 200);
            assertTrue(worker.call("GET", path, null, null, 200).has("extra"), "the new field shows");
            worker.call("PATCH", "/api/collections/notes", "{\"viewRule\":\"text = 'other'\"}", su, 200);
            worker.call("GET", path, null, null, 404);
            worker.call("PATCH", "/api/collections/notes", "{\"viewRule\":\"\"}", su, 200);
            assertEquals("two", worker.call("GET", path + "?fields=text", null, null, 200).get("text").asText());
            worker.call("DELETE", path, null, su, 204);
            worker.call("GET", path, null, null, 404);
            worker.call("GET", path, null, su, 404);
        }
    }

    @Test
    void anOwnerRuleKeepsEachCallersAnswerApart() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"users\",\"type\":\"auth\"}", su, 200);
            String[] ids = new String[2];
            String[] tokens = new String[2];
            for (int i = 0; i < 2; i++) {
                String email = "u" + i + "@example.com";
                ids[i] = worker.call("POST", "/api/collections/users/records", "{\"email\":\"" + email
                        + "\",\"password\":\"password123\",\"passwordConfirm\":\"password123\"}", su, 200).get("id").asText();
                tokens[i] = worker.call("POST", "/api/collections/users/auth-with-password",
                        "{\"identity\":\"" + email + "\",\"password\":\"password123\"}", null, 200).get("token").asText();
            }
            String rule = "owner = @request.auth.id";
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"" + rule + "\",\"viewRule\":\""
                    + rule + "\",\"createRule\":\"" + rule + "\",\"fields\":[{\"name\":\"text\",\"type\":\"text\"},"
                    + "{\"name\":\"owner\",\"type\":\"relation\",\"collectionId\":\"users\",\"maxSelect\":1}]}", su, 200);
            String id = worker.call("POST", "/api/collections/notes/records", "{\"text\":\"a's\",\"owner\":\"" + ids[0] + "\"}",
                    tokens[0], 200).get("id").asText();
            String path = "/api/collections/notes/records/" + id;
            String list = "/api/collections/notes/records?perPage=5";
            for (int round = 0; round < 3; round++) {
                assertEquals("a's", worker.call("GET", path, null, tokens[0], 200).get("text").asText());
                worker.call("GET", path, null, tokens[1], 404);
                worker.call("GET", path, null, null, 404);
                assertEquals(1, worker.call("GET", list, null, tokens[0], 200).get("totalItems").asInt());
                assertEquals(0, worker.call("GET", list, null, tokens[1], 200).get("totalItems").asInt(), "round " + round);
                assertEquals(0, worker.call("GET", list, null, null, 200).get("totalItems").asInt());
            }
            worker.call("PATCH", path, "{\"owner\":\"" + ids[1] + "\"}", su, 200);
            worker.call("GET", path, null, tokens[0], 404);
            assertEquals("a's", worker.call("GET", path, null, tokens[1], 200).get("text").asText());
            assertEquals(0, worker.call("GET", list, null, tokens[0], 200).get("totalItems").asInt());
            worker.call("POST", "/api/collections/notes/records", "{\"text\":\"b's\",\"owner\":\"" + ids[1] + "\"}",
                    tokens[1], 200);
            JsonNode page = worker.call("GET", list, null, tokens[1], 200);
            assertEquals(2, page.get("totalItems").asInt(), "the create shows in the next list");
            // Logged out everywhere: the same token no longer reads what it read a moment ago.
            worker.call("PATCH", "/api/collections/users/records/" + ids[1], "{\"password\":\"password456\","
                    + "\"passwordConfirm\":\"password456\"}", su, 200);
            worker.call("GET", path, null, tokens[1], 404);
            assertEquals(0, worker.call("GET", list, null, tokens[1], 200).get("totalItems").asInt());
        }
    }

    @Test
    void aFilterOnTheClockIsReadAgainEveryTime() throws Exception {
        FileApiTest.MovableClock clock = new FileApiTest.MovableClock();
        clock.offset = java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse("2030-01-01T00:00:00Z"));
        try (TestWorker worker = TestWorker.start(dataDir, clock)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"events\",\"listRule\":\"\",\"viewRule\":\"due < @now\","
                    + "\"fields\":[{\"name\":\"due\",\"type\":\"date\"}]}", su, 200);
            String id = worker.call("POST", "/api/collections/events/records", "{\"due\":\"2030-01-01 00:00:10.000Z\"}", su, 200)
                    .get("id").asText();
            String list = "/api/collections/events/records?filter=" + java.net.URLEncoder.encode("due < @now",
                    java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, worker.call("GET", list, null, null, 200).get("totalItems").asInt());
                worker.call("GET", "/api/collections/events/records/" + id, null, null, 404);
            }
            clock.offset = clock.offset.plusSeconds(20); // nothing committed in between
            assertEquals(1, worker.call("GET", list, null, null, 200).get("totalItems").asInt());
            assertEquals(id, worker.call("GET", "/api/collections/events/records/" + id, null, null, 200).get("id").asText());
        }
    }

    @Test
    void aViewThatReadsTheClockIsReadAgainEveryTime() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", su, 200);
            String id = worker.call("POST", "/api/collections/notes/records", "{\"text\":\"x\"}", su, 200).get("id").asText();
            worker.call("POST", "/api/collections", "{\"name\":\"ticking\",\"type\":\"view\",\"listRule\":\"\","
                    + "\"viewRule\":\"\",\"viewQuery\":\"SELECT id, CAST(strftime('%s','now') AS INTEGER) AS second FROM notes\"}",
                    su, 200);
            String first = worker.call("GET", "/api/collections/ticking/records/" + id, null, null, 200).get("second").asText();
            org.awaitility.Awaitility.await("a later read of a view on the clock shows a later second")
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> !first.equals(worker.call("GET", "/api/collections/ticking/records/" + id, null, null, 200)
                            .get("second").asText())
                            && !first.equals(worker.call("GET", "/api/collections/ticking/records", null, null, 200)
                            .get("items").get(0).get("second").asText()));
        }
    }

    @Test
    void aViewThatReadsRandomnessThroughDisguisesIsReadAgainEveryTime() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", su, 200);
            String id = worker.call("POST", "/api/collections/notes/records", "{\"text\":\"x\"}", su, 200).get("id").asText();
            // No text check sees these: a comment or quotes around the function's name, a plain SQLite view.
            worker.call("POST", "/api/databases/main/query",
                    "{\"sql\":\"CREATE VIEW raw_dice AS SELECT id, random() AS r FROM notes\"}", su, 200);
            String[] queries = {"SELECT id, random/**/() AS r FROM notes", "SELECT id, [random]() AS r FROM notes",
                    "SELECT id, r FROM raw_dice"};
            for (int i = 0; i < queries.length; i++) {
                worker.call("POST", "/api/collections", "{\"name\":\"dice" + i + "\",\"type\":\"view\",\"listRule\":\"\","
                        + "\"viewRule\":\"\",\"viewQuery\":\"" + queries[i] + "\"}", su, 200);
                String path = "/api/collections/dice" + i + "/records";
                assertFalse(worker.call("GET", path + "/" + id, null, null, 200).get("r").asText()
                        .equals(worker.call("GET", path + "/" + id, null, null, 200).get("r").asText()), queries[i]);
                assertFalse(worker.call("GET", path, null, null, 200).get("items").get(0).get("r").asText()
                        .equals(worker.call("GET", path, null, null, 200).get("items").get(0).get("r").asText()), queries[i]);
            }
        }
    }

    @Test
    void aRuleJoiningAViewIsJudgedAgainEveryTime() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}",
                    su, 200);
            worker.call("POST", "/api/collections/notes/records", "{\"text\":\"x\"}", su, 200);
            worker.call("POST", "/api/collections", "{\"name\":\"coin\",\"type\":\"view\","
                    + "\"viewQuery\":\"SELECT id, CAST(abs(random/**/()) % 2 AS INTEGER) AS flip FROM notes\"}", su, 200);
            worker.call("POST", "/api/collections", "{\"name\":\"gated\",\"listRule\":\"@collection.coin.flip = 1\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", su, 200);
            worker.call("POST", "/api/collections/gated/records", "{\"text\":\"y\"}", su, 200);
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int i = 0; i < 30 && seen.size() < 2; i++) {
                seen.add(worker.call("GET", "/api/collections/gated/records", null, null, 200).get("totalItems").asInt());
            }
            assertEquals(java.util.Set.of(0, 1), seen, "the coin is tossed on every read");
        }
    }

    @Test
    void aViewIdNeverAnswersWithAList() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", su, 200);
            worker.call("POST", "/api/collections/notes/records", "{\"text\":\"x\"}", su, 200);
            for (String query : new String[] {"?perPage=5", ""}) {
                worker.call("GET", "/api/collections/notes/records" + query, null, null, 200);
                worker.call("GET", "/api/collections/notes/records/%3F" + query.replace("?", ""), null, null, 404);
            }
        }
    }

    @Test
    void aSuperusersFilterOnThemselvesIsTheirsAlone() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su1 = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            String id1 = worker.call("POST", "/api/collections/_superusers/auth-with-password", "{\"identity\":\"" + ADMIN_EMAIL
                    + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}", null, 200).get("record").get("id").asText();
            worker.call("POST", "/api/superusers", "{\"email\":\"second@example.com\",\"password\":\"password-12\"}", su1, 200);
            JsonNode second = worker.call("POST", "/api/collections/_superusers/auth-with-password",
                    "{\"identity\":\"second@example.com\",\"password\":\"password-12\"}", null, 200);
            String su2 = second.get("token").asText();
            String id2 = second.get("record").get("id").asText();
            String key = "Bearer " + worker.call("POST", "/api/databases/main/keys", "{\"label\":\"k\"}", su1, 200).get("key").asText();
            worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"fields\":[{\"name\":\"by\",\"type\":\"text\"}]}",
                    su1, 200);
            worker.call("POST", "/api/collections/notes/records", "{\"by\":\"" + id1 + "\"}", su1, 200);
            worker.call("POST", "/api/collections/notes/records", "{\"by\":\"" + id2 + "\"}", su1, 200);
            String mine = "/api/collections/notes/records?filter=" + java.net.URLEncoder.encode("by = @request.auth.id",
                    java.nio.charset.StandardCharsets.UTF_8);
            for (int round = 0; round < 2; round++) {
                assertEquals(id1, worker.call("GET", mine, null, su1, 200).get("items").get(0).get("by").asText());
                assertEquals(id2, worker.call("GET", mine, null, su2, 200).get("items").get(0).get("by").asText());
                assertEquals(0, worker.call("GET", mine, null, key, 200).get("totalItems").asInt(), "a key is no superuser record");
            }
        }
    }
}
