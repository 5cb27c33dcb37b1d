package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;

/** {@code ?expand=} shapes, as PocketBase gives them. */
class ExpandTest {

    @TempDir
    Path dataDir;

    @Test
    void aBackRelationWhoseColumnIsUniqueExpandsAsOneRecordOtherwiseAsAList() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"people\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"name\",\"type\":\"text\"}]}", su, 200);
            for (String c : new String[] {"profiles", "notes"}) {
                worker.call("POST", "/api/collections", "{\"name\":\"" + c + "\",\"listRule\":\"\",\"viewRule\":\"\","
                        + "\"fields\":[{\"name\":\"person\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":1}]"
                        + (c.equals("profiles") ? ",\"indexes\":[\"CREATE UNIQUE INDEX idx_profile_person ON profiles (person)\"]" : "")
                        + "}", su, 200);
            }
            String id = worker.call("POST", "/api/collections/people/records", "{\"name\":\"ada\"}", su, 200).get("id").asText();
            worker.call("POST", "/api/collections/profiles/records", "{\"person\":\"" + id + "\"}", su, 200);
            worker.call("POST", "/api/collections/notes/records", "{\"person\":\"" + id + "\"}", su, 200);
            JsonNode expand = worker.call("GET", "/api/collections/people/records/" + id
                    + "?expand=profiles_via_person,notes_via_person", null, null, 200).get("expand");
            assertTrue(expand.get("profiles_via_person").isObject(), expand.toString());
            assertEquals(id, expand.at("/profiles_via_person/person").asText());
            assertTrue(expand.get("notes_via_person").isArray(), expand.toString());
            assertEquals(1, expand.get("notes_via_person").size());
        }
    }

    @Test
    void aPathExpandsWholeOrNotAtAllAndExpandKeysAreInAlphabeticalOrder() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"teams\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"fields\":[{\"name\":\"name\",\"type\":\"text\"}]}", su, 200);
            // viewRule null: only superusers may view these, so only they may expand them
            worker.call("POST", "/api/collections", "{\"name\":\"vaults\",\"fields\":[{\"name\":\"code\",\"type\":\"text\"}]}",
                    su, 200);
            worker.call("POST", "/api/collections", "{\"name\":\"cards\",\"listRule\":\"\",\"viewRule\":\"\",\"fields\":["
                    + "{\"name\":\"team\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1},"
                    + "{\"name\":\"vault\",\"type\":\"relation\",\"collectionId\":\"vaults\",\"maxSelect\":1},"
                    + "{\"name\":\"none\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1}]}", su, 200);
            String team = worker.call("POST", "/api/collections/teams/records", "{\"name\":\"t\"}", su, 200).get("id").asText();
            String vault = worker.call("POST", "/api/collections/vaults/records", "{\"code\":\"c\"}", su, 200).get("id").asText();
            String card = worker.call("POST", "/api/collections/cards/records",
                    "{\"team\":\"" + team + "\",\"vault\":\"" + vault + "\"}", su, 200).get("id").asText();
            String url = "/api/collections/cards/records/" + card + "?expand=";

            // A collection only superusers may view: the path fails for a guest, no empty "expand" either.
            assertTrue(worker.call("GET", url + "vault", null, null, 200).path("expand").isMissingNode());
            assertEquals("[\"team\"]", fieldNames(worker.call("GET", url + "vault,team", null, null, 200).get("expand")));
            // A segment that names no relation fails its whole path, the relation before it too.
            assertTrue(worker.call("GET", url + "team.nope", null, su, 200).path("expand").isMissingNode());
            assertTrue(worker.call("GET", url + "title", null, su, 200).path("expand").isMissingNode());
            // Below an empty relation there is nothing to look at: the path resolves, with nothing in it.
            assertEquals("{}", worker.call("GET", url + "none.nope", null, su, 200).get("expand").toString());
            // As PocketBase's JSON of maps: keys in alphabetical order, "expand" among the record's.
            JsonNode both = worker.call("GET", url + "vault,%20team.", null, su, 200);
            assertEquals("[\"team\",\"vault\"]", fieldNames(both.get("expand")));
            assertEquals("[\"collectionId\",\"collectionName\",\"expand\",\"id\",\"none\",\"team\",\"vault\"]",
                    fieldNames(both));
        }
    }

    private static String fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return "[\"" + String.join("\",\"", names) + "\"]";
    }
}
