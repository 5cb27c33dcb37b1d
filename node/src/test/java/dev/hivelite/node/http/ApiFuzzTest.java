package dev.hivelite.node.http;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * The product rule, checked by brute force: whatever a client sends, on any public route, as anyone,
 * the answer is below 500, an error answer has PocketBase's {@code {status, message, data}} shape and
 * no internals, and the worker serves on with every collection still readable. A fixed seed drives a
 * few thousand requests (malformed JSON of every type and depth, broken multipart, hostile filters,
 * header garbage) against a database with every field type, an auth collection with OTP, a login
 * alert and an OAuth2 provider that cannot be reached, a view, a protected file field, rate limits
 * and a trusted proxy header on, and batch enabled. Every few hundred requests the fixture is put
 * back, so that one destructive request does not leave the rest with nothing to hit.
 */
class ApiFuzzTest {

    /** The run's seed and length; {@code -Dfuzz.seed=} and {@code -Dfuzz.requests=} explore further by hand. */
    private static final long SEED = Long.getLong("fuzz.seed", 0x5EED_2025L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);
    /** {@code -Dfuzz.trace=<route name>} prints that route's requests and answers, to see what the fuzz reaches. */
    private static final String TRACE = System.getProperty("fuzz.trace", "");
    /** Requests between two restorations of the fixture. */
    private static final int ROUND = 250;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String USER_EMAIL = "fuzz-user@example.com";
    private static final String USER_PASSWORD = "fuzz-password-1";
    /** Text in an answer that only an internal error would put there. */
    private static final List<String> LEAKS = List.of("dev.hivelite.", "java.lang.", "java.io.", "java.sql.",
            "com.fasterxml.", "io.helidon.", "org.sqlite.", "\tat ");

    private static final RateLimitTest.StepClock CLOCK = new RateLimitTest.StepClock();

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static String base;
    private static String closedPort;

    private static String superuser;
    private static String user;
    private static String userId;
    private static String key;
    private static String kindsId;
    private static String usersId;
    private static String sseClientId = "none";
    private static CompletableFuture<HttpResponse<Stream<String>>> sse;

    /** The fixture's collections as the worker first answered them: imported back every round. */
    private static ArrayNode fixture;
    private static String fixtureSettings;

    /** Records and files the requests can aim at, grown as the worker answers. */
    private static final List<String> kindsIds = new ArrayList<>();
    private static final List<String> userIds = new ArrayList<>();
    private static final List<String[]> files = new ArrayList<>();
    private static final List<String> fileTokens = new ArrayList<>();
    private static final List<String> otpIds = new ArrayList<>();

    private static byte[] png;
    private static byte[] exifJpeg;
    private static byte[] brokenExifJpeg;
    private static byte[] bigPng;
    private static byte[] lyingPng;

