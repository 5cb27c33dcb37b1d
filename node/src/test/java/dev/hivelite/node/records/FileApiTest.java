package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/** {@code /api/files} over real HTTP: downloads, thumbs, protected files and file tokens, per database. */
class FileApiTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static final HttpClient client = HttpClient.newHttpClient();
    /** Placeholder → value, filled once the fixture exists: ids, stored file names, tokens. */
    private static final Map<String, String> values = new HashMap<>();
    private static final Map<String, byte[]> contents = new HashMap<>();
    private static final byte[] TEXT = "hello, files\n".getBytes(StandardCharsets.UTF_8);

    /**
     * One download scenario: {@code expectedBody} names an entry of {@link #contents} the answer must equal
     * (null: not checked); non-200 answers must be PocketBase's error shape.
     */
    record FileScenario(String name, String method, String url, Map<String, String> headers, int expectedStatus,
                        String expectedType, String expectedBody) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The system clock, moved by {@code offset}. */
    static final class MovableClock extends java.time.Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(offset);
        }
    }

    private static final MovableClock CLOCK = new MovableClock();

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir, CLOCK);
        String admin = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        values.put("admin", admin);
        contents.put("png", png(200, 100));
        contents.put("png2", png(40, 40));
        contents.put("txt", TEXT);

        ok(worker.send("POST", "/api/collections", """
                {"name":"users","type":"auth","authRule":"","listRule":"","viewRule":""}""", auth(admin)));
        ok(worker.send("POST", "/api/collections", """
                {"name":"docs","type":"base","listRule":"owner = @request.auth.id","viewRule":"owner = @request.auth.id",
                 "fields":[{"name":"owner","type":"text"},
                           {"name":"image","type":"file","maxSelect":1,"thumbs":["0x50","20x10f","30x30t"]},
                           {"name":"secret","type":"file","maxSelect":1,"protected":true},
                           {"name":"attachments","type":"file","maxSelect":5}]}""", auth(admin)));
        ok(worker.send("POST", "/api/collections", """
                {"name":"locked","type":"base","fields":[{"name":"secret","type":"file","maxSelect":1,"protected":true}]}""",
                auth(admin)));
        ok(worker.send("POST", "/api/collections", """
                {"name":"brief","type":"auth","authRule":"","fileToken":{"duration":60}}""", auth(admin)));

        String alice = user("users", "alice@example.com", admin);
        String bob = user("users", "bob@example.com", admin);
        values.put("bob", bob);
        String carol = user("brief", "carol@example.com", admin);
        values.put("aliceId", id(alice));

        Map<String, Object> rec1 = ok(worker.sendForm("POST", "/api/collections/docs/records", new Form()
                .field("owner", id(alice))
                .file("image", "Pic One.png", "image/png", contents.get("png"))
                .file("secret", "notes.txt", "text/plain", TEXT), auth(admin)));
        values.put("rec1", (String) rec1.get("id"));
        values.put("docsId", (String) rec1.get("collectionId"));
        values.put("png", (String) rec1.get("image"));
        values.put("txt", (String) rec1.get("secret"));
        Map<String, Object> rec2 = ok(worker.sendForm("POST", "/api/collections/docs/records", new Form()
                .field("owner", id(bob))
                .file("image", "other.png", "image/png", contents.get("png2"))
                .file("attachments", "a.txt", "text/plain", TEXT)
                .file("attachments", "page.svg", "image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'/>"
                        .getBytes(StandardCharsets.UTF_8)), auth(admin)));
        values.put("rec2", (String) rec2.get("id"));
        values.put("png2", (String) rec2.get("image"));
        @SuppressWarnings("unchecked")
        List<String> attachments = (List<String>) rec2.get("attachments");
        values.put("attachTxt", attachments.get(0));
        values.put("svg", attachments.get(1));
        Map<String, Object> rec3 = ok(worker.sendForm("POST", "/api/collections/locked/records", new Form()
                .file("secret", "s.txt", "text/plain", TEXT), auth(admin)));
        values.put("rec3", (String) rec3.get("id"));
        Map<String, Object> rec4 = ok(worker.sendForm("POST", "/api/collections/docs/records", new Form()
                .field("owner", id(carol)).file("secret", "c.txt", "text/plain", TEXT), auth(admin)));
        values.put("rec4", (String) rec4.get("id"));
        values.put("carolTxt", (String) rec4.get("secret"));
        values.put("lockedTxt", (String) rec3.get("secret"));

        values.put("aliceFile", fileToken(alice, ""));
        values.put("bobFile", fileToken(bob, ""));
        values.put("adminFile", fileToken(admin, ""));
        CLOCK.offset = Duration.ofHours(-1); // carol's file token is issued an hour ago: it has expired
        try {
            values.put("expiredFile", fileToken(carol, ""));
        } finally {
            CLOCK.offset = Duration.ZERO;
        }
        String aliceFile = values.get("aliceFile");
        values.put("forged", aliceFile.substring(0, aliceFile.lastIndexOf('.') + 1) + "AAAA" + aliceFile.substring(
                aliceFile.lastIndexOf('.') + 5));

        // A view over docs whose ids are not the records': its file columns stay file fields.
        ok(worker.send("POST", "/api/collections", """
                {"name":"gallery","type":"view","listRule":"","viewRule":"",
                 "viewQuery":"SELECT 'g' || d.id AS id, d.image AS picture, d.attachments, d.owner AS who, d.id AS doc FROM docs d"}""",
                auth(admin)));
        ok(worker.send("POST", "/api/collections", """
                {"name":"framed","type":"view","listRule":"","viewRule":"",
                 "viewQuery":"SELECT 'f' || id AS id, picture AS shown FROM gallery"}""", auth(admin)));
        values.put("g1", "g" + values.get("rec1"));
        values.put("g2", "g" + values.get("rec2"));

        // A second database: its own users and files; its tokens mean nothing in main.
        ok(worker.send("POST", "/api/databases", "{\"name\":\"other\"}", auth(admin)));
        ok(worker.send("POST", "/db/other/api/collections", """
                {"name":"users","type":"auth","authRule":"","viewRule":""}""", auth(admin)));
        ok(worker.send("POST", "/db/other/api/collections", """
                {"name":"docs","type":"base","viewRule":"owner = @request.auth.id","fields":[{"name":"owner","type":"text"},
                 {"name":"secret","type":"file","maxSelect":1,"protected":true}]}""", auth(admin)));
        String dave = user("/db/other", "users", "dave@example.com", admin);
        Map<String, Object> other = ok(worker.sendForm("POST", "/db/other/api/collections/docs/records", new Form()
                .field("owner", id(dave)).file("secret", "theirs.txt", "text/plain", TEXT), auth(admin)));
        values.put("otherRec", (String) other.get("id"));
        values.put("otherTxt", (String) other.get("secret"));
        values.put("otherFile", fileToken(dave, "/db/other"));
    }

    @AfterAll
    static void stop() {
        worker.close();
        client.close();
    }

    static Stream<FileScenario> downloads() {
        String docs = "/api/files/docs/";
        return Stream.of(
                new FileScenario("png by collection name", "GET", docs + "{rec1}/{png}", Map.of(), 200, "image/png", "png"),
                new FileScenario("png by collection id", "GET", "/api/files/{docsId}/{rec1}/{png}", Map.of(), 200,
                        "image/png", "png"),
                new FileScenario("HEAD has no body", "HEAD", docs + "{rec1}/{png}", Map.of(), 200, "image/png", null),
                new FileScenario("public file ignores the view rule, as PocketBase's", "GET", docs + "{rec2}/{png2}",
                        Map.of(), 200, "image/png", "png2"),
                new FileScenario("one of many files", "GET", docs + "{rec2}/{attachTxt}", Map.of(), 200, "text/plain",
                        "txt"),
                new FileScenario("svg gets its forced type", "GET", docs + "{rec2}/{svg}", Map.of(), 200,
                        "image/svg+xml", null),
                new FileScenario("a view's file, stored with the record it comes from", "GET",
                        "/api/files/gallery/{g1}/{png}", Map.of(), 200, "image/png", "png"),
                new FileScenario("one of many files through a view", "GET", "/api/files/gallery/{g2}/{attachTxt}",
                        Map.of(), 200, "text/plain", "txt"),
                new FileScenario("a view of a view's file, stored with the record it comes from", "GET",
                        "/api/files/framed/f{g1}/{png}", Map.of(), 200, "image/png", "png"),
                new FileScenario("a thumb through a view", "GET", "/api/files/gallery/{g1}/{png}?thumb=100x100", Map.of(),
                        200, "image/png", null),
                new FileScenario("a view row's file is not another row's", "GET", "/api/files/gallery/{g1}/{png2}",
                        Map.of(), 404, null, null),
                new FileScenario("a view's id is not the record's", "GET", "/api/files/gallery/{rec1}/{png}", Map.of(),
                        404, null, null),
                new FileScenario("unknown collection", "GET", "/api/files/missing/{rec1}/{png}", Map.of(), 404, null, null),
                new FileScenario("unknown record", "GET", docs + "missing00000000/{png}", Map.of(), 404, null, null),
                new FileScenario("unknown filename", "GET", docs + "{rec1}/missing.png", Map.of(), 404, null, null),
                new FileScenario("another record's file", "GET", docs + "{rec1}/{png2}", Map.of(), 404, null, null),
                new FileScenario("dot-dot filename", "GET", docs + "{rec1}/..", Map.of(), 404, null, null),
                new FileScenario("superusers have no files", "GET", "/api/files/_superusers/{rec1}/{png}", Map.of(), 404,
                        null, null),
                new FileScenario("unknown database", "GET", "/db/nope/api/files/docs/{rec1}/{png}", Map.of(), 404, null,
                        null),
                new FileScenario("main's file is not in another database", "GET", "/db/other" + docs + "{rec1}/{png}",
                        Map.of(), 404, null, null),
                new FileScenario("protected without token", "GET", docs + "{rec1}/{txt}", Map.of(), 404, null, null),
                new FileScenario("HEAD of a protected file without token", "HEAD", docs + "{rec1}/{txt}", Map.of(), 404,
                        null, null),
                new FileScenario("protected with the owner's file token", "GET", docs + "{rec1}/{txt}?token={aliceFile}",
                        Map.of(), 200, "text/plain", "txt"),
                new FileScenario("protected, user the view rule hides it from", "GET",
                        docs + "{rec1}/{txt}?token={bobFile}", Map.of(), 404, null, null),
                new FileScenario("protected with an auth (not file) token", "GET", docs + "{rec1}/{txt}?token={alice}",
                        Map.of(), 404, null, null),
                new FileScenario("protected with a forged token", "GET", docs + "{rec1}/{txt}?token={forged}", Map.of(),
                        404, null, null),
                new FileScenario("protected, owner's token but expired", "GET",
                        docs + "{rec4}/{carolTxt}?token={expiredFile}", Map.of(), 404, null, null),
                new FileScenario("protected, owner's expired file, admin token", "GET",
                        docs + "{rec4}/{carolTxt}?token={adminFile}", Map.of(), 200, "text/plain", "txt"),
                new FileScenario("protected with an admin file token", "GET", docs + "{rec1}/{txt}?token={adminFile}",
                        Map.of(), 200, "text/plain", "txt"),
                new FileScenario("protected with superuser credentials but no file token", "GET", docs + "{rec1}/{txt}",
                        Map.of("Authorization", "{admin}"), 404, null, null),
                new FileScenario("protected, auth header is not a file token", "GET", docs + "{rec1}/{txt}",
                        Map.of("Authorization", "{alice}"), 404, null, null),
                new FileScenario("protected, null view rule, user token", "GET",
                        "/api/files/locked/{rec3}/{lockedTxt}?token={aliceFile}", Map.of(), 404, null, null),
                new FileScenario("protected, null view rule, admin token", "GET",
                        "/api/files/locked/{rec3}/{lockedTxt}?token={adminFile}", Map.of(), 200, "text/plain", "txt"),
                new FileScenario("file token of another database", "GET", docs + "{rec1}/{txt}?token={otherFile}",
                        Map.of(), 404, null, null),
                new FileScenario("main's token in another database", "GET",
                        "/db/other/api/files/docs/{otherRec}/{otherTxt}?token={aliceFile}", Map.of(), 404, null, null),
                new FileScenario("the other database's own token", "GET",
                        "/db/other/api/files/docs/{otherRec}/{otherTxt}?token={otherFile}", Map.of(), 200, "text/plain",
                        "txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("downloads")
    void download(FileScenario s) throws Exception {
        Map<String, String> headers = new HashMap<>();
        s.headers().forEach((k, v) -> headers.put(k, fill(v)));
        HttpResponse<byte[]> res = get(s.method(), fill(s.url()), headers);
        String body = new String(res.body(), StandardCharsets.UTF_8);
        assertEquals(s.expectedStatus(), res.statusCode(), s.name() + ": " + body);
        if (s.expectedStatus() != 200 && "HEAD".equals(s.method())) {
            assertEquals(0, res.body().length, s.name());
            return;
        }
        if (s.expectedStatus() != 200) {
            Map<String, Object> error = Json.mapper().readValue(res.body(), Map.class);
            assertEquals(404, error.get("status"), s.name());
            assertEquals(Map.of(), error.get("data"), s.name());
            // PocketBase's 404 message; a missing database keeps the data API's own message
            String message = s.url().startsWith("/db/nope") ? "Missing or invalid database."
                    : "The requested resource wasn't found.";
            assertEquals(message, error.get("message"), s.name());
            return;
        }
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith(s.expectedType()),
                s.name() + ": " + res.headers().firstValue("content-type"));
        if ("HEAD".equals(s.method())) {
            assertEquals(0, res.body().length, s.name());
        }
        if (s.expectedBody() != null) {
            assertArrayEquals(contents.get(s.expectedBody()), res.body(), s.name());
        }
    }

    @Test
    void aViewKeepsTheTypesAndOptionsOfTheColumnsItSelects() throws Exception {
        Map<String, Object> gallery = TestWorker.json(worker.send("GET", "/api/collections/gallery", null,
                auth(values.get("admin"))));
        Map<String, Map<String, Object>> fields = new HashMap<>();
        for (Object f : (List<?>) gallery.get("fields")) {
            Map<String, Object> field = (Map<String, Object>) f;
            fields.put((String) field.get("name"), field);
        }
        assertEquals("file", fields.get("picture").get("type"));
        assertEquals(List.of("0x50", "20x10f", "30x30t"), fields.get("picture").get("thumbs"));
        assertEquals("file", fields.get("attachments").get("type"));
        assertEquals(5, fields.get("attachments").get("maxSelect"));
        assertEquals("text", fields.get("who").get("type"));
        // Another collection's id becomes a relation to it, which expands (docs' view rule applies: Bob's own).
        assertEquals("relation", fields.get("doc").get("type"));
        assertEquals(values.get("docsId"), fields.get("doc").get("collectionId"));
        Map<String, Object> row = TestWorker.json(worker.send("GET",
                fill("/api/collections/gallery/records/{g2}?expand=doc"), null, auth(values.get("bob"))));
        assertEquals(List.of(values.get("attachTxt"), values.get("svg")), row.get("attachments"));
        Map<String, Object> expanded = (Map<String, Object>) ((Map<String, Object>) row.get("expand")).get("doc");
        assertEquals(values.get("rec2"), expanded.get("id"));
    }

    @Test
    void expiredTokenOfTheFixtureIsReallyExpired() throws Exception {
        long exp = ((Number) Json.mapper().readValue(java.util.Base64.getUrlDecoder().decode(
                values.get("expiredFile").split("\\.")[1]), Map.class).get("exp")).longValue();
        assertTrue(exp < System.currentTimeMillis() / 1000, "a fileToken duration of -60 s signs an expired token");
    }

    @Test
    void publicFileHeadersFollowPocketBase() throws Exception {
        HttpResponse<byte[]> png = get("GET", fill("/api/files/docs/{rec1}/{png}"), Map.of());
        assertEquals("inline; filename=" + values.get("png"), header(png, "content-disposition"));
        assertEquals(FileSender.CSP, header(png, "content-security-policy"));
        assertEquals(FileSender.PUBLIC_CACHE, header(png, "cache-control"));
        assertEquals(Integer.toString(contents.get("png").length), header(png, "content-length"));
        HttpResponse<byte[]> forced = get("GET", fill("/api/files/docs/{rec1}/{png}?download=1"), Map.of());
        assertEquals("attachment; filename=" + values.get("png"), header(forced, "content-disposition"));
        HttpResponse<byte[]> text = get("GET", fill("/api/files/docs/{rec2}/{attachTxt}"), Map.of());
        assertTrue(header(text, "content-disposition").startsWith("attachment;"), "text is not shown inline");
    }

    @Test
    void conditionalRequestsAnswer304Or412AsGoServesFiles() throws Exception {
        String url = fill("/api/files/docs/{rec2}/{attachTxt}");
        String lastModified = header(get("GET", url, Map.of()), "last-modified");
        String before = "Mon, 01 Jan 2001 00:00:00 GMT";
        HttpResponse<byte[]> unchanged = get("GET", url, Map.of("If-Modified-Since", lastModified));
        assertEquals(304, unchanged.statusCode());
        assertEquals(0, unchanged.body().length);
        assertEquals(FileSender.PUBLIC_CACHE, header(unchanged, "cache-control"));
        assertEquals(304, get("HEAD", url, Map.of("If-Modified-Since", lastModified)).statusCode());
        assertArrayEquals(TEXT, get("GET", url, Map.of("If-Modified-Since", before)).body(), "changed since then");
        assertEquals(304, get("GET", url, Map.of("If-None-Match", "*")).statusCode());
        HttpResponse<byte[]> otherTag = get("GET", url, Map.of("If-None-Match", "\"abc\"", "If-Modified-Since", lastModified));
        assertEquals(200, otherTag.statusCode(), "an If-None-Match decides alone, and no tag matches a file without one");
        assertEquals(412, get("GET", url, Map.of("If-Unmodified-Since", before)).statusCode());
        assertEquals(412, get("GET", url, Map.of("If-Match", "\"abc\"")).statusCode());
        assertEquals(200, get("GET", url, Map.of("If-Match", "*")).statusCode());
        HttpResponse<byte[]> staleRange = get("GET", url, Map.of("Range", "bytes=0-4", "If-Range", before));
        assertEquals(200, staleRange.statusCode(), "the file changed since: all of it");
        assertArrayEquals(TEXT, staleRange.body());
        HttpResponse<byte[]> sameRange = get("GET", url, Map.of("Range", "bytes=0-4", "If-Range", lastModified));
        assertEquals(206, sameRange.statusCode());
        assertEquals("hello", new String(sameRange.body(), StandardCharsets.UTF_8));
    }

    @Test
    void jsonFileIsServedAsApplicationJsonWithoutCharset() throws Exception {
        Map<String, Object> rec = ok(worker.sendForm("POST", "/api/collections/docs/records", new Form()
                .file("attachments", "data.json", "application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                auth(values.get("admin"))));
        @SuppressWarnings("unchecked")
        String name = ((List<String>) rec.get("attachments")).getFirst();
        HttpResponse<byte[]> res = get("GET", "/api/files/docs/" + rec.get("id") + "/" + name, Map.of());
        assertEquals(200, res.statusCode());
        assertEquals("application/json", header(res, "content-type"));
        assertTrue(header(res, "content-disposition").startsWith("attachment;"));
    }

    @Test
    void protectedFileIsNeverCached() throws Exception {
        HttpResponse<byte[]> res = get("GET", fill("/api/files/docs/{rec1}/{txt}?token={aliceFile}"), Map.of());
        assertEquals(200, res.statusCode());
        assertEquals(FileSender.PROTECTED_CACHE, header(res, "cache-control"));
    }

    @Test
    void rangeRequestsServePartsOfTheFile() throws Exception {
        String url = fill("/api/files/docs/{rec2}/{attachTxt}");
        HttpResponse<byte[]> part = get("GET", url, Map.of("Range", "bytes=0-4"));
        assertEquals(206, part.statusCode());
        assertEquals("hello", new String(part.body(), StandardCharsets.UTF_8));
        assertEquals("bytes 0-4/" + TEXT.length, header(part, "content-range"));
        HttpResponse<byte[]> tail = get("GET", url, Map.of("Range", "bytes=-6"));
        assertEquals("files\n", new String(tail.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> beyond = get("GET", url, Map.of("Range", "bytes=999-"));
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + TEXT.length, header(beyond, "content-range"));
    }

    @Test
    void defaultThumbIsAHundredSquarePngCachedBesideTheOriginal() throws Exception {
        HttpResponse<byte[]> res = get("GET", fill("/api/files/docs/{rec1}/{png}?thumb=100x100"), Map.of());
        assertEquals(200, res.statusCode());
        assertEquals("image/png", header(res, "content-type"));
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(res.body()));
        assertEquals(100, thumb.getWidth());
        assertEquals(100, thumb.getHeight());
        Path cached = storage().resolve(values.get("rec1")).resolve("thumbs_" + values.get("png"))
                .resolve("100x100_" + values.get("png"));
        assertArrayEquals(Files.readAllBytes(cached), res.body(), "served from the cache folder");
        assertEquals("inline; filename=100x100_" + values.get("png"), header(res, "content-disposition"));
    }

    @Test
    void listedThumbSizesKeepAspectOrFit() throws Exception {
        assertSize("0x50", 100, 50);
        assertSize("20x10f", 20, 10);
        assertSize("30x30t", 30, 30);
    }

    @Test
    void unlistedThumbSizeOrNonImageServesTheOriginal() throws Exception {
        HttpResponse<byte[]> unlisted = get("GET", fill("/api/files/docs/{rec1}/{png}?thumb=999x999"), Map.of());
        assertArrayEquals(contents.get("png"), unlisted.body());
        HttpResponse<byte[]> text = get("GET", fill("/api/files/docs/{rec2}/{attachTxt}?thumb=100x100"), Map.of());
        assertArrayEquals(TEXT, text.body());
        assertFalse(Files.exists(storage().resolve(values.get("rec1")).resolve("thumbs_" + values.get("png"))
                .resolve("999x999_" + values.get("png"))));
    }

    @ParameterizedTest(name = "EXIF orientation {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {6, 8})
    void jpegThumbsAreTurnedUprightByTheirExifOrientation(int orientation) throws Exception {
        // Stored 40 × 20, red left and blue right; shown turned a quarter (6: clockwise, 8: counter-clockwise).
        Map<String, Object> rec = ok(worker.sendForm("POST", "/api/collections/docs/records", new Form()
                .file("image", "photo.jpg", "image/jpeg", orientedJpeg(orientation)), auth(values.get("admin"))));
        HttpResponse<byte[]> res = get("GET", "/api/files/docs/" + rec.get("id") + "/" + rec.get("image") + "?thumb=0x50",
                Map.of());
        assertEquals(200, res.statusCode());
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(res.body()));
        assertEquals(List.of(25, 50), List.of(thumb.getWidth(), thumb.getHeight()), "upright: taller than wide");
        Color top = new Color(thumb.getRGB(12, 5));
        Color bottom = new Color(thumb.getRGB(12, 44));
        boolean redOnTop = orientation == 6;
        assertTrue(redOnTop ? top.getRed() > top.getBlue() : top.getBlue() > top.getRed(), "top: " + top);
        assertTrue(redOnTop ? bottom.getBlue() > bottom.getRed() : bottom.getRed() > bottom.getBlue(), "bottom: " + bottom);
    }

    @Test
    void fileTokenNeedsAnAuthRecordOrAdmin() throws Exception {
        HttpResponse<String> anonymous = worker.send("POST", "/api/files/token", null, Map.of());
        assertEquals(401, anonymous.statusCode());
        assertEquals("The request requires valid record authorization token.", TestWorker.json(anonymous).get("message"));
        HttpResponse<String> wrongDb = worker.send("POST", "/db/other/api/files/token", null,
                Map.of("Authorization", values.get("alice")));
        assertEquals(401, wrongDb.statusCode(), "main's user is nobody in another database");
        HttpResponse<String> user = worker.send("POST", "/api/files/token", null, Map.of("Authorization", values.get("alice")));
        assertEquals(200, user.statusCode());
        assertNotNull(TestWorker.json(user).get("token"));
        HttpResponse<String> withFileToken = worker.send("POST", "/api/files/token", null,
                Map.of("Authorization", values.get("aliceFile")));
        assertEquals(401, withFileToken.statusCode(), "a file token authenticates nobody");
    }

    @Test
    void passwordChangeEndsFileTokens() throws Exception {
        String erin = user("users", "erin@example.com", values.get("admin"));
        String token = fileToken(erin, "");
        ok(worker.sendForm("POST", "/api/collections/docs/records", new Form().field("owner", id(erin))
                .file("secret", "e.txt", "text/plain", TEXT), auth(values.get("admin"))));
        Map<String, Object> rec = TestWorker.json(worker.send("GET",
                "/api/collections/docs/records?filter=" + java.net.URLEncoder.encode("owner='" + id(erin) + "'",
                        StandardCharsets.UTF_8), null, auth(values.get("admin"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> item = ((List<Map<String, Object>>) rec.get("items")).getFirst();
        String url = "/api/files/docs/" + item.get("id") + "/" + item.get("secret") + "?token=" + token;
        assertEquals(200, get("GET", url, Map.of()).statusCode());
        ok(worker.send("PATCH", "/api/collections/users/records/" + id(erin),
                "{\"password\":\"changed-password-2\",\"passwordConfirm\":\"changed-password-2\"}",
                auth(values.get("admin"))));
        assertEquals(404, get("GET", url, Map.of()).statusCode());
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static void assertSize(String size, int width, int height) throws Exception {
        HttpResponse<byte[]> res = get("GET", fill("/api/files/docs/{rec1}/{png}?thumb=" + size), Map.of());
        assertEquals(200, res.statusCode());
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(res.body()));
        assertEquals(width, thumb.getWidth(), size);
        assertEquals(height, thumb.getHeight(), size);
    }

    private static Path storage() throws Exception {
        Map<String, Object> docs = TestWorker.json(worker.send("GET", "/api/collections/docs", null, auth(values.get("admin"))));
        try (Stream<Path> found = Files.walk(dataDir)) {
            // Collection ids are a checksum of type and name (as PocketBase's), so another database's
            // "docs" has the same id: the folder is the one that holds main's records.
            return found.filter(p -> p.getFileName().toString().equals(docs.get("id"))
                    && p.getParent().getFileName().toString().equals("storage")
                    && Files.isDirectory(p.resolve(values.get("rec1")))).findFirst().orElseThrow();
        }
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A 40 × 20 JPEG (red left half, blue right half) whose EXIF says how to turn it upright. */
    private static byte[] orientedJpeg(int orientation) throws Exception {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 20, 20);
        g.setColor(Color.BLUE);
        g.fillRect(20, 0, 20, 20);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", jpeg);
        byte[] plain = jpeg.toByteArray();
        // APP1: "Exif\0\0", a big-endian TIFF header, and one IFD holding only the orientation (a SHORT).
        java.nio.ByteBuffer exif = java.nio.ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        exif.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)).put(new byte[] {'M', 'M', 0, 42}).putInt(8)
                .putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1)
                .putShort((short) orientation).putShort((short) 0).putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int app0End = 4 + (((plain[4] & 0xff) << 8) | (plain[5] & 0xff)); // SOI, then JFIF's APP0
        out.write(plain, 0, app0End);
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) ((exif.capacity() + 2) >> 8), (byte) (exif.capacity() + 2)});
        out.write(exif.array());
        out.write(plain, app0End, plain.length - app0End);
        return out.toByteArray();
    }

    private static String user(String collection, String email, String admin) throws Exception {
        return user("", collection, email, admin);
    }

    /** Creates a user and returns its auth token. */
    private static String user(String prefix, String collection, String email, String admin) throws Exception {
        String password = "password-of-" + email;
        String body = Json.mapper().writeValueAsString(Map.of("email", email, "password", password,
                "passwordConfirm", password));
        ok(worker.send("POST", prefix + "/api/collections/" + collection + "/records", body, auth(admin)));
        Map<String, Object> login = ok(worker.send("POST", prefix + "/api/collections/" + collection
                + "/auth-with-password", Json.mapper().writeValueAsString(Map.of("identity", email, "password", password)),
                Map.of()));
        String token = (String) login.get("token");
        if ("alice@example.com".equals(email)) {
            values.put("alice", token);
        }
        return token;
    }

    private static String fileToken(String authToken, String prefix) throws Exception {
        return (String) ok(worker.send("POST", prefix + "/api/files/token", null, auth(authToken))).get("token");
    }

    /** The record id inside an auth token (its payload's {@code id} claim). */
    private static String id(String token) throws Exception {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return (String) Json.mapper().readValue(payload, Map.class).get("id");
    }

    private static Map<String, String> auth(String token) {
        return Map.of("Authorization", token);
    }

    private static Map<String, Object> ok(HttpResponse<String> res) throws Exception {
        assertEquals(200, res.statusCode(), res.uri() + ": " + res.body());
        return TestWorker.json(res);
    }

    private static String fill(String template) {
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static HttpResponse<byte[]> get(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.worker.port() + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> res, String name) {
        return res.headers().firstValue(name).orElse("");
    }
}
