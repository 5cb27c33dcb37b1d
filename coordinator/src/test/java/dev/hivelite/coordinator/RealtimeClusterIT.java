package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.Json;

/**
 * Realtime on the real coordinator with two workers: a stream on each worker, subscriptions set
 * through either worker, writes on either worker, every event everywhere; a revoked user stops
 * receiving; streams of a killed worker reconnect and go on; a rolling restart closes each stream at
 * most once per replaced worker, and the clients that reconnect get every later event.
 */
class RealtimeClusterIT {

    @TempDir
    Path tmp;

    /** An SSE stream on its own connection, with the worker that holds it. */
    static final class Stream implements AutoCloseable {
        final String worker;
        final String clientId;
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final InputStream body;

        Stream(int port) throws Exception {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/realtime")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            worker = response.headers().firstValue("x-hivelite-worker").orElseThrow();
            body = response.body();
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String connect = readEvent(lines);
            clientId = Json.mapper().readTree(connect).get("clientId").asText();
            Thread.ofVirtual().start(() -> {
                try {
                    for (String data = readEvent(lines); data != null; data = readEvent(lines)) {
                        events.add(Json.mapper().readTree(data));
                    }
                } catch (Exception ignored) {
                    // the stream ended
                }
                events.add(Json.mapper().createObjectNode().put("action", "closed"));
            });
        }

