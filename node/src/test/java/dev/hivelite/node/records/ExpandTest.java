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
}
