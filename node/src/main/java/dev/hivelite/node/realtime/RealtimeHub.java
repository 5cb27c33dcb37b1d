package dev.hivelite.node.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.cluster.SharedStrings;
import dev.hivelite.node.cluster.Topics;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.records.Collection;
import dev.hivelite.node.records.DeletedRows;
import dev.hivelite.node.records.RealtimeAccess;
import dev.hivelite.node.records.RecordEvents;

/**
 * This worker's realtime clients, and the bridge between committed changes and them. A committed
 * change is published on a cluster topic (after commit only: {@link RecordEvents} is called then);
 * every worker, this one included, receives it on one ordered dispatcher thread and delivers it to
 * those of its clients whose subscriptions match and whose auth passes the collection's rule and
 * the subscription's filter. Renders are shared by subscribers with the same auth and topic, so a
 * popular topic costs one rule check, not one per connection.
 */
public final class RealtimeHub implements RecordEvents {

    private static final Logger LOG = Logger.getLogger(RealtimeHub.class.getName());
    static final String EVENTS = "hivelite.realtime.events";
    static final String SUBSCRIBE = "realtime.subscribe";
    static final String DIRECT = "realtime.direct";
    public static final String REGISTRY = "hivelite.realtime.clients";
    static final Duration REGISTRY_TTL = Duration.ofHours(24);
    /** Messages a client may have waiting before it is dropped as too slow. */
    static final int QUEUE = 512;

