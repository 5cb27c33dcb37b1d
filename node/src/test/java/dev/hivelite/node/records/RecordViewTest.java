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
 * Viewing one record answers from the database's read cache when the answer is the row alone; every
 * change (a write, a schema change, a rule change, a delete) shows in the very next view.
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
}
