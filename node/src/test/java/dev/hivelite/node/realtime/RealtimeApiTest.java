package dev.hivelite.node.realtime;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/** PocketBase's realtime protocol and the WebSocket variant, over real sockets on a real worker. */
class RealtimeApiTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        post("/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\",\"fields\":[{\"name\":\"text\",\"type\":\"text\"},"
                + "{\"name\":\"secret\",\"type\":\"bool\"}]}");
        post("/api/collections", "{\"name\":\"hidden_notes\",\"listRule\":\"secret = false\",\"viewRule\":\"secret = false\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"},{\"name\":\"secret\",\"type\":\"bool\"}]}");
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = worker.send("POST", path, body, Map.of("Authorization", token));
        assertTrue(r.statusCode() < 300, path + ": " + r.body());
        return r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
    }

    private static String base() {
        return "http://127.0.0.1:" + worker.worker.port();
    }

    /** An SSE stream read line by line on a background thread: events as (name, data). */
    record Event(String name, String data) {
    }

    static final class Stream implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final Thread reader;
        volatile java.io.InputStream body;

        Stream(String path) throws Exception {
            this(URI.create(base() + path));
        }

        Stream(URI uri) throws Exception {
            HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            body = response.body();
            reader = Thread.ofVirtual().start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(body))) {
                    String name = null;
                    StringBuilder data = new StringBuilder();
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("event:")) {
                            name = line.substring(6);
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5));
                        } else if (line.isEmpty() && name != null) {
                            events.add(new Event(name, data.toString()));
                            name = null;
                            data.setLength(0);
                        }
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
        }

        Event next() throws InterruptedException {
            Event e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within 10 s");
            }
            return e;
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private static int subscribe(String clientId, String auth, String... topics) throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("clientId", clientId, "subscriptions", List.of(topics)));
        return worker.send("POST", "/api/realtime", body, auth == null ? Map.of() : Map.of("Authorization", auth)).statusCode();
    }

    @Test
    void subscriberGetsCreateUpdateAndDeleteOfItsCollectionAfterCommit() throws Exception {
        try (Stream stream = new Stream("/api/realtime")) {
            Event connect = stream.next();
            assertEquals("PB_CONNECT", connect.name());
            String clientId = Json.mapper().readTree(connect.data()).get("clientId").asText();
            assertEquals(204, subscribe(clientId, null, "notes/*"));
            JsonNode created = post("/api/collections/notes/records", "{\"text\":\"hello\"}");
            Event e = stream.next();
            assertEquals("notes/*", e.name());
            JsonNode data = Json.mapper().readTree(e.data());
            assertEquals("create", data.get("action").asText());
            assertEquals(created.get("id"), data.get("record").get("id"));
            assertEquals("hello", data.get("record").get("text").asText());
            worker.send("PATCH", "/api/collections/notes/records/" + created.get("id").asText(), "{\"text\":\"changed\"}",
                    Map.of("Authorization", token));
            assertEquals("update", Json.mapper().readTree(stream.next().data()).get("action").asText());
            worker.send("DELETE", "/api/collections/notes/records/" + created.get("id").asText(), null,
                    Map.of("Authorization", token));
            JsonNode deleted = Json.mapper().readTree(stream.next().data());
            assertEquals("delete", deleted.get("action").asText());
            assertEquals("changed", deleted.get("record").get("text").asText(), "a delete carries the record as it was");
        }
    }

    @Test
    void aBatchSendsItsEventsInOrderOnceCommittedAndARolledBackOneSendsNone() throws Exception {
        worker.send("PATCH", "/api/settings", "{\"batch\":{\"enabled\":true}}", Map.of("Authorization", token));
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            assertEquals(204, subscribe(clientId, null, "notes/*"));
            String create = "{\"method\":\"POST\",\"url\":\"/api/collections/notes/records\",\"body\":{\"text\":\"%s\"}}";
            HttpResponse<String> failed = worker.send("POST", "/api/batch", "{\"requests\":[" + create.formatted("rolled back")
                    + ",{\"method\":\"DELETE\",\"url\":\"/api/collections/notes/records/missing\"}]}",
                    Map.of("Authorization", token));
            assertEquals(400, failed.statusCode(), failed.body());
            HttpResponse<String> ok = worker.send("POST", "/api/batch", "{\"requests\":[" + create.formatted("first") + ","
                    + create.formatted("second") + "]}", Map.of("Authorization", token));
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("first", Json.mapper().readTree(stream.next().data()).get("record").get("text").asText(),
                    "nothing of the batch that was rolled back");
            assertEquals("second", Json.mapper().readTree(stream.next().data()).get("record").get("text").asText());
        }
    }

    @Test
    void rulesAndFiltersDecideWhatASubscriberSees() throws Exception {
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            String filtered = "notes/*?options=" + java.net.URLEncoder.encode("{\"query\":{\"filter\":\"text ~ 'keep'\"}}",
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(204, subscribe(clientId, null, "hidden_notes/*", filtered));
            post("/api/collections/hidden_notes/records", "{\"text\":\"secret\",\"secret\":true}");
            post("/api/collections/notes/records", "{\"text\":\"drop me\"}");
            post("/api/collections/hidden_notes/records", "{\"text\":\"public\",\"secret\":false}");
            post("/api/collections/notes/records", "{\"text\":\"keep me\"}");
            Event first = stream.next();
            assertEquals("hidden_notes/*", first.name());
            assertEquals("public", Json.mapper().readTree(first.data()).get("record").get("text").asText());
            Event second = stream.next();
            assertEquals(filtered, second.name(), "the event is named by the subscription, options included");
            assertEquals("keep me", Json.mapper().readTree(second.data()).get("record").get("text").asText());
            assertTrue(stream.events.poll(300, TimeUnit.MILLISECONDS) == null, "nothing else: " + stream.events);
        }
    }

    @Test
    void hiddenFieldsStayOutOfEventsEvenForSuperusers() throws Exception {
        post("/api/collections", "{\"name\":\"vault\",\"listRule\":\"\",\"fields\":[{\"name\":\"label\",\"type\":\"text\"},"
                + "{\"name\":\"code\",\"type\":\"text\",\"hidden\":true}]}");
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            assertEquals(204, subscribe(clientId, token, "vault/*"));
            post("/api/collections/vault/records", "{\"label\":\"door\",\"code\":\"1234\"}");
            JsonNode record = Json.mapper().readTree(stream.next().data()).get("record");
            assertEquals("door", record.get("label").asText());
            assertTrue(!record.has("code"), "PocketBase's events never carry hidden fields: " + record);
        }
    }

    @Test
    void subscriptionErrors() throws Exception {
        assertEquals(404, subscribe("no-such-client", null, "notes/*"));
        assertEquals(400, worker.send("POST", "/api/realtime", "{}", Map.of()).statusCode());
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            assertEquals(204, subscribe(clientId, token, "notes/*"));
            assertEquals(403, subscribe(clientId, null, "notes/*"), "another auth may not take a client over");
        }
    }

    /** PocketBase answers every body it cannot bind or validate with its generic 400 (apis/realtime.go, TestRealtimeSubscribe). */
    @Test
    void subscriptionBodiesAreJudgedAsPocketBaseJudgesThem() throws Exception {
        String generic = "Something went wrong while processing your request.";
        JsonNode empty = bad("{}");
        assertEquals(generic, empty.get("message").asText());
        assertEquals("validation_required", empty.at("/data/clientId/code").asText(), empty.toString());
        assertFalse(empty.get("data").has("subscriptions"), empty.toString());
        JsonNode tooLong = bad("{\"clientId\":\"" + "c".repeat(256) + "\"}");
        assertEquals(generic, tooLong.get("message").asText());
        assertEquals(Json.mapper().readTree("{\"code\":\"validation_length_out_of_range\","
                + "\"message\":\"The length must be between 1 and 255.\",\"params\":{\"max\":255,\"min\":1}}"),
                tooLong.at("/data/clientId"), tooLong.toString());
        for (String unbindable : new String[] {"{\"clientId\":1}", "{\"clientId\":\"x\",\"subscriptions\":\"notes/*\"}",
                "{\"clientId\":\"x\",\"subscriptions\":[1]}", "{\"clientId\":\"x\",\"subscriptions\":{}}", "[]"}) {
            JsonNode error = bad(unbindable);
            assertEquals(generic, error.get("message").asText(), unbindable);
            assertEquals(0, error.get("data").size(), unbindable + ": " + error);
        }
        String many = Json.mapper().writeValueAsString(Map.of("subscriptions", java.util.Collections.nCopies(1001, "notes/*")));
        JsonNode both = bad(many);
        assertEquals("validation_required", both.at("/data/clientId/code").asText(), "every field is checked: " + both);
        assertEquals(Json.mapper().readTree("{\"code\":\"validation_length_too_long\","
                + "\"message\":\"The length must be no more than 1000.\",\"params\":{\"max\":1000,\"min\":0}}"),
                both.at("/data/subscriptions"), both.toString());
        String longTopic = "x".repeat(2501);
        JsonNode topics = bad(Json.mapper().writeValueAsString(Map.of("clientId", "x",
                "subscriptions", List.of("a", longTopic, "b", longTopic))));
        assertEquals(generic, topics.get("message").asText());
        assertEquals(Json.mapper().readTree("{\"code\":\"validation_length_too_long\","
                + "\"message\":\"The length must be no more than 2500.\",\"params\":{\"max\":2500,\"min\":0}}"),
                topics.at("/data/subscriptions/1"), topics.toString());
        assertEquals("validation_length_too_long", topics.at("/data/subscriptions/3/code").asText(), "each topic is checked: " + topics);
        assertEquals(400, subscribe("x", null, "\u00e9".repeat(1251)), "a topic's length is its UTF-8 bytes");
        assertEquals(404, subscribe("   ", null, "notes/*"), "a blank id is not a missing one: no client has it");
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            assertEquals(204, worker.send("POST", "/api/realtime", "{\"clientId\":\"" + clientId
                    + "\",\"subscriptions\":[\"notes/*\",null]}", Map.of()).statusCode(), "a null topic is an empty one, skipped");
            assertEquals(204, subscribe(clientId, null, "\u00e9".repeat(1250)));
            String[] most = new String[RealtimeService.MAX_SUBSCRIPTIONS];
            for (int i = 0; i < most.length; i++) {
                most[i] = String.format("%04d", i) + "x".repeat(Topic.MAX_LENGTH - 4);
            }
            assertEquals(204, subscribe(clientId, null, most), "the most a valid request holds is not too large a body");
        }
    }

    private static JsonNode bad(String body) throws Exception {
        HttpResponse<String> r = worker.send("POST", "/api/realtime", body, Map.of());
        assertEquals(400, r.statusCode(), body + ": " + r.body());
        return Json.mapper().readTree(r.body());
    }

    /** As PocketBase's client.Subscribe: the options of a topic it cannot parse are none, the topic stays. */
    @Test
    void aTopicWhoseOptionsDoNotParseIsSubscribedWithoutThem() throws Exception {
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            String badEscape = "notes/*?options=%zz";
            String nullFilter = "notes/*?options=" + java.net.URLEncoder.encode("{\"query\":{\"filter\":null}}",
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(204, subscribe(clientId, null, badEscape, nullFilter));
            post("/api/collections/notes/records", "{\"text\":\"options\"}");
            java.util.Set<String> names = new java.util.HashSet<>(List.of(stream.next().name(), stream.next().name()));
            assertEquals(java.util.Set.of(badEscape, nullFilter), names, "a null option is an empty one, not the filter 'null'");
        }
    }

    /** PocketBase keeps a client's subscriptions as a set, and a topic matches its collection and id exactly. */
    @Test
    void aTopicGivenTwiceGetsEachEventOnceAndAnEmptyRecordIdMatchesNothing() throws Exception {
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            assertEquals(204, subscribe(clientId, null, "notes/", "notes/*", "notes/*"));
            post("/api/collections/notes/records", "{\"text\":\"once\"}");
            assertEquals("notes/*", stream.next().name());
            assertTrue(stream.events.poll(500, TimeUnit.MILLISECONDS) == null, "one event: " + stream.events);
        }
    }

    /**
     * As PocketBase's realtimeCanAccessRecord: a subscription filter (or sort) naming {@code @collection.}
     * or {@code @request.} sends nothing to anyone but a superuser, as the records API answers it 403.
     */
    @Test
    void onlySuperusersFilterSubscriptionsByCollectionsOrTheRequest() throws Exception {
        String byCollection = options("{\"query\":{\"filter\":\"@collection.hidden_notes.secret ?= true\"}}");
        String byRequest = options("{\"query\":{\"filter\":\"@request.auth.id = ''\"}}");
        String sortedByRequest = options("{\"query\":{\"filter\":\"text != ''\",\"sort\":\"@request.auth.id\"}}");
        String plain = options("{\"query\":{\"filter\":\"text != ''\"}}");
        post("/api/collections/hidden_notes/records", "{\"text\":\"hidden\",\"secret\":true}");
        try (Stream guest = new Stream("/api/realtime"); Stream superuser = new Stream("/api/realtime")) {
            String guestId = Json.mapper().readTree(guest.next().data()).get("clientId").asText();
            String superuserId = Json.mapper().readTree(superuser.next().data()).get("clientId").asText();
            assertEquals(204, subscribe(guestId, null, byCollection, byRequest, sortedByRequest, plain));
            assertEquals(204, subscribe(superuserId, token, byCollection));
            post("/api/collections/notes/records", "{\"text\":\"probe\"}");
            assertEquals(byCollection, superuser.next().name());
            assertEquals(plain, guest.next().name());
            assertTrue(guest.events.poll(500, TimeUnit.MILLISECONDS) == null, "nothing else for the guest: " + guest.events);
        }
    }

    private static String options(String json) {
        return "notes/*?options=" + java.net.URLEncoder.encode(json, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Who hears what, as PocketBase's realtimeBroadcastRecord decides: a collection topic by the list
     * rule, a record topic by the view rule, a superuser by neither.
     */
    @Test
    void aCollectionTopicHearsByTheListRuleARecordTopicByTheViewRule() throws Exception {
        post("/api/collections", "{\"name\":\"members\",\"type\":\"auth\"}");
        post("/api/collections/members/records", "{\"email\":\"member@example.com\",\"password\":\"password-123\","
                + "\"passwordConfirm\":\"password-123\"}");
        String user = worker.call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"member@example.com\",\"password\":\"password-123\"}", null, 200).get("token").asText();
        post("/api/collections", "{\"name\":\"gated\",\"listRule\":null,\"viewRule\":\"@request.auth.id != ''\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}");
        String id = post("/api/collections/gated/records", "{\"text\":\"a\"}").get("id").asText();
        try (Stream guest = new Stream("/api/realtime"); Stream member = new Stream("/api/realtime");
             Stream superuser = new Stream("/api/realtime")) {
            Map<Stream, String> auths = new java.util.LinkedHashMap<>();
            auths.put(guest, "");
            auths.put(member, user);
            auths.put(superuser, token);
            for (Map.Entry<Stream, String> e : auths.entrySet()) {
                String clientId = Json.mapper().readTree(e.getKey().next().data()).get("clientId").asText();
                assertEquals(204, subscribe(clientId, e.getValue().isEmpty() ? null : e.getValue(), "gated/*", "gated/" + id));
            }
            worker.call("PATCH", "/api/collections/gated/records/" + id, "{\"text\":\"b\"}", token, 200);
            assertEquals(java.util.Set.of("gated/*", "gated/" + id), java.util.Set.of(superuser.next().name(), superuser.next().name()));
            assertEquals("gated/" + id, member.next().name());
            assertTrue(member.events.poll(300, TimeUnit.MILLISECONDS) == null, "the list rule is superusers only: " + member.events);
            assertTrue(guest.events.poll(100, TimeUnit.MILLISECONDS) == null, "the view rule wants an auth: " + guest.events);
        }
    }

    /**
     * A delete is heard as PocketBase decides before it runs: the records a cascade takes with a parent
     * are judged with the parent still there. After the commit the parent is gone, its owner reads as
     * empty, and a guest's empty auth id would pass {@code parent.owner = @request.auth.id}. Past the
     * rows an event carries (100), the rule still sees the parent, which comes first.
     */
    @Test
    void aCascadesDeletesAreJudgedWithTheParentStillThere() throws Exception {
        String owners = post("/api/collections", "{\"name\":\"owners\",\"type\":\"auth\"}").get("id").asText();
        post("/api/collections/owners/records", "{\"email\":\"owner@example.com\",\"password\":\"password-123\","
                + "\"passwordConfirm\":\"password-123\"}");
        JsonNode auth = worker.call("POST", "/api/collections/owners/auth-with-password",
                "{\"identity\":\"owner@example.com\",\"password\":\"password-123\"}", null, 200);
        String owner = auth.get("token").asText();
        String parents = post("/api/collections", "{\"name\":\"parents\",\"listRule\":\"owner = @request.auth.id\","
                + "\"fields\":[{\"name\":\"owner\",\"type\":\"relation\",\"collectionId\":\"" + owners + "\",\"maxSelect\":1}]}")
                .get("id").asText();
        post("/api/collections", "{\"name\":\"kids\",\"listRule\":\"parent.owner = @request.auth.id\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"},{\"name\":\"parent\",\"type\":\"relation\","
                + "\"collectionId\":\"" + parents + "\",\"maxSelect\":1,\"cascadeDelete\":true}]}");
        for (int kids : new int[] {1, 120}) {
            String parent = post("/api/collections/parents/records", "{\"owner\":\"" + auth.path("record").path("id").asText() + "\"}")
                    .get("id").asText();
            for (int k = 0; k < kids; k++) {
                post("/api/collections/kids/records", "{\"text\":\"kid " + k + "\",\"parent\":\"" + parent + "\"}");
            }
            try (Stream guest = new Stream("/api/realtime"); Stream ownerStream = new Stream("/api/realtime")) {
                assertEquals(204, subscribe(Json.mapper().readTree(guest.next().data()).get("clientId").asText(), null, "kids/*"));
                assertEquals(204, subscribe(Json.mapper().readTree(ownerStream.next().data()).get("clientId").asText(), owner,
                        "kids/*"));
                worker.call("DELETE", "/api/collections/parents/records/" + parent, null, token, 204);
                for (int k = 0; k < kids; k++) {
                    JsonNode event = Json.mapper().readTree(ownerStream.next().data());
                    assertEquals("delete", event.get("action").asText());
                    assertEquals(parent, event.get("record").get("parent").asText());
                }
                assertTrue(guest.events.poll(300, TimeUnit.MILLISECONDS) == null,
                        "a guest hears nothing of another owner's records: " + guest.events);
            }
        }
    }

    @Test
    void theOAuth2RedirectReachesThePopupsRealtimeClient() throws Exception {
        try (Stream stream = new Stream("/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            assertEquals(204, subscribe(clientId, null, "@oauth2"));
            HttpResponse<String> page = worker.send("GET", "/api/oauth2-redirect?state=" + clientId + "&code=the-code", null,
                    Map.of());
            assertEquals(307, page.statusCode(), page.body());
            assertEquals("../_/#/auth/oauth2-redirect-success", page.headers().firstValue("location").orElse(""));
            Event e = stream.next();
            assertEquals("@oauth2", e.name());
            JsonNode data = Json.mapper().readTree(e.data());
            assertEquals(clientId, data.get("state").asText());
            assertEquals("the-code", data.get("code").asText());
            assertFalse(data.has("error"), "PocketBase leaves an empty error out: " + data);
            HttpResponse<String> again = worker.send("GET", "/api/oauth2-redirect?state=" + clientId + "&code=replayed",
                    null, Map.of());
            assertEquals("../_/#/auth/oauth2-redirect-failure", again.headers().firstValue("location").orElse(""),
                    "the subscription ends with its one message");
        }
        for (String query : new String[] {"state=unknown&code=x", "code=x"}) {
            HttpResponse<String> failed = worker.send("GET", "/api/oauth2-redirect?" + query, null, Map.of());
            assertEquals(307, failed.statusCode());
            assertEquals("../_/#/auth/oauth2-redirect-failure", failed.headers().firstValue("location").orElse(""));
        }
        HttpResponse<String> posted = worker.send("POST", "/db/main/api/oauth2-redirect", "state=unknown", Map.of());
        assertEquals(303, posted.statusCode(), "a form POST is answered with 303");
        assertEquals("../../../_/#/auth/oauth2-redirect-failure", posted.headers().firstValue("location").orElse(""));
        assertEquals(303, worker.send("POST", "/api/oauth2-redirect", "a=%zz", Map.of()).statusCode(),
                "a bad escape is a failed redirect, not an error");
    }

    /**
     * A change to a database nobody subscribes to is not published (counted as unheard instead); the
     * first subscription to it is acknowledged before it is answered, so the very next write is heard.
     */
    @Test
    void aDatabaseWithoutSubscribersPublishesNothingUntilItsFirstSubscription() throws Exception {
        worker.awaitCluster();
        post("/api/databases", "{\"name\":\"quiet\"}");
        post("/db/quiet/api/collections", "{\"name\":\"notes\",\"listRule\":\"\",\"viewRule\":\"\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}");
        // Until the worker has learned the cluster's subscribers (in the background, from its first
        // change on), it publishes everything.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            long before = metric("hivelite_realtime_events_unheard_total");
            post("/db/quiet/api/collections/notes/records", "{\"text\":\"unheard\"}");
            return metric("hivelite_realtime_events_unheard_total") == before + 1;
        });
        long published = metric("hivelite_realtime_events_published_total");
        long unheard = metric("hivelite_realtime_events_unheard_total");
        for (int i = 0; i < 5; i++) {
            post("/db/quiet/api/collections/notes/records", "{\"text\":\"unheard\"}");
        }
        assertEquals(unheard + 5, metric("hivelite_realtime_events_unheard_total"));
        assertEquals(published, metric("hivelite_realtime_events_published_total"), "nothing published");

        try (Stream stream = new Stream("/db/quiet/api/realtime")) {
            String clientId = Json.mapper().readTree(stream.next().data()).get("clientId").asText();
            String body = Json.mapper().writeValueAsString(Map.of("clientId", clientId, "subscriptions", List.of("notes")));
            assertEquals(204, worker.send("POST", "/db/quiet/api/realtime", body, Map.of()).statusCode());
            post("/db/quiet/api/collections/notes/records", "{\"text\":\"heard\"}");
            assertEquals("heard", Json.mapper().readTree(stream.next().data()).get("record").get("text").asText());
            assertEquals(unheard + 5, metric("hivelite_realtime_events_unheard_total"));
        }
    }

    private static long metric(String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.worker.privatePort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " (\\d+)").matcher(text);
        assertTrue(m.find(), name + " in " + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void webSocketClientsGetTheSameEvents() throws Exception {
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + worker.worker.port()
                + "/api/realtime/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                messages.add(Json.mapper().readTree(text.toString()));
                            } catch (Exception ignored) {
                                // not JSON: the assertions below fail
                            }
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            assertEquals("connect", messages.poll(10, TimeUnit.SECONDS).get("type").asText());
            ws.sendText("{\"type\":\"subscribe\",\"topics\":[\"notes/*\"]}", true).get(5, TimeUnit.SECONDS);
            assertEquals("subscribed", messages.poll(10, TimeUnit.SECONDS).get("type").asText());
            post("/api/collections/notes/records", "{\"text\":\"over ws\"}");
            JsonNode event = messages.poll(10, TimeUnit.SECONDS);
            assertEquals("event", event.get("type").asText());
            assertEquals("notes/*", event.get("topic").asText());
            assertEquals("create", event.get("action").asText());
            assertEquals("over ws", event.get("record").get("text").asText());
        } finally {
            ws.abort();
        }
    }
}