    private final Topics topics;
    private final Invalidations cluster;
    /** clientId → the id of the worker (cluster member) holding its connection. */
    private final SharedStrings registry;
    private final RealtimeAccess access;
    /** The databases some subscriber in the cluster may listen to: changes to others are not published. */
    private final Audience audience;
    /** The principal a token names now (revocations apply from the next event on). */
    private final Function<String, Principal> authenticate;
    /** By client id; this worker's connections only. */
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    /** Events the dispatcher had no room for. */
    private final AtomicLong droppedBacklog = new AtomicLong();
    /** Events waiting for the dispatcher, at most; past it they are dropped (counted), never buffered without bound. */
    static final int BACKLOG = 10_000;
    /** One thread: events are delivered in the order they were received. */
    private final ExecutorService dispatcher = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(BACKLOG),
            Thread.ofPlatform().name("realtime-dispatch").daemon(true).factory(),
            (task, executor) -> {
                long n = droppedBacklog.incrementAndGet();
                if (n == 1 || n % 1000 == 0) {
                    LOG.warning("realtime backlog full (" + BACKLOG + " events): " + n + " events dropped so far");
                }
            });

    /**
     * Queues a heartbeat to each connection idle for {@link RealtimeService#HEARTBEAT}: one scan a
     * second for all of them, so a writer waits for its next message without a timer of its own.
     */
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("realtime-heartbeat").daemon(true).factory());

    /** Set when this worker drains; read by every connect. */
    private volatile boolean closed;
    private final AtomicLong published = new AtomicLong();
    /** Changes not published: no subscriber anywhere listens to their database. */
    private final AtomicLong unheard = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public RealtimeHub(Topics topics, Invalidations cluster, SharedStrings registry, RealtimeAccess access,
                       Function<String, Principal> authenticate) {
        this.topics = topics;
        this.cluster = cluster;
        this.registry = registry;
        this.access = access;
        this.authenticate = authenticate;
        this.audience = new Audience(cluster);
        topics.subscribe(EVENTS, message -> dispatcher.execute(() -> deliver(message)));
        cluster.answer(SUBSCRIBE, this::subscribeHere);
        cluster.answer(DIRECT, this::directHere);
        heartbeats.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
    }

    private void heartbeat() {
        long now = System.nanoTime();
        long idle = RealtimeService.HEARTBEAT.toNanos();
        clients.values().forEach(c -> c.heartbeatIfIdle(now, idle));
    }

    // ---- committed changes ---------------------------------------------------------------------

    @Override
    public void created(String databaseId, Collection collection, Map<String, Object> record) {
        publish(databaseId, collection, "create", record);
    }

    @Override
    public void updated(String databaseId, Collection collection, Map<String, Object> record) {
        publish(databaseId, collection, "update", record);
    }

    @Override
    public void deleted(String databaseId, Collection collection, Map<String, Object> record, DeletedRows operation) {
        publish(databaseId, collection, "delete", record, operation);
    }

    private void publish(String databaseId, Collection collection, String action, Map<String, Object> record) {
        publish(databaseId, collection, action, record, DeletedRows.NONE);
    }

    private void publish(String databaseId, Collection collection, String action, Map<String, Object> record,
                         DeletedRows operation) {
        if (record == null) {
            return;
        }
        if (!audience.mayHear(databaseId)) {
            unheard.incrementAndGet();
            return;
        }
        try {
            ObjectNode event = Json.mapper().createObjectNode();
            event.put("db", databaseId).put("collection", collection.id()).put("action", action);
            event.set("record", RealtimeAccess.transport(collection, record));
            ObjectNode others = RealtimeAccess.transport(operation, collection, record);
            if (others != null) {
                event.set("deleted", others);
            }
            topics.publish(EVENTS, event.toString());
            published.incrementAndGet();
        } catch (RuntimeException e) {
            // The write is committed whatever happens here: realtime is best effort.
            LOG.log(Level.WARNING, "realtime publish failed", e);
        }
    }

    /**
     * Delivers one event to this worker's clients. The work per client is a method of its own
     * ({@link Delivery#to}), called once per client: the JIT compiles it fully after a few thousand
     * calls, where a loop body inside this method (called once per event) would run interpreted or
     * half-compiled for many events, since this method is rarely invoked.
     */
    private void deliver(String message) {
        if (clients.isEmpty()) {
            return; // every worker receives every event: one with no client has nothing to parse it for
        }
        try {
            JsonNode event = Json.mapper().readTree(message);
            String db = event.path("db").asText();
            Delivery delivery = null;
            for (Client c : clients.values()) {
                if (c.listensTo(db)) {
                    if (delivery == null) {
                        Optional<Collection> collection = access.collection(db, event.path("collection").asText());
                        if (collection.isEmpty()) {
                            return;
                        }
                        delivery = new Delivery(db, collection.get(), (ObjectNode) event.path("record"),
                                event.path("action").asText(), event.path("deleted"));
                    }
                    delivery.to(c);
                }
            }
            if (delivery != null) {
                delivered.addAndGet(delivery.queued);
                dropped.addAndGet(delivery.notQueued);
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "realtime delivery failed", e);
        }
    }

    /**
     * One event on its way to this worker's clients. Renders are shared: one message per (auth,
     * topic), rendered and encoded once, and one token check per token.
     */
    private final class Delivery {
        private final String db;
        private final Collection collection;
        private final ObjectNode record;
        private final String recordId;
        private final String action;
        private final Map<String, Auth> auths = new HashMap<>();
        private final Map<RenderKey, Optional<Client.Message>> messages = new HashMap<>();
        long queued;
        long notQueued;

        /** For a delete: the rest of what its operation deleted (empty when nothing else); null for other actions. */
        private final JsonNode deleted;

        Delivery(String db, Collection collection, ObjectNode record, String action, JsonNode deleted) {
            this.db = db;
            this.collection = collection;
            this.record = record;
            this.recordId = record.path("id").asText();
            this.action = action;
            this.deleted = "delete".equals(action) ? deleted : null;
        }

        void to(Client client) {
            // No token (or the empty one a request without Authorization sets) is a guest: no token check,
            // which for "" would fail a JWT decode, an exception per event.
            Auth auth = client.token == null || client.token.isEmpty() ? Auth.ANONYMOUS
                    : auths.computeIfAbsent(client.token, token -> Auth.of(authenticate.apply(token)));
            for (Topic topic : client.topics) {
                if (!matches(topic, collection, recordId)) {
                    continue;
                }
                Optional<Client.Message> shared = messages.computeIfAbsent(new RenderKey(auth.identity(), topic.raw()), k ->
                        access.render(db, collection, record, deleted, new RealtimeAccess.Viewer(auth.principal(),
                                topic.recordId() != null, topic.query(), topic.headers()))
                                .map(json -> new Client.Message(topic.raw(), envelope(action, json))));
                if (shared.isPresent()) {
                    if (client.offer(shared.get())) {
                        queued++;
                    } else {
                        notQueued++;
                    }
                }
            }
        }
    }

    private static boolean matches(Topic topic, Collection collection, String recordId) {
        boolean sameCollection = topic.collection().equalsIgnoreCase(collection.name()) || topic.collection().equals(collection.id());
        return sameCollection && (topic.recordId() == null || topic.recordId().equals(recordId));
    }

    private static String identity(Principal principal) {
        return switch (principal) {
            case Principal.Superuser s -> "su:" + s.id();
            case Principal.ApiKey k -> "key:" + k.keyId();
            case Principal.User u -> "user:" + u.databaseId() + "/" + u.collectionId() + "/" + u.recordId();
            case Principal.Anonymous a -> "";
        };
    }

    /** A subscriber's auth for one event, with its identity computed once per token rather than per subscriber. */
    private record Auth(Principal principal, String identity) {
        static final Auth ANONYMOUS = of(Principal.ANONYMOUS);

        static Auth of(Principal principal) {
            return new Auth(principal, RealtimeHub.identity(principal));
        }
    }

    /**
     * What a render depends on: the auth and the topic (its record id or list, query and headers all
     * come from the raw topic, which is also the event name).
     */
    private record RenderKey(String identity, String topic) {
    }

    private static String envelope(String action, ObjectNode record) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("action", action);
        out.set("record", record);
        return out.toString();
    }

    // ---- connections and subscriptions ---------------------------------------------------------

    /**
     * Registers a new connection. Refused (503) once this worker drains: a stream accepted during the
     * drain notice would be closed again moments later, and its client would reconnect twice.
     */
    Client connect(String databaseId) {
        if (closed) {
            throw draining();
        }
        Client client = new Client(Ids.secret(40), databaseId, QUEUE);
        clients.put(client.id, client);
        if (closed) {
            // close() ran between the check and the put, and its closeAll may have missed this one.
            clients.remove(client.id);
            throw draining();
        }
        cluster.localMemberId().ifPresent(member -> registry.put(client.id, member, REGISTRY_TTL));
        return client;
    }

    /** True once this worker stopped taking realtime connections (it drains). */
    boolean closed() {
        return closed;
    }

    private static ApiException draining() {
        return new ApiException.Unavailable("This worker is stopping; connect again.");
    }

    void disconnect(Client client) {
        clients.remove(client.id);
        client.close(client.closeReason == null ? "disconnected" : client.closeReason);
        registry.remove(client.id);
    }

    /** What a subscription request came to. */
    enum Outcome { OK, NOT_FOUND, FORBIDDEN }

    /**
     * Sets a client's subscriptions, wherever it is connected: here, or on the worker the registry
     * names (asked through the cluster and answered once applied).
     */
    Outcome subscribe(String clientId, String databaseId, String token, List<String> subscriptions) {
        if (subscriptions.stream().anyMatch(RealtimeHub::hearsChanges)) {
            audience.announce(databaseId); // before the answer: a write after it is published on every worker
        }
        Client local = clients.get(clientId);
        if (local != null) {
            return apply(local, databaseId, token, subscriptions);
        }
        ObjectNode ask = Json.mapper().createObjectNode();
        ask.put("clientId", clientId).put("db", databaseId).put("token", token);
        subscriptions.forEach(ask.putArray("subscriptions")::add);
        Optional<String> member = registry.get(clientId);
        if (member.isPresent()) {
            Optional<Outcome> answer = cluster.ask(member.get(), SUBSCRIBE, ask.toString()).map(Outcome::valueOf);
            if (answer.isPresent() && answer.get() != Outcome.NOT_FOUND) {
                return answer.get();
            }
        }
        // The registry is the fast path only (its write may not have landed yet, or timed out):
        // ask every worker; the one holding the client applies the subscription.
        for (String answer : cluster.askEveryone(SUBSCRIBE, ask.toString())) {
            if (answer != null && !Outcome.NOT_FOUND.name().equals(answer)) {
                return Outcome.valueOf(answer);
            }
        }
        return Outcome.NOT_FOUND;
    }

    private String subscribeHere(String payload) {
        try {
            JsonNode ask = Json.mapper().readTree(payload);
            Client client = clients.get(ask.path("clientId").asText());
            if (client == null) {
                return Outcome.NOT_FOUND.name();
            }
            List<String> subs = new ArrayList<>();
            ask.path("subscriptions").forEach(s -> subs.add(s.asText()));
            return apply(client, ask.path("db").asText(), ask.path("token").asText(), subs).name();
        } catch (Exception e) {
            return Outcome.NOT_FOUND.name();
        }
    }

    private Outcome apply(Client client, String databaseId, String token, List<String> subscriptions) {
        if (!client.databaseId.equals(databaseId)) {
            return Outcome.NOT_FOUND;
        }
        Principal next = token.isEmpty() ? Principal.ANONYMOUS : authenticate.apply(token);
        Principal previous = client.principal;
        if (client.token != null && !client.token.isEmpty() && !(previous instanceof Principal.Anonymous)
                && authenticate.apply(client.token) instanceof Principal.Anonymous) {
            // Its auth ended (the record was deleted, its tokens revoked): the client is a guest now,
            // as PocketBase clears a deleted record's clients, and any request may set its auth again.
            previous = Principal.ANONYMOUS;
        }
        // As PocketBase: once a client has an auth, a request with another auth may not take it over
        // (a refreshed token of the same record is the same auth).
        if (client.token != null && !(previous instanceof Principal.Anonymous) && !identity(previous).equals(identity(next))) {
            return Outcome.FORBIDDEN;
        }
        client.token = token;
        client.principal = next;
        // A set, as PocketBase keeps them: a topic given twice is one subscription (one event, not two); "" is none.
        List<Topic> parsed = new ArrayList<>();
        for (String s : new java.util.LinkedHashSet<>(subscriptions)) {
            if (!s.isEmpty()) {
                parsed.add(Topic.parse(s));
            }
        }
        client.topics = List.copyOf(parsed);
        return Outcome.OK;
    }

    /**
     * Sends one message to one client, wherever it is connected, if it subscribed to {@code topic}
     * (the OAuth2 popup flow: the provider's redirect reaches any worker, the client's stream one).
     */
    public boolean direct(String clientId, String topic, String data) {
        ObjectNode message = Json.mapper().createObjectNode();
        message.put("clientId", clientId).put("topic", topic).put("data", data);
        if ("OK".equals(directHere(message.toString()))) {
            return true;
        }
        return cluster.askEveryone(DIRECT, message.toString()).stream().anyMatch("OK"::equals);
    }

    private String directHere(String payload) {
        try {
            JsonNode m = Json.mapper().readTree(payload);
            Client client = clients.get(m.path("clientId").asText());
            String topic = m.path("topic").asText();
            if (client == null || client.topics.stream().noneMatch(t -> t.raw().equals(topic))) {
                return Outcome.NOT_FOUND.name();
            }
            if (!client.offer(new Client.Message(topic, m.path("data").asText()))) {
                return Outcome.NOT_FOUND.name();
            }
            // One message per subscription, as PocketBase sends the OAuth2 result once and forgets the topic.
            client.topics = client.topics.stream().filter(t -> !t.raw().equals(topic)).toList();
            return "OK";
        } catch (Exception e) {
            return Outcome.NOT_FOUND.name();
        }
    }

    /** Local WebSocket clients set their own auth and topics (no registry round trip). */
    void setLocal(Client client, String token, List<Topic> topics) {
        if (topics.stream().anyMatch(t -> hearsChanges(t.raw()))) {
            audience.announce(client.databaseId);
        }
        if (token != null) {
            client.token = token;
            client.principal = token.isEmpty() ? Principal.ANONYMOUS : authenticate.apply(token);
        }
        client.topics = List.copyOf(topics);
    }

    /** Whether a topic may receive record changes (a collection's or a record's; not "" nor "@oauth2"). */
    private static boolean hearsChanges(String topic) {
        return !topic.isEmpty() && !topic.startsWith("@");
    }

    /** Ends every connection (drain): clients reconnect to a live worker and subscribe again. */
    public void closeAll(String reason) {
        clients.values().forEach(c -> c.close(reason));
    }

    public int connections() {
        return clients.size();
    }

    public long published() {
        return published.get();
    }

    public long unheard() {
        return unheard.get();
    }

    public long delivered() {
        return delivered.get();
    }

    public long dropped() {
        return dropped.get() + droppedBacklog.get();
    }

    /** True while changes reach only this worker's clients (the cluster is not joined). */
    public boolean degraded() {
        return topics.degraded();
    }

    public void close() {
        closed = true;
        closeAll("the server is stopping");
        dispatcher.shutdown();
        heartbeats.shutdown();
    }
}
