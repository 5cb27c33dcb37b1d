package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;

/** Batch requests that name what does not exist leave nothing behind and touch nothing else. */
class BatchEdgeTest {

    @TempDir
    Path dataDir;

    @Test
    void filesForMissingRequestsAreDroppedAndAnotherDatabasesUrlIsNoRouteHere() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("PATCH", "/api/settings", "{\"batch\":{\"enabled\":true,\"maxRequests\":10}}", su, 200);
            worker.call("POST", "/api/collections", "{\"name\":\"docs\",\"createRule\":\"\",\"fields\":[{\"name\":\"title\","
                    + "\"type\":\"text\"},{\"name\":\"doc\",\"type\":\"file\",\"maxSelect\":1}]}", su, 200);
            worker.call("POST", "/api/databases", "{\"name\":\"other\"}", su, 200);
            worker.call("POST", "/db/other/api/collections", "{\"name\":\"docs\",\"createRule\":\"\"}", su, 200);

            HttpResponse<String> stray = worker.sendForm("POST", "/api/batch", new Form()
                    .field("@jsonPayload", "{\"requests\":[{\"method\":\"POST\",\"url\":\"/api/collections/docs/records\","
                            + "\"body\":{\"title\":\"one\"}}]}")
                    .file("requests.7.doc", "a.txt", "text/plain", new byte[1 << 20]), Map.of("Authorization", su));
            assertEquals(200, stray.statusCode(), stray.body());
            Path uploads = dataDir.resolve(".tmp").resolve("uploads");
            assertTrue(Files.isDirectory(uploads), "the part was received there");
            try (Stream<Path> left = Files.list(uploads)) {
                assertEquals(0, left.count(), "the part of request 7 (there is none) is not kept");
            }

            HttpResponse<String> elsewhere = worker.send("POST", "/api/batch", "{\"requests\":[{\"method\":\"POST\","
                    + "\"url\":\"/db/other/api/collections/docs/records\",\"body\":{\"title\":\"misrouted\"}}]}",
                    Map.of("Authorization", su));
            assertEquals(400, elsewhere.statusCode(), elsewhere.body());
            assertEquals(1, worker.call("GET", "/api/collections/docs/records", null, su, 200).get("totalItems").asInt());
            assertEquals(0, worker.call("GET", "/db/other/api/collections/docs/records", null, su, 200).get("totalItems").asInt());
            HttpResponse<String> own = worker.send("POST", "/api/batch", "{\"requests\":[{\"method\":\"POST\","
                    + "\"url\":\"/db/main/api/collections/docs/records\",\"body\":{\"title\":\"two\"}}]}",
                    Map.of("Authorization", su));
            assertTrue(own.statusCode() == 200, "this database's own prefix still works: " + own.body());
        }
    }
}