    private static final List<String> KINDS_FIELDS = List.of("id", "text", "editor", "num", "flag", "mail", "link", "when",
            "sel", "meta", "files", "owner", "others", "pos", "pin", "stamp");
    private static final List<String> USERS_FIELDS = List.of("id", "email", "emailVisibility", "verified", "name",
            "avatar", "password", "passwordConfirm", "oldPassword", "tokenKey", "created", "updated");
    private static final List<String> SYSTEM = List.of("_superusers", "_mfas", "_otps", "_externalAuths", "_authOrigins");
    private static final List<String> SCRATCH = List.of("fz_0", "fz_1", "fz_2", "fz_3", "fz_4");
    private static final List<String> FIELD_TYPES = List.of("text", "editor", "number", "bool", "email", "url", "date",
            "autodate", "select", "json", "file", "relation", "geoPoint", "password");

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir, CLOCK);
        worker.awaitCluster();
        base = "http://127.0.0.1:" + worker.worker.port();
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = String.valueOf(s.getLocalPort()); // closed once this block ends: OAuth2 calls there are refused
        }
        superuser = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        images();
        String provider = "http://127.0.0.1:" + closedPort;
        usersId = worker.call("POST", "/api/collections", """
                {"name":"users","type":"auth","listRule":"","viewRule":"","createRule":"",
                 "updateRule":"id = @request.auth.id","deleteRule":"id = @request.auth.id",
                 "fields":[{"name":"name","type":"text"},{"name":"avatar","type":"file","maxSelect":1,"thumbs":["50x50"]}],
                 "otp":{"enabled":true,"duration":180,"length":6},"mfa":{"enabled":false},"authAlert":{"enabled":true},
                 "oauth2":{"enabled":true,"providers":[{"name":"oidc","clientId":"cid","clientSecret":"secret",
                   "authURL":"%1$s/auth","tokenURL":"%1$s/token","userInfoURL":"%1$s/userinfo"}]}}"""
                .formatted(provider), superuser, 200).get("id").asText();
        kindsId = worker.call("POST", "/api/collections", """
                {"name":"kinds","type":"base","listRule":"","viewRule":"","createRule":"","updateRule":"","deleteRule":"",
                 "fields":[{"name":"text","type":"text","max":500},{"name":"editor","type":"editor"},
                  {"name":"num","type":"number","min":-1000,"max":1000},{"name":"flag","type":"bool"},
                  {"name":"mail","type":"email"},{"name":"link","type":"url"},{"name":"when","type":"date"},
                  {"name":"sel","type":"select","values":["a","b","c"],"maxSelect":2},{"name":"meta","type":"json","maxSize":2000},
                  {"name":"files","type":"file","maxSelect":3,"maxSize":1000000,"protected":true,"thumbs":["20x20","10x0f"]},
                  {"name":"owner","type":"relation","collectionId":"%s","maxSelect":1},
                  {"name":"others","type":"relation","collectionId":"kinds","maxSelect":5},
                  {"name":"pos","type":"geoPoint"},{"name":"pin","type":"password","hidden":true},
                  {"name":"stamp","type":"autodate","onCreate":true,"onUpdate":true}],
                 "indexes":["CREATE INDEX idx_kinds_num ON kinds (num)"]}""".formatted(usersId), superuser, 200)
                .get("id").asText();
        worker.call("POST", "/api/collections", """
                {"name":"kinds_view","type":"view","listRule":"","viewRule":"",
                 "viewQuery":"SELECT k.id, k.text, k.num, k.owner, k.files FROM kinds k"}""", superuser, 200);
        fixture = (ArrayNode) NODES.arrayNode();
        for (String name : List.of("_superusers", "users", "kinds", "kinds_view")) {
            fixture.add(worker.call("GET", "/api/collections/" + name, null, superuser, 200));
        }
        // Never shown, so put back by hand: a request may have replaced the provider, and its secret with it.
        ((ObjectNode) fixture.get(1).at("/oauth2/providers/0")).put("clientSecret", "secret");
        key = worker.call("POST", "/api/databases/main/keys", "{\"label\":\"fuzz\"}", superuser, 200).get("key").asText();
        fixtureSettings = """
                {"batch":{"enabled":true,"maxRequests":20,"timeout":3,"maxBodySize":0},
                 "rateLimits":{"enabled":true,"rules":[
                   {"label":"*:auth","audience":"","duration":10,"maxRequests":30},
                   {"label":"/api/batch","audience":"","duration":1,"maxRequests":20},
                   {"label":"kinds:create","audience":"@guest","duration":5,"maxRequests":40},
                   {"label":"POST /api/","audience":"@auth","duration":1,"maxRequests":200}]},
                 "trustedProxy":{"headers":["X-Forwarded-For"],"useLeftmostIP":false},
                 "meta":{"appName":"Fuzz","appURL":"http://localhost:8090"}}""";
        restore();
        connectRealtime();
    }

    @AfterAll
    static void stop() {
        if (sse != null) {
            sse.cancel(true);
        }
        worker.close();
        CLIENT.close();
    }

    /** One SSE connection held open, so that subscriptions have a client and writes have someone to tell. */
    private static void connectRealtime() throws Exception {
        sse = CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/realtime")).build(),
                HttpResponse.BodyHandlers.ofLines());
        Stream<String> lines = sse.get(30, java.util.concurrent.TimeUnit.SECONDS).body();
        java.util.Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
            String line = it.next();
            if (line.startsWith("data:")) {
                sseClientId = Json.mapper().readTree(line.substring(5)).get("clientId").asText();
                break;
            }
        }
        Thread.ofVirtual().start(() -> {
            try {
                while (it.hasNext()) {
                    it.next(); // drained, so the worker never waits on this client
                }
            } catch (RuntimeException e) {
                // the stream ended with the test
            }
        });
    }

    /** Puts the fixture back: settings, collections, the user, a record with files, fresh tokens. */
    private static void restore() throws Exception {
        CLOCK.advance(Duration.ofHours(1)); // every rate limit window of the fixture starts afresh
        if (superuser == null || worker.send("GET", "/api/settings", null, Map.of("Authorization", superuser)).statusCode() != 200) {
            superuser = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD); // a request logged it out
        }
        worker.call("PATCH", "/api/settings", fixtureSettings, superuser, 200);
        dropScratchCollections();
        ObjectNode imported = NODES.objectNode();
        imported.set("collections", fixture);
        imported.put("deleteMissing", false);
        worker.call("PUT", "/api/collections/import", imported.toString(), superuser, 204);
        for (int i = 1; i <= 2; i++) { // an import keeps fields it does not list: those the requests added go here
            worker.call("PATCH", "/api/collections/" + fixture.get(i).get("id").asText(),
                    object("fields", fixture.get(i).get("fields")).toString(), superuser, 200);
        }
        worker.send("POST", "/api/databases", "{\"name\":\"second\"}", Map.of("Authorization", superuser));
        ObjectNode account = NODES.objectNode().put("email", USER_EMAIL).put("password", USER_PASSWORD)
                .put("passwordConfirm", USER_PASSWORD).put("verified", true).put("name", "fuzz");
        HttpResponse<String> existing = userId == null ? null
                : worker.send("PATCH", "/api/collections/users/records/" + userId, account.toString(),
                        Map.of("Authorization", superuser));
        if (existing == null || existing.statusCode() != 200) {
            HttpResponse<String> taken = worker.send("GET", "/api/collections/users/records?filter="
                    + FuzzInputs.enc("email='" + USER_EMAIL + "'"), null, Map.of("Authorization", superuser));
            JsonNode items = Json.mapper().readTree(taken.body()).path("items");
            if (items.size() > 0) {
                userId = items.get(0).get("id").asText();
                worker.call("PATCH", "/api/collections/users/records/" + userId, account.toString(), superuser, 200);
            } else {
                userId = worker.call("POST", "/api/collections/users/records", account.toString(), superuser, 200)
                        .get("id").asText();
            }
            userIds.add(userId);
        }
        // Impersonated, not logged in: the fuzz's wrong passwords may have this client's logins throttled.
        user = worker.call("POST", "/api/collections/users/impersonate/" + userId, "{}", superuser, 200).get("token").asText();
        seedRecord();
        fileTokens.clear();
        fileTokens.add(worker.call("POST", "/api/files/token", null, user, 200).get("token").asText());
        fileTokens.add(worker.call("POST", "/api/files/token", null, superuser, 200).get("token").asText());
    }

    /**
     * Deletes every collection the requests made (one may have taken a fixture's name), views first;
     * a few passes, as one may refer to another.
     */
    private static void dropScratchCollections() throws Exception {
        java.util.Set<String> keep = new java.util.HashSet<>();
        fixture.forEach(c -> keep.add(c.get("id").asText()));
        for (int pass = 0; pass < 3; pass++) {
            JsonNode all = worker.call("GET", "/api/collections?perPage=500&sort=-type", null, superuser, 200);
            for (JsonNode c : all.get("items")) {
                if (!keep.contains(c.get("id").asText()) && !c.get("system").asBoolean()) {
                    worker.send("DELETE", "/api/collections/" + c.get("id").asText(), null, Map.of("Authorization", superuser));
                }
            }
        }
    }

    private static void seedRecord() throws Exception {
        String boundary = "seed-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"";
        body.writeBytes((head + "text\"\r\n\r\nseeded\r\n" + head + "owner\"\r\n\r\n" + userId + "\r\n").getBytes(StandardCharsets.UTF_8));
        String[][] uploads = {{"a.png", "image/png"}, {"b.jpg", "image/jpeg"}, {"c.jpg", "image/jpeg"}};
        byte[][] contents = {png, exifJpeg, brokenExifJpeg};
        for (int i = 0; i < uploads.length; i++) {
            body.writeBytes((head + "files\"; filename=\"" + uploads[i][0] + "\"\r\nContent-Type: " + uploads[i][1]
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(contents[i]);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/collections/kinds/records"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Authorization", superuser)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        remember(Json.mapper().readTree(created.body()));
    }

    /** Ids and file names a successful answer holds, as targets for later requests. */
    private static void remember(JsonNode record) {
        if (record == null || !record.isObject() || !record.path("id").isTextual()) {
            return;
        }
        String id = record.get("id").asText();
        String collection = record.path("collectionName").asText();
        if ("kinds".equals(collection) && !kindsIds.contains(id)) {
            kindsIds.add(id);
        } else if ("users".equals(collection) && !userIds.contains(id)) {
            userIds.add(id);
        }
        for (String field : List.of("files", "avatar")) {
            JsonNode names = record.path(field);
            for (JsonNode name : names.isArray() ? names : List.of(names)) {
                if (name.isTextual() && !name.asText().isEmpty()) {
                    files.add(new String[] {collection, id, name.asText()});
                }
            }
        }
    }

    private static void images() throws Exception {
        java.awt.image.BufferedImage small = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        png = encode(small, "png");
        byte[] jpeg = encode(small, "jpeg");
        exifJpeg = withApp1(jpeg, exif(false, 8, 1, 6));
        brokenExifJpeg = withApp1(jpeg, exif(true, 0x7FFFFFF0, 0xFFFF, 9));
        java.awt.image.BufferedImage wide = new java.awt.image.BufferedImage(6000, 4000,
                java.awt.image.BufferedImage.TYPE_BYTE_BINARY);
        bigPng = encode(wide, "png");
        lyingPng = png.clone();
        // IHDR's width and height (bytes 16..23) claim a huge image over the small one's pixels.
        byte[] huge = {0x00, 0x00, (byte) 0xEA, 0x60, 0x00, 0x00, (byte) 0xEA, 0x60};
        System.arraycopy(huge, 0, lyingPng, 16, huge.length);
    }

    private static byte[] encode(java.awt.image.BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** An Exif APP1 payload whose first IFD (at {@code ifd}) claims {@code entries} entries, the first the orientation. */
    private static byte[] exif(boolean littleEndian, int ifd, int entries, int orientation) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        b.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        b.order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        b.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries).putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation)
                .putShort((short) 0).putInt(0);
        return b.array();
    }

    private static byte[] withApp1(byte[] jpeg, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xFF);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------

    /** Who sends a request. */
    enum Caller { GUEST, USER, SUPERUSER, KEY, FORGED }

    /** One request as sent, kept whole to be shown when its answer breaks the rule. */
    record Req(String method, String path, byte[] body, Map<String, String> headers, Caller caller) {
        String describe() {
            String shown = body == null ? "" : new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8);
            return method + " " + (path.length() > 400 ? path.substring(0, 400) + "…" : path) + " as " + caller
                    + " headers=" + headers + (body == null ? "" : " body(" + body.length + ")=" + shown);
        }
    }

    /** A body and the content type it is sent with (null: none). */
    record Body(byte[] bytes, String contentType) {
        static Body json(String text) {
            return new Body(text.getBytes(StandardCharsets.UTF_8), "application/json");
        }
    }

    @Test
    void noRequestGetsA5xxOrAnUnshapedErrorAndTheWorkerServesOn() throws Exception {
        FuzzInputs in = new FuzzInputs(new Random(SEED));
        List<String> failures = new ArrayList<>();
        Map<String, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            if (i > 0 && i % ROUND == 0) {
                restore();
            }
            CLOCK.advance(Duration.ofMillis(50));
            Req req = next(in);
            HttpResponse<byte[]> res;
            try {
                res = send(req);
            } catch (java.io.IOException e) {
                failures.add("#" + i + " no answer (" + e + "): " + req.describe());
                continue;
            }
            statuses.merge(lastRoute + " " + res.statusCode(), 1, Integer::sum);
            String problem = check(req, res);
            if (problem != null && failures.size() < 40) {
                failures.add("#" + i + " (" + lastRoute + ") " + problem + "\n    request: " + req.describe() + "\n    answer: "
                        + res.statusCode() + " " + new String(res.body(), 0, Math.min(res.body().length, 500), StandardCharsets.UTF_8));
            }
            learn(req, res);
            if (lastRoute.equals(TRACE)) {
                System.out.println("TRACE #" + i + " " + req.describe().substring(0, Math.min(400, req.describe().length()))
                        + "\n   -> " + res.statusCode() + " " + new String(res.body(), 0, Math.min(300, res.body().length),
                        StandardCharsets.UTF_8));
            }
        }
        System.out.println("ApiFuzzTest statuses: " + statuses);
        assertTrue(failures.isEmpty(), failures.size() + " requests broke the rule:\n" + String.join("\n", failures));
        stillWhole();
    }

    /** The worker answers, every collection is still readable, and SQLite finds nothing broken. */
    private static void stillWhole() throws Exception {
        CLOCK.advance(Duration.ofHours(1));
        if (worker.send("GET", "/api/settings", null, Map.of("Authorization", superuser)).statusCode() != 200) {
            superuser = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        }
        worker.call("GET", "/api/health", null, null, 200);
        JsonNode all = worker.call("GET", "/api/collections?perPage=500", null, superuser, 200);
        for (JsonNode c : all.get("items")) {
            HttpResponse<String> list = worker.send("GET", "/api/collections/" + c.get("id").asText() + "/records?perPage=5",
                    null, Map.of("Authorization", superuser));
            if (!"view".equals(c.get("type").asText())) {
                assertEquals(200, list.statusCode(), c.get("name") + " is unreadable: " + list.body());
            } else {
                assertTrue(list.statusCode() < 500, c.get("name") + ": " + list.body());
            }
        }
        JsonNode check = worker.call("POST", "/api/databases/main/query", "{\"sql\":\"PRAGMA integrity_check\"}", superuser, 200);
        assertTrue(check.toString().contains("\"ok\""), check.toString());
    }

    private static HttpResponse<byte[]> send(Req req) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + req.path())).timeout(Duration.ofSeconds(60))
                .method(req.method(), req.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(req.body()));
        req.headers().forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** What is wrong with an answer, or null. */
    private static String check(Req req, HttpResponse<byte[]> res) {
        int status = res.statusCode();
        if (status >= 500) {
            return "a " + status;
        }
        String body = new String(res.body(), StandardCharsets.UTF_8);
        String contentType = res.headers().firstValue("Content-Type").orElse("");
        boolean json = contentType.startsWith("application/json");
        for (String leak : LEAKS) {
            if (json && body.contains(leak)) {
                return "internals (" + leak.strip() + ") in the answer";
            }
        }
        // A file's failed precondition or unsatisfiable range is HTTP's bodiless answer, as Go's file server gives it.
        boolean fileProtocol = (status == 412 || status == 416) && body.isEmpty() && req.path().contains("/api/files/");
        if (status < 400 || "HEAD".equals(req.method()) || fileProtocol) {
            if (json && !body.isEmpty()) {
                try {
                    Json.mapper().readTree(body);
                } catch (java.io.IOException e) {
                    return "a JSON answer that does not parse";
                }
            }
            return null;
        }
        try {
            JsonNode error = Json.mapper().readTree(body);
            if (error == null || !error.path("status").isInt() || error.get("status").asInt() != status
                    || !error.path("message").isTextual() || !error.path("data").isObject()) {
                return "an error without PocketBase's shape";
            }
        } catch (java.io.IOException e) {
            return "an error answer that is not JSON";
        }
        return null;
    }

    /** Keeps ids, file names and OTP ids that successful answers hold. */
    private static void learn(Req req, HttpResponse<byte[]> res) {
        if (res.statusCode() != 200 || res.body().length == 0 || res.body().length > 2_000_000) {
            return;
        }
        try {
            JsonNode body = Json.mapper().readTree(res.body());
            if (body == null) {
                return;
            }
            remember(body);
            remember(body.path("record"));
            if (body.path("otpId").isTextual() && otpIds.size() < 50) {
                otpIds.add(body.get("otpId").asText());
            }
            if (req.path().contains("/api/batch") && body.isArray()) {
                body.forEach(r -> remember(r.path("body")));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not JSON (a file): nothing to learn
        }
    }

    // ------------------------------------------------------------------ the requests

    /** A route of the public API and how often the fuzz hits it. */
    private record Route(String name, int weight, boolean admin, java.util.function.Function<FuzzInputs, Req> make) {
        Route(String name, int weight, java.util.function.Function<FuzzInputs, Req> make) {
            this(name, weight, false, make);
        }
    }

    private static final List<Route> ROUTES = List.of(
            new Route("records list", 14, ApiFuzzTest::recordsList),
            new Route("record view", 6, ApiFuzzTest::recordView),
            new Route("record create", 12, in -> recordWrite(in, "POST")),
            new Route("record update", 9, in -> recordWrite(in, "PATCH")),
            new Route("record delete", 3, in -> plain(in, "DELETE", prefix(in) + "/api/collections/" + collection(in)
                    + "/records/" + (in.chance(70) && !kindsIds.isEmpty() ? in.pick(kindsIds) : recordId(in)), null)),
            new Route("collections list", 3, true, in -> plain(in, "GET", prefix(in) + "/api/collections?" + listQuery(in, KINDS_FIELDS), null)),
            new Route("collection view", 2, true, in -> plain(in, "GET", prefix(in) + "/api/collections/" + collection(in), null)),
            new Route("collection create", 6, true, in -> in.chance(40)
                    ? request(in, "POST", prefix(in) + "/api/collections", Body.json(validCollection(in).toString()))
                    : withBody(in, "POST", prefix(in) + "/api/collections", collectionBody(in, true))),
            new Route("collection update", 5, true, in -> withBody(in, "PATCH", prefix(in) + "/api/collections/"
                    + in.pickOf(in.pick(SCRATCH), collection(in)), collectionBody(in, false))),
            new Route("collection delete", 2, true, in -> plain(in, "DELETE", prefix(in) + "/api/collections/"
                    + in.pickOf(in.pick(SCRATCH), in.pick(SYSTEM), in.segment(List.of("nope"))), null)),
            new Route("collection truncate", 1, true, in -> plain(in, "DELETE", prefix(in) + "/api/collections/"
                    + in.pickOf(in.pick(SCRATCH), in.pick(SYSTEM), "kinds_view") + "/truncate", null)),
            new Route("collections import", 3, true, ApiFuzzTest::importCollections),
            new Route("scaffolds", 1, true, in -> plain(in, "GET", prefix(in) + "/api/collections/meta/scaffolds", null)),
            new Route("oauth2 providers", 1, true, in -> plain(in, "GET", prefix(in) + "/api/collections/meta/oauth2-providers", null)),
            new Route("dry-run view", 2, true, in -> withBody(in, "POST", prefix(in) + "/api/collections/meta/dry-run-view",
                    object("viewQuery", NODES.textNode(viewQuery(in))))),
            new Route("auth", 16, ApiFuzzTest::auth),
            new Route("batch", 6, ApiFuzzTest::batch),
            new Route("file token", 1, in -> plain(in, "POST", prefix(in) + "/api/files/token", null)),
            new Route("file download", 7, ApiFuzzTest::download),
            new Route("realtime", 3, ApiFuzzTest::realtime),
            new Route("settings", 4, true, ApiFuzzTest::settings),
            new Route("health", 2, in -> plain(in, in.pickOf("GET", "HEAD"), prefix(in) + "/api/health", null)),
            new Route("platform", 4, true, ApiFuzzTest::platform),
            new Route("dashboard", 1, in -> plain(in, in.pickOf("GET", "HEAD"), in.pickOf("/_/", "/_/index.html", "/_/health",
                    "/_/" + in.segment(List.of("assets", "favicon.ico"))), null)),
            new Route("anything", 2, in -> withBody(in, in.pickOf("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
                    prefix(in) + "/api/" + in.segment(List.of("collections", "records", "files", "x")) + "/"
                            + in.segment(List.of("kinds", "a")), object("x", in.json(2)))));

    private static String lastRoute = "";
    /** Whether the route being built is a superuser's: its callers are mostly superusers and keys. */
    private static boolean adminRoute;

    private static final int TOTAL_WEIGHT = ROUTES.stream().mapToInt(Route::weight).sum();

    private static Req next(FuzzInputs in) {
        int n = in.below(TOTAL_WEIGHT);
        for (Route route : ROUTES) {
            n -= route.weight();
            if (n < 0) {
                lastRoute = route.name();
                adminRoute = route.admin();
                return route.make().apply(in);
            }
        }
        throw new IllegalStateException();
    }

    private static String prefix(FuzzInputs in) {
        int n = in.below(100);
        if (n < 80) {
            return "";
        }
        if (n < 92) {
            return "/db/main";
        }
        if (n < 96) {
            return "/db/second";
        }
        return "/db/" + in.segment(List.of("nope", "MAIN"));
    }

    private static String collection(FuzzInputs in) {
        if (in.chance(8)) {
            return in.pick(SCRATCH);
        }
        return in.segment(List.of("kinds", "kinds", "kinds", "kinds", "kinds", "users", "users", "users", "kinds_view", kindsId, usersId,
                "_superusers", "_mfas", "_otps", "_externalAuths", "_authOrigins", "fz_0", "fz_1"));
    }

    private static String recordId(FuzzInputs in) {
        return recordId(in, in.chance(30));
    }

    /** Mostly an id of a record of the collection asked for ({@code users} or kinds), else any. */
    private static String recordId(FuzzInputs in, boolean users) {
        List<String> known = new ArrayList<>(users ? userIds : kindsIds);
        if (known.isEmpty() || in.chance(15)) {
            known.addAll(users ? kindsIds : userIds);
            known.add("abcdefghijklmno");
        }
        return in.segment(known);
    }

    /** A request without a body of its own (sometimes with one anyway). */
    private static Req plain(FuzzInputs in, String method, String path, Body body) {
        Body sent = body != null ? body : in.chance(8) ? anyBody(in, object("x", in.json(2))) : null;
        return request(in, method, path, sent);
    }

    private static Req withBody(FuzzInputs in, String method, String path, JsonNode plausible) {
        return request(in, method, path, anyBody(in, plausible));
    }

    private static Req request(FuzzInputs in, String method, String path, Body body) {
        Caller caller = adminRoute && in.chance(60) ? in.pickOf(Caller.SUPERUSER, Caller.SUPERUSER, Caller.KEY)
                : in.pickOf(Caller.GUEST, Caller.GUEST, Caller.USER, Caller.USER, Caller.SUPERUSER, Caller.SUPERUSER,
                        Caller.KEY, Caller.FORGED);
        Map<String, String> headers = new LinkedHashMap<>();
        switch (caller) {
            case USER -> headers.put("Authorization", in.chance(50) ? user : "Bearer " + user);
            case SUPERUSER -> headers.put("Authorization", in.chance(80) ? superuser : "Bearer " + superuser);
            case KEY -> headers.put("Authorization", "Bearer " + key);
            case FORGED -> headers.put("Authorization", in.pickOf("Bearer", "Bearer x", "Basic YWRtaW46YWRtaW4=",
                    "x.y.z", user.substring(0, user.length() - 3) + "abc", "eyJhbGciOiJub25lIn0.eyJpZCI6IngifQ.",
                    superuser + " " + superuser, in.headerValue()));
            default -> { }
        }
        if (body != null && body.contentType() != null) {
            headers.put("Content-Type", body.contentType());
        }
        for (int i = in.below(4); i > 0; i--) {
            switch (in.below(9)) {
                case 0, 1 -> headers.put("X-Forwarded-For", in.forwardedFor());
                case 2 -> headers.put("If-Modified-Since", in.httpDate());
                case 3 -> headers.put("If-None-Match", in.pickOf("*", "\"x\"", "W/\"1\"", in.headerValue()));
                case 4 -> headers.put("Range", in.range());
                case 5 -> headers.put("X-Real-IP", in.forwardedFor());
                case 6 -> headers.put("Accept", in.pickOf("*/*", "text/html", "image/webp", in.headerValue()));
                case 7 -> headers.put(in.pickOf("If-Range", "Content-Encoding"), in.chance(50) ? in.httpDate()
                        : in.pickOf("gzip", "deflate", "br", "identity", "gzip, gzip", "x"));
                default -> headers.put(in.pickOf("Origin", "Accept-Encoding", "Accept-Language", "Cookie",
                        "X-" + in.word(5), "User-Agent"), in.headerValue());
            }
        }
        headers.values().removeIf(String::isEmpty);
        if (body != null && body.bytes().length > 1024) {
            // Any Content-Encoding is refused before the body is read and the connection closed: a body
            // still being sent would race that close, as below.
            headers.remove("Content-Encoding");
        }
        if (path.length() > 32_000) {
            // Past the request line limit the server answers 414 and closes at once: a body still being
            // sent would race that close (TCP may reset the answer away), so such requests go bodiless.
            return new Req(method, path, null, headers, caller);
        }
        return new Req(method, path, body == null ? null : body.bytes(), headers, caller);
    }

    /** The plausible body as JSON most of the time, else in one of the ways clients get bodies wrong. */
    private static Body anyBody(FuzzInputs in, JsonNode plausible) {
        String text = plausible.toString();
        int n = in.below(100);
        if (n < 55) {
            return Body.json(text);
        }
        if (n < 63) {
            return Body.json(in.json(3).toString());
        }
        if (n < 71) {
            return Body.json(in.malformed(text));
        }
        if (n < 74) {
            return Body.json(in.deepNesting());
        }
        if (n < 76) {
            return in.chance(50) ? new Body(in.badUtf8(), "application/json") : Body.json(in.manyKeys());
        }
        if (n < 78) {
            return new Body(new byte[0], in.pickOf("application/json", null, "multipart/form-data; boundary=x"));
        }
        if (n < 84) {
            return new Body(text.getBytes(StandardCharsets.UTF_8), in.pickOf("text/plain", "application/xml",
                    "application/x-www-form-urlencoded", "application/json; charset=latin1", "multipart/form-data",
                    "multipart/mixed; boundary=zz", "application/json; boundary=x", in.headerValue()));
        }
        if (n < 88) {
            StringBuilder form = new StringBuilder();
            plausible.fields().forEachRemaining(e -> form.append(FuzzInputs.enc(e.getKey())).append('=')
                    .append(in.chance(80) ? FuzzInputs.enc(e.getValue().asText()) : in.pickOf("%zz", "%", "&&", "=")).append('&'));
            return new Body(form.toString().getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
        }
        return multipart(in, plausible, List.of());
    }

    /** The object's members as form fields (or as {@code @jsonPayload}), with these files. */
    private static Body multipart(FuzzInputs in, JsonNode plausible, List<FuzzInputs.FilePart> fileParts) {
        String boundary = in.pickOf("fuzz-boundary", "b", "x".repeat(70), "a b", "\"quoted\"");
        List<String[]> fields = new ArrayList<>();
        if (in.chance(30)) {
            fields.add(new String[] {"@jsonPayload", in.chance(80) ? plausible.toString() : in.malformed(plausible.toString())});
        } else {
            plausible.fields().forEachRemaining(e -> fields.add(new String[] {e.getKey(),
                    e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()}));
        }
        byte[] bytes = in.multipart(boundary.replace("\"", ""), fields, fileParts);
        String type = in.chance(90) ? "multipart/form-data; boundary=" + boundary
                : in.pickOf("multipart/form-data", "multipart/form-data; boundary=other", "multipart/form-data; boundary=");
        return new Body(bytes, type);
    }

    private static ObjectNode object(String key, JsonNode value) {
        ObjectNode o = NODES.objectNode();
        o.set(key, value);
        return o;
    }

    private static String listQuery(FuzzInputs in, List<String> fields) {
        List<String> params = new ArrayList<>();
        if (in.chance(40)) {
            params.add("page=" + FuzzInputs.enc(in.count()));
        }
        if (in.chance(40)) {
            params.add("perPage=" + FuzzInputs.enc(in.count()));
        }
        if (in.chance(50)) {
            params.add("filter=" + FuzzInputs.enc(in.filter(fields)));
        }
        if (in.chance(40)) {
            List<String> sortable = new ArrayList<>(fields);
            sortable.addAll(List.of("@random", "@rowid", "owner.email", "others.num", "meta.a", "-", "+"));
            params.add("sort=" + FuzzInputs.enc(in.list(sortable, "-", "+", " ")));
        }
        if (in.chance(30)) {
            params.add("expand=" + FuzzInputs.enc(expand(in)));
        }
        if (in.chance(30)) {
            params.add("fields=" + FuzzInputs.enc(fields(in, fields)));
        }
        if (in.chance(20)) {
            params.add("skipTotal=" + FuzzInputs.enc(in.pickOf("1", "true", "0", "x", "")));
        }
        if (in.chance(5)) {
            params.add(FuzzInputs.enc(in.text()) + "=" + FuzzInputs.enc(in.text()));
        }
        if (in.chance(5) && !params.isEmpty()) {
            params.add(in.pick(params)); // a parameter given twice
        }
        return String.join("&", params);
    }

    private static String expand(FuzzInputs in) {
        return in.list(List.of("owner", "others", "others.owner", "others.others.others.others.others.others.others",
                "kinds_via_owner", "kinds_via_others.owner", "owner.kinds_via_owner", "nope", "files", "text"));
    }

    private static String fields(FuzzInputs in, List<String> fields) {
        List<String> pool = new ArrayList<>(fields);
        pool.addAll(List.of("*", "expand.owner.email", "expand.*", "text:excerpt(10)", "editor:excerpt(5,true)",
                "text:excerpt(-1)", "text:excerpt(99999999999)", "text:excerpt(", "text:nope(1)", "*:excerpt(3)"));
        return in.list(pool);
    }

    private static Req recordsList(FuzzInputs in) {
        String collection = collection(in);
        List<String> fields = collection.startsWith("users") || collection.equals(usersId) ? USERS_FIELDS : KINDS_FIELDS;
        return plain(in, in.chance(90) ? "GET" : "HEAD", prefix(in) + "/api/collections/" + collection + "/records?"
                + listQuery(in, fields), null);
    }

    private static Req recordView(FuzzInputs in) {
        String query = (in.chance(40) ? "expand=" + FuzzInputs.enc(expand(in)) + "&" : "")
                + (in.chance(40) ? "fields=" + FuzzInputs.enc(fields(in, KINDS_FIELDS)) : "");
        String collection = collection(in);
        boolean users = collection.startsWith("users") || collection.equals(usersId);
        return plain(in, "GET", prefix(in) + "/api/collections/" + collection + "/records/" + recordId(in, users) + "?" + query, null);
    }

    /** A value for one field of kinds or users, plausible or not. */
    private static JsonNode fieldValue(FuzzInputs in, String field, boolean plausible) {
        if (!plausible && in.chance(35)) {
            return in.json(2);
        }
        return switch (field) {
            case "num", "num+", "num-" -> in.number();
            case "flag", "emailVisibility", "verified" -> NODES.booleanNode(in.random.nextBoolean());
            case "mail", "email" -> NODES.textNode(in.pickOf("a@example.com", "bad", "x@" + in.word(5) + ".test", USER_EMAIL, ""));
            case "link" -> NODES.textNode(in.pickOf("https://example.com/a", "not a url", "javascript:alert(1)", ""));
            case "when" -> NODES.textNode(in.pickOf("2024-01-02 03:04:05.000Z", "2024-01-02", "0000-00-00", "tomorrow", ""));
            case "sel", "sel+", "+sel", "sel-" -> in.chance(50) ? NODES.textNode(in.pickOf("a", "b", "c", "d", ""))
                    : NODES.arrayNode().add(in.pickOf("a", "b", "c")).add(in.pickOf("a", "b", "c", "z"));
            case "owner" -> NODES.textNode(in.chance(70) ? userId : in.word(15));
            case "others", "others+", "others-" -> kindsIds.isEmpty() ? NODES.textNode("x")
                    : NODES.arrayNode().add(in.pick(kindsIds)).add(in.chance(50) ? in.pick(kindsIds) : in.word(15));
            case "pos" -> {
                ObjectNode pos = NODES.objectNode();
                pos.set("lon", in.number());
                pos.set("lat", in.chance(50) ? in.number() : NODES.textNode("x"));
                yield pos;
            }
            case "meta" -> in.json(4);
            case "files-", "files" -> files.isEmpty() ? NODES.textNode("x") : NODES.textNode(in.pick(files)[2]);
            case "password", "passwordConfirm", "oldPassword", "pin" -> NODES.textNode(in.pickOf(USER_PASSWORD, "short", in.text()));
            case "f1", "f2", "f3", "f4", "f5", "f6", "f1+", "f2-" -> in.pickOf(in.number(), NODES.textNode(in.pickOf("a", "b",
                    "2024-01-02 03:04:05.000Z", "x@example.com", "https://example.com")), NODES.booleanNode(true),
                    NODES.arrayNode().add("a").add("c"), kindsIds.isEmpty() ? NODES.nullNode() : NODES.textNode(in.pick(kindsIds)));
            default -> NODES.textNode(in.text());
        };
    }

    private static Req recordWrite(FuzzInputs in, String method) {
        String collection = collection(in);
        boolean users = collection.startsWith("users") || collection.equals(usersId);
        String idPart = "POST".equals(method) ? "" : "/" + recordId(in, users);
        List<String> pool = new ArrayList<>(users ? USERS_FIELDS : KINDS_FIELDS);
        pool.addAll(List.of("collectionId", "collectionName", "expand", "created", "num+", "num-", "sel+", "+sel", "sel-",
                "others+", "others-", "files-", "files+", "@jsonPayload", "nope"));
        ObjectNode body = NODES.objectNode();
        boolean plausible = in.chance(50);
        if (plausible) {
            pool = new ArrayList<>(users ? USERS_FIELDS : KINDS_FIELDS);
            pool.removeAll(List.of("id", "pin", "tokenKey", "oldPassword", "verified"));
        }
        if (SCRATCH.contains(collection)) { // the fields validCollection names, and an auth collection's
            pool = List.of("f1", "f2", "f3", "f4", "f5", "f6", "f1+", "f2-", "email", "password", "passwordConfirm");
        }
        for (int i = 1 + in.below(6); i > 0; i--) {
            String field = in.pick(pool);
            body.set(field, fieldValue(in, field, plausible));
        }
        String path = prefix(in) + "/api/collections/" + collection + "/records" + idPart
                + (in.chance(20) ? "?expand=" + FuzzInputs.enc(expand(in)) + "&fields=" + FuzzInputs.enc(fields(in, pool)) : "");
        if (in.chance(35)) {
            List<FuzzInputs.FilePart> uploads = new ArrayList<>();
            for (int i = 1 + in.below(3); i > 0; i--) {
                uploads.add(new FuzzInputs.FilePart(in.pickOf("files", "files+", "+files", "avatar", "text", "nope",
                        "files." + in.below(3)), in.filename(), in.contentType(),
                        in.pickOf(png, png, exifJpeg, brokenExifJpeg, lyingPng, bigPng, new byte[0],
                                in.text().getBytes(StandardCharsets.UTF_8), "GIF89a".getBytes(StandardCharsets.US_ASCII))));
            }
            return request(in, method, path, multipart(in, body, uploads));
        }
        return withBody(in, method, path, body);
    }

    private static JsonNode rule(FuzzInputs in) {
        return in.chance(25) ? NODES.nullNode() : in.chance(10) ? in.json(1) : NODES.textNode(in.filter(KINDS_FIELDS));
    }

    private static String viewQuery(FuzzInputs in) {
        return in.pickOf("SELECT id, text FROM kinds", "select * from kinds", "SELECT id FROM nope", "SELECT 1 AS id; DROP TABLE kinds",
                "WITH x AS (SELECT id, num FROM kinds) SELECT * FROM x", "select id, count(*) as c from kinds group by id",
                "select k.id, u.email from kinds k join users u on k.owner = u.id", "select (select 1) as id",
                "SELECT id, json_extract(meta, '$.a') AS a FROM kinds", "select id from _superusers", "PRAGMA table_info(kinds)",
                "select id, text from kinds union all select id, email from users", "select", "", in.text(),
                "select id, " + in.text() + " from kinds");
    }

    private static JsonNode fieldDefinition(FuzzInputs in) {
        ObjectNode f = NODES.objectNode();
        f.put("name", in.chance(80) ? in.pickOf("a", "b", "c", "title", in.word(6)) : in.pickOf("id", "created", "expand",
                "collectionId", "", in.text(), "a b", "@x"));
        f.set("type", in.chance(90) ? NODES.textNode(in.pick(FIELD_TYPES)) : in.json(1));
        List<String> options = List.of("required", "hidden", "presentable", "min", "max", "maxSelect", "minSelect", "values",
                "collectionId", "cascadeDelete", "thumbs", "mimeTypes", "maxSize", "protected", "onlyInt", "pattern",
                "autogeneratePattern", "primaryKey", "onCreate", "onUpdate", "onlyDomains", "exceptDomains", "cost", "id",
                "system", "convertURLs");
        for (int i = in.below(4); i > 0; i--) {
            String option = in.pick(options);
            f.set(option, switch (option) {
                case "values", "mimeTypes", "onlyDomains", "exceptDomains" ->
                        NODES.arrayNode().add(in.pickOf("a", "image/png", "example.com", "")).add(in.text());
                case "thumbs" -> NODES.arrayNode().add(in.pickOf("10x10", "0x0", "abc", "10x10f", "1x")).add(in.word(3));
                case "collectionId" -> NODES.textNode(in.pickOf(kindsId, usersId, "kinds", "nope", "_superusers"));
                case "pattern", "autogeneratePattern" -> NODES.textNode(in.pickOf("^[a-z]+$", "[", "(a+)+$", "\\", "[a-z]{5}"));
                default -> in.chance(60) ? in.number() : in.json(1);
            });
        }
        return f;
    }

    /** A field definition PocketBase takes, of any type, with options in their ranges. */
    private static ObjectNode validField(FuzzInputs in, String name) {
        String type = in.pick(FIELD_TYPES);
        ObjectNode f = NODES.objectNode().put("name", name).put("type", type);
        f.put("required", in.chance(20)).put("hidden", in.chance(10));
        switch (type) {
            case "text" -> {
                f.put("max", in.pickOf(0, 5, 100));
                if (in.chance(30)) {
                    f.put("pattern", in.pickOf("^[a-z]*$", "^\\d+$", "^.{0,3}$"));
                }
            }
            case "number" -> f.put("onlyInt", in.random.nextBoolean()).put("min", in.pickOf(-5, 0)).put("max", in.pickOf(10, 1000));
            case "select" -> f.put("maxSelect", in.pickOf(1, 2, 5)).set("values", NODES.arrayNode().add("a").add("b").add("c"));
            case "relation" -> f.put("collectionId", in.pickOf(kindsId, usersId, in.pick(SCRATCH))).put("maxSelect", in.pickOf(1, 3))
                    .put("cascadeDelete", in.random.nextBoolean());
            case "file" -> f.put("maxSelect", in.pickOf(1, 2)).put("maxSize", in.pickOf(100, 1000000)).put("protected", in.random.nextBoolean())
                    .set("mimeTypes", in.chance(50) ? NODES.arrayNode() : NODES.arrayNode().add("image/png"));
            case "json" -> f.put("maxSize", in.pickOf(0, 10, 5000));
            case "autodate" -> f.put("onCreate", true).put("onUpdate", in.random.nextBoolean());
            case "date" -> f.put("min", in.chance(30) ? "2020-01-01 00:00:00.000Z" : "");
            case "password" -> f.put("min", in.pickOf(1, 8)).put("max", 71);
            case "editor" -> f.put("maxSize", in.pickOf(0, 20));
            case "email", "url" -> f.set("onlyDomains", in.chance(30) ? NODES.arrayNode().add("example.com") : NODES.arrayNode());
            default -> { }
        }
        return f;
    }

    /** A whole collection PocketBase takes: a scratch base or auth collection, or a view over the fixture. */
    private static ObjectNode validCollection(FuzzInputs in) {
        ObjectNode c = NODES.objectNode().put("name", in.pick(SCRATCH));
        String type = in.pickOf("base", "base", "auth", "view");
        c.put("type", type);
        for (String rule : "view".equals(type) ? List.of("listRule", "viewRule")
                : List.of("listRule", "viewRule", "createRule", "updateRule", "deleteRule")) {
            c.set(rule, in.pickOf(NODES.textNode(""), NODES.textNode(""), NODES.nullNode(), NODES.textNode("id != ''")));
        }
        if ("view".equals(type)) {
            c.put("viewQuery", viewQuery(in));
            return c;
        }
        ArrayNode fields = c.putArray("fields");
        for (int i = 1 + in.below(6); i > 0; i--) {
            fields.add(validField(in, "f" + i));
        }
        return c;
    }

    /** A collection definition: a scratch one from nothing, or a change of some of an existing one's keys. */
    private static JsonNode collectionBody(FuzzInputs in, boolean whole) {
        if (!whole && in.chance(25)) {
            // A field added, retyped or reshaped by id: the table is rebuilt with its records in it.
            ArrayNode fields = NODES.arrayNode();
            JsonNode kinds = fixture.get(2).get("fields");
            for (JsonNode existing : kinds) {
                ObjectNode copy = existing.deepCopy();
                if (in.chance(15) && !"id".equals(copy.path("name").asText())) {
                    switch (in.below(4)) {
                        case 0 -> copy.put("maxSelect", in.pickOf(1, 2, 9));
                        case 1 -> copy.put("type", in.pick(FIELD_TYPES));
                        case 2 -> copy.put("name", copy.path("name").asText() + "2");
                        default -> { continue; } // dropped
                    }
                }
                fields.add(copy);
            }
            if (in.chance(50)) {
                fields.add(validField(in, "added" + in.below(3)));
            }
            return object("fields", fields);
        }
        ObjectNode c = NODES.objectNode();
        if (whole) {
            c.put("name", in.chance(80) ? in.pick(SCRATCH) : in.pickOf("kinds", "users", "_x", "", in.text(), "a-b"));
            c.set("type", in.chance(90) ? NODES.textNode(in.pickOf("base", "base", "auth", "view")) : in.json(1));
        }
        List<String> keys = List.of("fields", "listRule", "viewRule", "createRule", "updateRule", "deleteRule", "indexes",
                "viewQuery", "name", "type", "system", "id", "otp", "mfa", "oauth2", "authAlert", "passwordAuth", "authToken",
                "fileToken", "manageRule", "authRule", "verificationTemplate", "emailChangeToken");
        for (int i = whole ? 2 + in.below(5) : 1 + in.below(3); i > 0; i--) {
            String k = in.pick(keys);
            c.set(k, switch (k) {
                case "fields" -> {
                    ArrayNode fields = NODES.arrayNode();
                    for (int j = in.below(5); j > 0; j--) {
                        fields.add(fieldDefinition(in));
                    }
                    yield in.chance(90) ? fields : in.json(1);
                }
                case "listRule", "viewRule", "createRule", "updateRule", "deleteRule", "manageRule", "authRule" -> rule(in);
                case "indexes" -> NODES.arrayNode().add(in.pickOf("CREATE INDEX idx_fz ON " + in.pick(SCRATCH) + " (a)",
                        "CREATE UNIQUE INDEX idx_u ON kinds (text)", "DROP TABLE kinds", "create index x on y", in.text()));
                case "viewQuery" -> NODES.textNode(viewQuery(in));
                case "name" -> NODES.textNode(in.pickOf(in.pick(SCRATCH), "kinds2", "", in.text()));
                case "otp" -> NODES.objectNode().put("enabled", in.random.nextBoolean()).set("length", in.number());
                case "mfa" -> NODES.objectNode().put("enabled", in.random.nextBoolean()).set("rule", rule(in));
                case "oauth2" -> NODES.objectNode().put("enabled", in.random.nextBoolean()).set("providers",
                        NODES.arrayNode().add(NODES.objectNode().put("name", in.pickOf("oidc", "", "nope", in.word(4)))
                                .put("clientId", in.word(3)).set("authURL", in.json(0))));
                case "authToken", "fileToken", "emailChangeToken" -> NODES.objectNode().set("duration", in.number());
                default -> in.json(2);
            });
        }
        return c;
    }

    private static Req importCollections(FuzzInputs in) {
        ArrayNode collections = NODES.arrayNode();
        for (int i = in.below(4); i > 0; i--) {
            if (in.chance(50)) {
                ObjectNode copy = in.pick(List.of((ObjectNode) fixture.get(1), (ObjectNode) fixture.get(2),
                        (ObjectNode) fixture.get(3))).deepCopy();
                copy.setAll((ObjectNode) collectionBody(in, false));
                collections.add(copy);
            } else {
                collections.add(collectionBody(in, true));
            }
        }
        ObjectNode body = NODES.objectNode();
        body.set("collections", in.chance(90) ? collections : in.json(1));
        body.set("deleteMissing", in.chance(80) ? NODES.booleanNode(in.chance(20)) : in.json(0));
        return withBody(in, "PUT", prefix(in) + "/api/collections/import", body);
    }

    private static Req auth(FuzzInputs in) {
        String c = prefix(in) + "/api/collections/" + (in.chance(75) ? "users" : in.segment(List.of(usersId,
                "_superusers", "kinds", "_mfas"))) + "/";
        String[] actions = {"auth-methods", "auth-with-password", "auth-with-oauth2", "auth-refresh", "impersonate/",
                "request-otp", "auth-with-otp", "request-verification", "confirm-verification", "request-password-reset",
                "confirm-password-reset", "request-email-change", "confirm-email-change"};
        String action = in.pickOf(actions);
        ObjectNode body = NODES.objectNode();
        String token = in.pickOf(user, superuser, in.text(), "", fileTokens.isEmpty() ? "x" : in.pick(fileTokens));
        switch (action) {
            case "auth-methods" -> {
                return plain(in, "GET", c + action + (in.chance(30) ? "?fields=" + FuzzInputs.enc(in.text()) : ""), null);
            }
            case "auth-refresh" -> {
                return plain(in, "POST", c + action + (in.chance(30) ? "?expand=" + FuzzInputs.enc(expand(in)) : ""), null);
            }
            case "impersonate/" -> {
                body.set("duration", in.number());
                return withBody(in, "POST", c + action + in.segment(userIds.isEmpty() ? List.of("x") : userIds), body);
            }
            case "auth-with-password" -> {
                body.set("identity", NODES.textNode(in.pickOf(USER_EMAIL, ADMIN_EMAIL, in.text())));
                body.set("password", in.chance(80) ? NODES.textNode(in.pickOf(USER_PASSWORD, "wrong-password", in.text())) : in.json(1));
                if (in.chance(30)) {
                    body.set("identityField", NODES.textNode(in.pickOf("email", "name", "id", "password", in.text())));
                }
            }
            case "auth-with-oauth2" -> {
                body.put("provider", in.pickOf("oidc", "oidc", "", "nope", in.word(5)));
                body.set("code", in.chance(80) ? NODES.textNode(in.text()) : in.json(1));
                body.put("codeVerifier", in.text());
                body.put(in.pickOf("redirectURL", "redirectUrl"), in.pickOf("http://localhost/cb", "", in.text()));
                if (in.chance(40)) {
                    body.set("createData", in.json(2));
                }
            }
            case "request-otp", "request-verification", "request-password-reset" ->
                    body.set("email", in.chance(80) ? NODES.textNode(in.pickOf(USER_EMAIL, "nobody@example.com", in.text())) : in.json(1));
            case "auth-with-otp" -> {
                body.set("otpId", in.chance(60) && !otpIds.isEmpty() ? NODES.textNode(in.pick(otpIds)) : in.json(1));
                body.set("password", in.chance(80) ? NODES.textNode(in.pickOf("123456", in.text())) : in.json(1));
            }
            case "request-email-change" -> body.set("newEmail", NODES.textNode(in.pickOf("new@example.com", ADMIN_EMAIL, in.text())));
            default -> {
                body.set("token", NODES.textNode(token));
                body.set("password", NODES.textNode(in.pickOf(USER_PASSWORD, in.text())));
                body.set("passwordConfirm", NODES.textNode(in.pickOf(USER_PASSWORD, in.text())));
            }
        }
        return withBody(in, "POST", c + action, body);
    }

    private static Req batch(FuzzInputs in) {
        ArrayNode requests = NODES.arrayNode();
        boolean plausible = in.chance(50);
        for (int i = in.chance(90) ? 1 + in.below(6) : 21 + in.below(5); i > 0; i--) {
            ObjectNode r = NODES.objectNode();
            String coll = in.chance(80) ? "kinds" : in.pickOf("users", "kinds_view", "_superusers", "_otps", "nope");
            String one = "/api/collections/" + coll + "/records/" + (kindsIds.isEmpty() ? "x" : in.pick(kindsIds));
            String all = "/api/collections/" + coll + "/records" + (in.chance(20) ? "?expand=owner&fields="
                    + FuzzInputs.enc(fields(in, KINDS_FIELDS)) : "");
            if (plausible || in.chance(80)) { // a request a batch takes
                String method = in.pickOf("POST", "POST", "PATCH", "DELETE", "PUT");
                r.put("method", method);
                r.put("url", method.equals("POST") || method.equals("PUT") ? all : one);
            } else {
                r.set("method", in.chance(90) ? NODES.textNode(in.pickOf("GET", "POST", "PATCH", "get", "x", "")) : in.json(0));
                r.set("url", in.chance(90) ? NODES.textNode(in.pickOf(all, one, "/api/collections", "/api/batch",
                        "http://evil.test/x", "", "/api/collections/" + coll + "/records/" + FuzzInputs.enc(in.text()))) : in.json(0));
            }
            ObjectNode recordBody = NODES.objectNode();
            for (int j = in.below(4); j > 0; j--) {
                String field = in.pick(plausible ? List.of("text", "num", "flag", "sel", "owner", "others", "meta", "when")
                        : KINDS_FIELDS);
                recordBody.set(field, fieldValue(in, field, plausible));
            }
            r.set("body", plausible || in.chance(90) ? recordBody : in.json(1));
            if (in.chance(20)) {
                r.set("headers", plausible || in.chance(70)
                        ? NODES.objectNode().put("Authorization", in.pickOf(user, superuser, in.text())) : in.json(1));
            }
            requests.add(plausible || in.chance(97) ? r : in.json(1));
        }
        ObjectNode body = NODES.objectNode();
        body.set("requests", plausible || in.chance(95) ? requests : in.json(1));
        String path = prefix(in) + "/api/batch";
        if (in.chance(25)) {
            List<FuzzInputs.FilePart> uploads = List.of(new FuzzInputs.FilePart("requests." + in.pickOf("0", "1", "99", "-1", "x")
                    + "." + in.pickOf("files", "files+", "nope"), in.filename(), in.contentType(), in.pickOf(png, exifJpeg, lyingPng)));
            return request(in, "POST", path, multipart(in, body, uploads));
        }
        return plausible ? request(in, "POST", path, Body.json(body.toString())) : withBody(in, "POST", path, body);
    }

    private static Req download(FuzzInputs in) {
        String[] file = files.isEmpty() ? new String[] {"kinds", "x", "x.png"} : in.pick(files);
        String coll = in.chance(85) ? file[0] : collection(in);
        String id = in.chance(85) ? file[1] : recordId(in);
        String name = in.chance(85) ? file[2] : in.segment(List.of("x.png", file[2] + "x", "thumbs_" + file[2]));
        List<String> params = new ArrayList<>();
        if (in.chance(50)) {
            params.add("thumb=" + FuzzInputs.enc(in.pickOf("20x20", "10x0f", "100x100", "50x50", "0x0", "9999x9999", "abc",
                    "100x100t", "", "20x20x20", "-1x5", in.text())));
        }
        if (in.chance(60)) {
            params.add("token=" + FuzzInputs.enc(in.chance(70) && !fileTokens.isEmpty() ? in.pick(fileTokens)
                    : in.pickOf(user, superuser, in.text())));
        }
        if (in.chance(20)) {
            params.add("download=" + FuzzInputs.enc(in.pickOf("1", "true", "0", in.text())));
        }
        return plain(in, in.chance(80) ? "GET" : "HEAD", prefix(in) + "/api/files/" + coll + "/" + id + "/" + name + "?"
                + String.join("&", params), null);
    }

    private static Req realtime(FuzzInputs in) {
        if (in.chance(15)) {
            String query = "?state=" + FuzzInputs.enc(in.text()) + "&code=" + FuzzInputs.enc(in.text());
            return plain(in, in.pickOf("GET", "POST"), prefix(in) + "/api/oauth2-redirect" + query, null);
        }
        ArrayNode topics = NODES.arrayNode();
        for (int i = in.below(6); i > 0; i--) {
            String options = "";
            if (in.chance(40)) {
                ObjectNode o = NODES.objectNode();
                ObjectNode query = o.putObject("query");
                query.put("filter", in.filter(KINDS_FIELDS)).put("expand", expand(in)).put("fields", fields(in, KINDS_FIELDS));
                o.set("headers", in.json(1));
                options = "?options=" + FuzzInputs.enc(in.chance(85) ? o.toString() : in.malformed(o.toString()));
            }
            topics.add(in.pickOf("kinds/*", "kinds/" + (kindsIds.isEmpty() ? "x" : in.pick(kindsIds)), "users/*", "*",
                    "kinds_view/*", "_superusers/*", "_mfas/*", "nope/*", "", in.text()) + options);
        }
        ObjectNode body = NODES.objectNode();
        body.set("clientId", in.chance(70) ? NODES.textNode(sseClientId) : in.json(1));
        body.set("subscriptions", in.chance(90) ? topics : in.json(1));
        return withBody(in, "POST", prefix(in) + "/api/realtime", body);
    }

    private static Req settings(FuzzInputs in) {
        String path = prefix(in) + "/api/settings";
        if (in.chance(30)) {
            return plain(in, "GET", path + (in.chance(30) ? "?fields=" + FuzzInputs.enc(in.text()) : ""), null);
        }
        if (in.chance(15)) {
            return withBody(in, "POST", path + "/apple/generate-client-secret", NODES.objectNode().put("clientId", in.text())
                    .put("teamId", in.word(10)).put("keyId", in.word(10)).put("privateKey", in.pickOf(
                            "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----", "", in.text())).set("duration", in.number()));
        }
        if (in.chance(10)) {
            return withBody(in, "POST", path + "/test/s3", object("filesystem", NODES.textNode(in.pickOf("storage", "backups", in.text()))));
        }
        ObjectNode patch = NODES.objectNode();
        for (int i = 1 + in.below(3); i > 0; i--) {
            switch (in.below(8)) {
                case 0 -> patch.putObject("meta").put(in.pickOf("appName", "appURL", "senderName", "senderAddress", "hideControls"),
                        in.text());
                case 1 -> patch.putObject("batch").set(in.pickOf("enabled", "maxRequests", "timeout", "maxBodySize"),
                        in.chance(70) ? in.number() : in.json(1));
                case 2 -> patch.putObject("rateLimits").put("enabled", in.random.nextBoolean()).putArray("rules")
                        .add(NODES.objectNode().put("label", in.pickOf("/api/", "*:auth", "kinds:list", "GET /api/x", "", in.text()))
                                .put("audience", in.pickOf("", "@guest", "@auth", "x")).set("maxRequests", in.number()));
                case 3 -> patch.putObject("trustedProxy").set("headers", in.chance(60)
                        ? NODES.arrayNode().add(in.pickOf("X-Forwarded-For", "X-Real-IP", "", in.text())) : in.json(1));
                case 4 -> patch.putObject("logs").set(in.pickOf("maxDays", "minLevel", "logIP", "logAuthId"), in.json(1));
                // Mail and storage only ever get values of the wrong type: a valid one could make the worker reach a host.
                case 5 -> patch.set(in.pickOf("smtp", "s3", "backups"), in.pickOf(NODES.numberNode(5), NODES.textNode("x"),
                        NODES.arrayNode(), NODES.booleanNode(true)));
                case 6 -> patch.set(in.word(4), in.json(2));
                default -> patch.set(in.pickOf("meta", "batch", "rateLimits", "trustedProxy", "logs"), in.json(1));
            }
        }
        return withBody(in, "PATCH", path, patch);
    }

    private static Req platform(FuzzInputs in) {
        String db = in.pickOf("main", "second", "nope", FuzzInputs.enc(in.text()));
        return switch (in.below(9)) {
            case 0 -> plain(in, "GET", "/api/superusers", null);
            case 1 -> withBody(in, "POST", "/api/superusers", NODES.objectNode().put("email", in.pickOf("su2@example.com",
                    ADMIN_EMAIL, in.text())).put("password", in.text()).put("passwordConfirm", in.text()));
            case 2 -> withBody(in, "PATCH", "/api/superusers/" + FuzzInputs.enc(in.word(15)), object("email", in.json(1)));
            case 3 -> plain(in, "GET", "/api/databases" + (in.chance(50) ? "/" + db : ""), null);
            case 4 -> plain(in, "GET", "/api/databases/" + db + "/keys", null);
            case 5 -> withBody(in, "POST", "/api/databases/" + db + "/keys", object("label", in.json(1)));
            case 6 -> plain(in, "GET", "/api/activity?" + listQuery(in, List.of("action", "created", "actor")), null);
            case 7 -> plain(in, "GET", "/api/analytics?" + in.pickOf("", "database=main", "from=" + FuzzInputs.enc(in.text()),
                    "window=" + FuzzInputs.enc(in.count())), null);
            // Never main renamed: the rest of the run needs it where it is.
            default -> withBody(in, in.pickOf("POST", "PATCH"), "/api/databases" + (in.chance(50) ? "/" + in.pickOf("second", "nope",
                    FuzzInputs.enc(in.text())) : ""), object("name", in.chance(70) ? NODES.textNode(in.pickOf("fz" + in.below(5),
                    in.text())) : in.json(1)));
        };
    }
}
