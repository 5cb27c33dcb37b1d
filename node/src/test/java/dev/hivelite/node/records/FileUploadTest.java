package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;

/**
 * Multipart uploads to file fields over real HTTP, as PocketBase takes them: the names it stores
 * files under, how uploads merge with the names a request keeps, and the errors of its limits.
 */
class FileUploadTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;
    private static final byte[] TEXT = "some text\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        worker.call("POST", "/api/collections", """
                {"name":"uploads","fields":[{"name":"title","type":"text"},
                  {"name":"doc","type":"file","maxSelect":1},
                  {"name":"docs","type":"file","maxSelect":3},
                  {"name":"tiny","type":"file","maxSelect":1,"maxSize":10},
                  {"name":"image","type":"file","maxSelect":1,"mimeTypes":["image/png"]}]}""", su, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /** An upload's original name and the pattern of the name it is stored under. */
    record Naming(String original, byte[] content, String stored) {
        @Override
        public String toString() {
            return original + " → " + stored;
        }
    }

    static Stream<Naming> namings() {
        return Stream.of(
                new Naming("Pic One.png", PNG, "pic_one_[a-z0-9]{10}\\.png"),
                new Naming("myTestDB.txt", TEXT, "my_test_db_[a-z0-9]{10}\\.txt"),
                new Naming("archive.tar.gz", TEXT, "archive_[a-z0-9]{10}\\.tar\\.gz"),
                new Naming("my.photo.png", PNG, "my[a-z0-9]{10}_[a-z0-9]{10}\\.photo\\.png"),
                new Naming("Photo.PNG", PNG, "photo_[a-z0-9]{10}\\.PNG"),
                new Naming("a.txt", TEXT, "a[a-z0-9]{10}_[a-z0-9]{10}\\.txt"),
                new Naming("README", TEXT, "readme_[a-z0-9]{10}\\.txt"),
                new Naming("picture", PNG, "picture_[a-z0-9]{10}\\.png"),
                new Naming("notes.!!!", TEXT, "notes_[a-z0-9]{10}\\."),
                new Naming("résumé final.txt", TEXT, "r_sum_final_[a-z0-9]{10}\\.txt"),
                new Naming("x".repeat(150) + ".txt", TEXT, "x{100}_[a-z0-9]{10}\\.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namings")
    void storedNameIsPocketBases(Naming n) throws Exception {
        Map<String, Object> record = ok(worker.sendForm("POST", "/api/collections/uploads/records",
                new Form().file("doc", n.original(), "application/octet-stream", n.content()), auth()));
        String stored = (String) record.get("doc");
        assertTrue(stored.matches(n.stored()), n + ": " + stored);
        assertEquals(Set.of(stored), folder(record), "the file is stored under that name");
    }

    @Test
    void uploadsUnderTheFieldKeepTheNamesTheFormAlsoGivesAndReplaceTheRestOtherwise() throws Exception {
        Map<String, Object> record = ok(worker.sendForm("POST", "/api/collections/uploads/records", new Form()
                .file("docs", "alpha.txt", "text/plain", TEXT).file("docs", "beta.txt", "text/plain", TEXT), auth()));
        List<String> docs = names(record.get("docs"));
        Map<String, Object> kept = ok(worker.sendForm("PATCH", "/api/collections/uploads/records/" + record.get("id"),
                new Form().field("docs", docs.get(0)).file("docs", "gamma.txt", "text/plain", TEXT), auth()));
        List<String> afterKeep = names(kept.get("docs"));
        assertEquals(2, afterKeep.size(), afterKeep.toString());
        assertEquals(docs.get(0), afterKeep.get(0), "the kept name first, then the upload");
        assertTrue(afterKeep.get(1).startsWith("gamma_"), afterKeep.toString());
        assertEquals(Set.copyOf(afterKeep), folder(record), "the file the form did not keep is removed");

        Map<String, Object> replaced = ok(worker.sendForm("PATCH", "/api/collections/uploads/records/" + record.get("id"),
                new Form().file("docs", "delta.txt", "text/plain", TEXT), auth()));
        List<String> afterReplace = names(replaced.get("docs"));
        assertEquals(1, afterReplace.size(), afterReplace.toString());
        assertTrue(afterReplace.getFirst().startsWith("delta_"), afterReplace.toString());
        assertEquals(Set.copyOf(afterReplace), folder(record));
    }

    @Test
    void prependAppendAndRemoveByNameInOneForm() throws Exception {
        Map<String, Object> record = ok(worker.sendForm("POST", "/api/collections/uploads/records", new Form()
                .file("docs", "b.txt", "text/plain", TEXT).file("docs", "old.txt", "text/plain", TEXT), auth()));
        List<String> docs = names(record.get("docs"));
        Map<String, Object> updated = ok(worker.sendForm("PATCH", "/api/collections/uploads/records/" + record.get("id"),
                new Form().field("docs-", docs.get(1)).file("+docs", "first.txt", "text/plain", TEXT)
                        .file("docs+", "last.txt", "text/plain", TEXT), auth()));
        List<String> after = names(updated.get("docs"));
        assertEquals(3, after.size(), after.toString());
        assertTrue(after.get(0).startsWith("first_"), after.toString());
        assertEquals(docs.get(0), after.get(1));
        assertTrue(after.get(2).startsWith("last_"), after.toString());
        assertEquals(Set.copyOf(after), folder(record));
    }

    @Test
    void aSingleFileFieldStoresOnlyTheLastOfSeveralUploads() throws Exception {
        Map<String, Object> record = ok(worker.sendForm("POST", "/api/collections/uploads/records", new Form()
                .file("doc", "first.txt", "text/plain", TEXT).file("doc", "second.txt", "text/plain", TEXT), auth()));
        String doc = (String) record.get("doc");
        assertTrue(doc.startsWith("second_"), doc);
        assertEquals(Set.of(doc), folder(record), "no file of the upload the field did not keep");
    }

    @Test
    void aFilePartUnderAKeyThatIsNoFileFieldIsIgnored() throws Exception {
        Map<String, Object> record = ok(worker.sendForm("POST", "/api/collections/uploads/records", new Form()
                .field("title", "t").file("nothing", "x.txt", "text/plain", TEXT).file("doc-", "y.txt", "text/plain", TEXT),
                auth()));
        assertEquals("", record.get("doc"));
        try (Stream<Path> left = Files.list(dataDir.resolve(".tmp").resolve("uploads"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void fileLimitErrorsAreWordedAsPocketBaseWordsThem() throws Exception {
        HttpResponse<String> tooLarge = worker.sendForm("POST", "/api/collections/uploads/records",
                new Form().file("tiny", "big.txt", "text/plain", new byte[20]), auth());
        assertEquals(400, tooLarge.statusCode());
        assertEquals(Map.of("status", 400, "message", "Failed to create record.", "data", Map.of("tiny", Map.of(
                "code", "validation_file_size_limit",
                "message", "Failed to upload big.txt - the maximum allowed file size is 10 bytes.",
                "params", Map.of("file", "big.txt", "maxSize", 10)))), TestWorker.json(tooLarge));

        Map<String, Object> record = ok(worker.send("POST", "/api/collections/uploads/records", "{\"title\":\"x\"}", auth()));
        HttpResponse<String> onUpdate = worker.sendForm("PATCH", "/api/collections/uploads/records/" + record.get("id"),
                new Form().file("tiny+", "big.txt", "text/plain", new byte[20]), auth());
        assertEquals(400, onUpdate.statusCode());
        assertEquals("Failed to update record.", TestWorker.json(onUpdate).get("message"));

        HttpResponse<String> wrongType = worker.sendForm("POST", "/api/collections/uploads/records",
                new Form().file("image", "note.png", "image/png", TEXT), auth());
        assertEquals(400, wrongType.statusCode());
        Map<String, Object> error = field(wrongType, "image");
        assertEquals("validation_invalid_mime_type", error.get("code"));
        assertTrue(((String) error.get("message")).matches("\"note_[a-z0-9]{10}\\.png\" mime type must be one of: image/png\\."),
                "the stored name, as PocketBase names it: " + error.get("message"));

        HttpResponse<String> tooMany = worker.sendForm("POST", "/api/collections/uploads/records", new Form()
                .file("docs", "1.txt", "text/plain", TEXT).file("docs", "2.txt", "text/plain", TEXT)
                .file("docs", "3.txt", "text/plain", TEXT).file("docs", "4.txt", "text/plain", TEXT), auth());
        assertEquals(400, tooMany.statusCode());
        assertEquals(Map.of("code", "validation_too_many_files", "message", "The maximum allowed files is 3.",
                "params", Map.of("maxSelect", 3)), field(tooMany, "docs"));

        HttpResponse<String> unknown = worker.send("PATCH", "/api/collections/uploads/records/" + record.get("id"),
                "{\"docs\":[\"a.txt\",\"b.txt\"]}", auth());
        assertEquals(400, unknown.statusCode());
        assertEquals(Map.of("code", "validation_invalid_file", "message", "Invalid new files: [a.txt b.txt].",
                "params", Map.of("invalidFiles", List.of("a.txt", "b.txt"))), field(unknown, "docs"));
        try (Stream<Path> left = Files.list(dataDir.resolve(".tmp").resolve("uploads"))) {
            assertEquals(0, left.count(), "refused uploads leave nothing behind");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static Map<String, String> auth() {
        return Map.of("Authorization", su);
    }

    private static Map<String, Object> ok(HttpResponse<String> res) throws Exception {
        assertEquals(200, res.statusCode(), res.body());
        return TestWorker.json(res);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(HttpResponse<String> res, String name) throws Exception {
        return (Map<String, Object>) ((Map<String, Object>) TestWorker.json(res).get("data")).get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Object value) {
        return (List<String>) value;
    }

    /** The names of the files in a record's storage folder. */
    private static Set<String> folder(Map<String, Object> record) throws Exception {
        try (Stream<Path> found = Files.walk(dataDir)) {
            Path folder = found.filter(p -> p.getFileName().toString().equals(record.get("id"))
                    && p.getParent().getFileName().toString().equals(record.get("collectionId"))).findFirst().orElseThrow();
            try (Stream<Path> files = Files.list(folder)) {
                return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            }
        }
    }
}
