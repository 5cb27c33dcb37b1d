package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.storage.QueryDeadline;

/**
 * A read that never ends (a guest listing a view over an endless recursive query) is stopped at the
 * read deadline with a 400, and while such reads run, other databases' reads are served.
 */
class SlowReadTest {

    @TempDir
    Path dataDir;

    @Test
    void endlessReadsAreStoppedAndDoNotHoldOtherDatabasesUp() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"endless\",\"type\":\"view\",\"listRule\":\"\",\"viewQuery\":"
                    + "\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id FROM c\"}", su, 200);
            worker.call("POST", "/api/databases", "{\"name\":\"other\"}", su, 200);
            worker.call("POST", "/db/other/api/collections", "{\"name\":\"notes\",\"listRule\":\"\"}", su, 200);
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
            for (int i = 0; i < dev.hivelite.node.storage.SqliteOptions.DEFAULT_READ_CONNECTIONS; i++) {
                stuck.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return worker.send("GET", "/api/collections/endless/records?perPage=1", null, Map.of());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            Thread.sleep(1000); // the endless reads hold every read connection of main by now
            worker.call("GET", "/db/other/api/collections/notes/records", null, null, 200);
            assertTrue(stuck.stream().noneMatch(CompletableFuture::isDone), "the other database answered meanwhile");
            for (CompletableFuture<HttpResponse<String>> f : stuck) {
                HttpResponse<String> r = f.get();
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(Json.mapper().readTree(r.body()).get("message").asText().contains("was stopped"), r.body());
            }
            assertTrue(System.nanoTime() - started >= QueryDeadline.READS.toNanos());
            worker.call("GET", "/api/collections/endless/records?perPage=1&skipTotal=1", null, null, 200);
        }
    }
}