        private static String readEvent(BufferedReader lines) throws java.io.IOException {
            StringBuilder data = new StringBuilder();
            boolean named = false;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    named = true;
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                } else if (line.isEmpty() && named) {
                    return data.toString();
                }
            }
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode e = events.poll(15, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within 15 s on worker " + worker);
            }
            return e;
        }

        @Override
        public void close() throws Exception {
            body.close();
            client.close();
        }
    }

    /** One stream on each worker (fresh connections until the kernel has given both). */
    private static Map<String, Stream> streamOnEachWorker(CoordinatorProcess cluster) throws Exception {
        Map<String, Stream> byWorker = new HashMap<>();
        for (int i = 0; i < 100 && byWorker.size() < 2; i++) {
            Stream s = new Stream(cluster.httpPort);
            if (byWorker.putIfAbsent(s.worker, s) != null) {
                s.close();
            }
        }
        assertEquals(2, byWorker.size(), "a stream on each worker");
        return byWorker;
    }

    private static CoordinatorProcess.Served subscribe(CoordinatorProcess cluster, Stream stream, String token,
                                                       String... topics) throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("clientId", stream.clientId, "subscriptions", List.of(topics)));
        return cluster.onFreshConnection("POST", "/api/realtime", body, token);
    }

    /** Two workers, a superuser, and a public collection {@code notes} with a text field. */
    private CoordinatorProcess clusterWithNotes() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, CoordinatorProcess.run(tmp, List.of("superuser", "upsert", "root@example.com", "root-password",
                "--dir", data.toString())).exitCode());
        CoordinatorProcess cluster = CoordinatorProcess.start(data, 2);
        try {
            assertEquals(200, cluster.onFreshConnection("POST", "/api/collections", "{\"name\":\"notes\",\"listRule\":\"\","
                    + "\"viewRule\":\"\",\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", superuserToken(cluster)).status());
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private static String superuserToken(CoordinatorProcess cluster) throws Exception {
        var login = cluster.onFreshConnection("POST", "/api/collections/_superusers/auth-with-password",
                "{\"identity\":\"root@example.com\",\"password\":\"root-password\"}", null);
        return Json.mapper().readTree(login.body()).get("token").asText();
    }

    @Test
    void eventsReachEverySubscriberWhateverWorkerWroteOrTookTheSubscription() throws Exception {
        try (CoordinatorProcess cluster = clusterWithNotes()) {
            String su = superuserToken(cluster);
            assertEquals(200, cluster.onFreshConnection("POST", "/api/collections", "{\"name\":\"users\",\"type\":\"auth\"}",
                    su).status());
            assertEquals(200, cluster.onFreshConnection("POST", "/api/collections", "{\"name\":\"mine\","
                    + "\"listRule\":\"@request.auth.id != ''\",\"viewRule\":\"@request.auth.id != ''\","
                    + "\"fields\":[{\"name\":\"text\",\"type\":\"text\"}]}", su).status());
            var user = cluster.onFreshConnection("POST", "/api/collections/users/records",
                    "{\"email\":\"u@example.com\",\"password\":\"user-password\",\"passwordConfirm\":\"user-password\"}", su);
            String userId = Json.mapper().readTree(user.body()).get("id").asText();
            String userToken = Json.mapper().readTree(cluster.onFreshConnection("POST",
                    "/api/collections/users/auth-with-password", "{\"identity\":\"u@example.com\",\"password\":\"user-password\"}",
                    null).body()).get("token").asText();

            Map<String, Stream> streams = streamOnEachWorker(cluster);
            try {
                // Subscriptions through fresh connections: some land on the other worker and are forwarded.
                for (Stream s : streams.values()) {
                    var done = subscribe(cluster, s, null, "notes/*");
                    assertEquals(204, done.status(), done.body());
                }
                // Writes on fresh connections until both workers have written.
                Set<Long> writers = new HashSet<>();
                int writes = 0;
                while (writers.size() < 2 && writes < 40) {
                    var created = cluster.onFreshConnection("POST", "/api/collections/notes/records",
                            "{\"text\":\"note " + writes + "\"}", su);
                    assertEquals(200, created.status(), created.body());
                    writers.add(created.pid());
                    writes++;
                }
                assertEquals(2, writers.size(), "writes landed on both workers");
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < writes; i++) {
                    expected.add("note " + i);
                }
                for (Stream s : streams.values()) {
                    // Every event on every worker; the order across two writing workers is not guaranteed.
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < writes; i++) {
                        JsonNode e = s.next();
                        assertEquals("create", e.get("action").asText(), "worker " + s.worker + ": " + e);
                        seen.add(e.get("record").get("text").asText());
                    }
                    assertEquals(expected, seen, "worker " + s.worker);
                }

                // A revoked user (password changed: tokenKey rotated) stops receiving at once, on every worker.
                Stream userStream = streams.values().iterator().next();
                Stream suStream = streams.values().stream().filter(s -> s != userStream).findFirst().orElseThrow();
                assertEquals(204, subscribe(cluster, userStream, userToken, "mine/*").status());
                assertEquals(204, subscribe(cluster, suStream, su, "mine/*").status());
                cluster.onFreshConnection("POST", "/api/collections/mine/records", "{\"text\":\"before\"}", su);
                assertEquals("before", userStream.next().get("record").get("text").asText());
                assertEquals("before", suStream.next().get("record").get("text").asText());
                assertEquals(200, cluster.onFreshConnection("PATCH", "/api/collections/users/records/" + userId,
                        "{\"password\":\"new-password-1\",\"passwordConfirm\":\"new-password-1\"}", su).status());
                cluster.onFreshConnection("POST", "/api/collections/mine/records", "{\"text\":\"after\"}", su);
                assertEquals("after", suStream.next().get("record").get("text").asText(), "the event was sent");
                assertNull(userStream.events.poll(1500, TimeUnit.MILLISECONDS), "the revoked user got nothing");

                // Kill the worker holding suStream: the stream ends; a new one gets later events.
                long victim = cluster.workerPids().get(Integer.parseInt(suStream.worker) - 1);
                cluster.signalPid(victim, "KILL");
                assertEquals("closed", suStream.next().get("action").asText(), "the killed worker's stream ended");
                Stream again = null;
                for (int i = 0; i < 100 && again == null; i++) {
                    try {
                        again = new Stream(cluster.httpPort);
                        if (subscribe(cluster, again, null, "notes/*").status() != 204) {
                            again.close();
                            again = null;
                        }
                    } catch (Exception | AssertionError e) {
                        Thread.sleep(Duration.ofMillis(200));
                    }
                }
                assertTrue(again != null, "a new stream and subscription after the kill");
                try (Stream reconnected = again) {
                    cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"after the kill\"}", su);
                    assertEquals("after the kill", reconnected.next().get("record").get("text").asText());
                }
            } finally {
                for (Stream s : streams.values()) {
                    s.close();
                }
            }
        }
    }

    /**
     * Changes nobody listens to are not published, on either worker; the first subscription is
     * acknowledged by both workers before it is answered, so the next write is heard whichever worker
     * commits it; a worker started later learns the subscribers from the others.
     */
    @Test
    void changesWithoutSubscribersAreNotPublishedAndTheFirstSubscriberHearsEveryWorker() throws Exception {
        try (CoordinatorProcess cluster = clusterWithNotes()) {
            String su = superuserToken(cluster);
            int[] n = {0};
            org.awaitility.Awaitility.await("both workers skip changes nobody listens to").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"unheard " + n[0]++ + "\"}", su);
                        Map<String, Long> unheard = perWorker(cluster, "hivelite_realtime_events_unheard_total");
                        return unheard.size() == 2 && unheard.values().stream().allMatch(v -> v > 0);
                    });
            long published = perWorker(cluster, "hivelite_realtime_events_published_total").values().stream().mapToLong(v -> v).sum();
            Set<Long> writers = new HashSet<>();
            for (int i = 0; i < 10 || writers.size() < 2 && i < 100; i++) {
                var created = cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"unheard\"}", su);
                assertEquals(200, created.status(), created.body());
                writers.add(created.pid());
            }
            assertEquals(2, writers.size(), "writes landed on both workers");
            assertEquals(published, perWorker(cluster, "hivelite_realtime_events_published_total").values().stream()
                    .mapToLong(v -> v).sum(), "nothing published while nobody listens");

            Map<String, Stream> streams = streamOnEachWorker(cluster);
            try {
                for (Stream s : streams.values()) {
                    var done = subscribe(cluster, s, null, "notes");
                    assertEquals(204, done.status(), done.body());
                }
                // At once after the answers: each write is heard, whichever worker commits it.
                List<String> texts = new java.util.ArrayList<>();
                writers.clear();
                while (writers.size() < 2 && texts.size() < 40) {
                    String text = "heard " + texts.size();
                    var created = cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"" + text + "\"}", su);
                    assertEquals(200, created.status(), created.body());
                    writers.add(created.pid());
                    texts.add(text);
                }
                assertEquals(2, writers.size(), "writes landed on both workers");
                for (Stream s : streams.values()) {
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < texts.size(); i++) {
                        seen.add(s.next().get("record").get("text").asText());
                    }
                    assertEquals(new HashSet<>(texts), seen, "worker " + s.worker);
                }

                // Replace the other worker: the new one learns that "main" has a subscriber on the survivor.
                Stream survivor = streams.get("1");
                List<Long> before = cluster.workerPids();
                cluster.signalPid(before.get(1), "KILL");
                org.awaitility.Awaitility.await("worker 2 replaced").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            Map<String, Object> w2 = cluster.workers().get(1);
                            return "ready".equals(w2.get("state")) && ((Number) w2.get("pid")).longValue() != before.get(1);
                        });
                long replacement = cluster.workerPids().get(1);
                Set<String> later = new HashSet<>();
                int onReplacement = 0;
                for (int i = 0; i < 200 && onReplacement < 5; i++) {
                    String text = "later " + i;
                    var created = cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"" + text + "\"}", su);
                    assertEquals(200, created.status(), created.body());
                    later.add(text);
                    if (created.pid() == replacement) {
                        onReplacement++;
                        Thread.sleep(500); // its learning happens in the background: give it time to finish
                    }
                }
                assertEquals(5, onReplacement, "writes landed on the replacement");
                Set<String> seen = new HashSet<>();
                while (seen.size() < later.size()) {
                    seen.add(survivor.next().get("record").get("text").asText());
                }
                assertEquals(later, seen);
            } finally {
                for (Stream s : streams.values()) {
                    s.close();
                }
            }
        }
    }

    /** One counter of every worker's metrics, by worker id, from the management port's /metrics. */
    private static Map<String, Long> perWorker(CoordinatorProcess cluster, String name) throws Exception {
        Map<String, Long> values = new HashMap<>();
        var m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{worker=\"(\\d+)\"\\} ([0-9.]+)")
                .matcher(cluster.management("/metrics").body());
        while (m.find()) {
            values.put(m.group(1), (long) Double.parseDouble(m.group(2)));
        }
        return values;
    }

    /**
     * A client that behaves as the SDK does: when its stream ends it connects again and resubscribes.
     * Counts the {@code PB_CONNECT}s it got, and keeps the texts of the events it received.
     */
    static final class Reconnecting implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        final Set<String> texts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile boolean stopped;
        private volatile Stream current;
        private final Thread loop;

        Reconnecting(CoordinatorProcess cluster) {
            loop = Thread.ofVirtual().start(() -> {
                while (!stopped) {
                    try (Stream s = new Stream(cluster.httpPort)) {
                        connects.incrementAndGet();
                        if (subscribe(cluster, s, null, "notes/*").status() != 204) {
                            continue;
                        }
                        current = s;
                        for (JsonNode e = s.events.take(); !stopped; e = s.events.take()) {
                            if ("closed".equals(e.get("action").asText())) {
                                break;
                            }
                            texts.add(e.get("record").get("text").asText());
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception | AssertionError e) {
                        // refused while a worker drains, or the connection failed: try again shortly
                        try {
                            Thread.sleep(Duration.ofMillis(100));
                        } catch (InterruptedException stop) {
                            return;
                        }
                    }
                }
            });
        }

        @Override
        public void close() throws Exception {
            stopped = true;
            Stream s = current;
            if (s != null) {
                s.close();
            }
            loop.interrupt();
        }
    }

    @Test
    void aRollingRestartClosesEachStreamAtMostOncePerWorkerAndTheClientsMissNothingAfter() throws Exception {
        try (CoordinatorProcess cluster = clusterWithNotes()) {
            String su = superuserToken(cluster);
            List<Reconnecting> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    clients.add(new Reconnecting(cluster));
                }
                awaitEveryClientReceives(cluster, su, clients, "before");
                List<Long> before = cluster.workerPids();
                assertEquals(202, cluster.managementPost("/_/workers/restart").statusCode());
                RollingRestartIT.awaitAllReplaced(cluster, before);
                awaitEveryClientReceives(cluster, su, clients, "after");
                for (Reconnecting c : clients) {
                    // One connection at the start, then at most one more per replaced worker (a client
                    // that moved to the second old worker is closed again when that one drains). A
                    // stream closed by a draining worker must not land on it again and again.
                    assertTrue(c.connects.get() <= 3, "PB_CONNECTs of one client over a rolling restart of 2 workers: "
                            + c.connects.get());
                }
            } finally {
                for (Reconnecting c : clients) {
                    c.close();
                }
            }
        }
    }

    /**
     * Writes probes until every client has one, then one more that every client must get: no event
     * written after a client is back is lost.
     */
    private static void awaitEveryClientReceives(CoordinatorProcess cluster, String su, List<Reconnecting> clients,
                                                 String label) throws Exception {
        int[] probe = {0};
        org.awaitility.Awaitility.await(label + ": every client subscribed").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    String text = label + " probe " + probe[0]++;
                    cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"" + text + "\"}", su);
                    Thread.sleep(300);
                    return clients.stream().allMatch(c -> c.texts.stream().anyMatch(t -> t.startsWith(label + " probe")));
                });
        String last = label + " last";
        assertEquals(200, cluster.onFreshConnection("POST", "/api/collections/notes/records", "{\"text\":\"" + last + "\"}",
                su).status());
        org.awaitility.Awaitility.await(label + ": every client got the last event").atMost(Duration.ofSeconds(15))
                .until(() -> clients.stream().allMatch(c -> c.texts.contains(last)));
    }
}
