package dev.hivelite.node.platform;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;

/** POST /api/databases/import over real HTTP: good files arrive whole, bad ones change nothing. */
class ImportApiTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path files;

    private static TestWorker worker;
    private static String token;
    private static byte[] goodDb;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        goodDb = sqliteFile("good", 500);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /** A real SQLite file with a table of {@code rows} rows. */
    private static byte[] sqliteFile(String name, int rows) throws Exception {
        Path file = files.resolve(name + ".db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
                    + "INSERT INTO notes (body) SELECT 'note ' || i || ' ' || hex(randomblob(40)) FROM n");
        }
        return Files.readAllBytes(file);
    }

    private static HttpResponse<String> upload(Form form, String auth) throws Exception {
        return worker.sendForm("POST", "/api/databases/import", form, auth == null ? Map.of() : Map.of("Authorization", auth));
    }

    private static Set<String> databaseFolders() throws Exception {
        try (Stream<Path> list = Files.list(dataDir.resolve("databases"))) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static void assertNothingChanged(Set<String> foldersBefore, String name) throws Exception {
        assertEquals(foldersBefore, databaseFolders(), "no database folder appeared");
        assertEquals(404, worker.send("GET", "/api/databases/" + name, null, Map.of("Authorization", token)).statusCode());
        Path staging = dataDir.resolve(".tmp").resolve("imports");
        try (Stream<Path> left = Files.exists(staging) ? Files.list(staging) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "no staging file left behind");
        }
    }

    @Test
    void importedDatabaseServesItsRowsAndIsAudited() throws Exception {
        HttpResponse<String> created = upload(new Form().field("name", "imported").field("group", "restored")
                .file("file", "backup.db", "application/vnd.sqlite3", goodDb), token);
        assertEquals(200, created.statusCode(), created.body());
        Map<String, Object> view = TestWorker.json(created);
        assertEquals("imported", view.get("name"));
        assertEquals("restored", view.get("group"));
        HttpResponse<String> count = worker.send("POST", "/api/databases/imported/query",
                "{\"sql\":\"SELECT count(*) FROM notes\"}", Map.of("Authorization", token));
        assertEquals(200, count.statusCode(), count.body());
        assertTrue(count.body().contains("\"rows\":[[500]]"), count.body());
        HttpResponse<String> activity = worker.send("GET", "/api/activity?action=database.import", null,
                Map.of("Authorization", token));
        assertTrue(activity.body().contains("\"database.import\"") && activity.body().contains("\"imported\""),
                activity.body());
    }

    @Test
    void exportThenImportRoundTrips() throws Exception {
        worker.send("POST", "/api/databases/main/query", "{\"sql\":\"CREATE TABLE IF NOT EXISTS t (v TEXT)\"}",
                Map.of("Authorization", token));
        worker.send("POST", "/api/databases/main/query", "{\"sql\":\"INSERT INTO t VALUES ('kept')\"}",
                Map.of("Authorization", token));
        byte[] exported = worker.sendForBytes("GET", "/api/databases/main/export", Map.of("Authorization", token));
        HttpResponse<String> created = upload(new Form().field("name", "copy-of-main")
                .file("file", "main.db", "application/vnd.sqlite3", exported), token);
        assertEquals(200, created.statusCode(), created.body());
        HttpResponse<String> rows = worker.send("POST", "/api/databases/copy-of-main/query",
                "{\"sql\":\"SELECT v FROM t\"}", Map.of("Authorization", token));
        assertTrue(rows.body().contains("\"rows\":[[\"kept\"]]"), rows.body());
    }

    @Test
    void badUploadsAreRefusedAndChangeNothing() throws Exception {
        worker.send("POST", "/api/databases", "{\"name\":\"taken\"}", Map.of("Authorization", token));
        String alphaKey = (String) TestWorker.json(worker.send("POST", "/api/databases/taken/keys", "{\"label\":\"k\"}",
                Map.of("Authorization", token))).get("key");
        byte[] corrupt = goodDb.clone();
        Arrays.fill(corrupt, 4096 + 8, 4096 * 3, (byte) 0x5a); // past the header: b-tree pages damaged
        byte[] tooLarge = sqliteFile("large", 6000);
        assertTrue(tooLarge.length > TestWorker.IMPORT_MAX);
        record Case(String name, Form form, String auth, int status, String expected) {
        }
        List<Case> cases = List.of(
                new Case("anonymous", new Form().field("name", "n1").file("file", "a.db", "x", goodDb), null, 401,
                        "superuser authorization"),
                new Case("api key", new Form().field("name", "n2").file("file", "a.db", "x", goodDb),
                        "Bearer " + alphaKey, 403, "API key is not allowed"),
                new Case("text file", new Form().field("name", "n3").file("file", "a.db", "text/plain",
                        "hello, not a database at all".repeat(40).getBytes()), token, 400,
                        "\"file\":{\"code\":\"validation_invalid_file\""),
                new Case("corrupt pages", new Form().field("name", "n4").file("file", "a.db", "x", corrupt), token, 400,
                        "\"file\":{\"code\":\"validation_invalid_file\""),
                new Case("truncated", new Form().field("name", "n5").file("file", "a.db", "x",
                        Arrays.copyOf(goodDb, 100)), token, 400, "\"file\":{\"code\":\"validation_invalid_file\""),
                new Case("too large", new Form().field("name", "n6").file("file", "a.db", "x", tooLarge), token, 413,
                        "import limit"),
                new Case("no name", new Form().file("file", "a.db", "x", goodDb), token, 400,
                        "\"name\":{\"code\":\"validation_required\""),
                new Case("bad name", new Form().field("name", "Not OK").file("file", "a.db", "x", goodDb), token, 400,
                        "\"name\":{\"code\":\"validation_invalid_format\""),
                new Case("name taken", new Form().field("name", "taken").file("file", "a.db", "x", goodDb), token, 400,
                        "\"name\":{\"code\":\"validation_not_unique\""),
                new Case("no file", new Form().field("name", "n7"), token, 400,
                        "\"file\":{\"code\":\"validation_required\""),
                new Case("bad readOnly", new Form().field("name", "n8").field("readOnly", "perhaps")
                        .file("file", "a.db", "x", goodDb), token, 400, "\"readOnly\":{\"code\":\"validation_invalid_type\""));
        for (Case c : cases) {
            Set<String> before = databaseFolders();
            HttpResponse<String> response = upload(c.form(), c.auth());
            assertEquals(c.status(), response.statusCode(), c.name() + ": " + response.body());
            assertTrue(response.body().contains(c.expected()), c.name() + ": " + response.body());
            assertTrue(response.body().contains("\"status\":" + c.status()), c.name());
            String name = c.name().equals("name taken") ? "n-none" : "n" + (cases.indexOf(c) + 1);
            assertNothingChanged(before, name);
        }
        HttpResponse<String> json = worker.send("POST", "/api/databases/import", "{\"name\":\"x\"}",
                Map.of("Authorization", token));
        assertEquals(400, json.statusCode(), "a JSON body is not a form: " + json.body());
        assertEquals(200, worker.send("GET", "/_/health", null, Map.of()).statusCode(), "still serving");
    }
}
