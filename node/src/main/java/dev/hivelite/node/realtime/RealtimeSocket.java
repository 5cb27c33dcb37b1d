package dev.hivelite.node.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseStore;

/**
 * Realtime over one WebSocket, {@code /api/realtime/ws} (and {@code /db/{db}/api/realtime/ws}): the
 * same topics, rules and events as the SSE protocol, without the second request.
 *
 * <p>Client → server: {@code {"type":"auth","token":"…"}}, {@code {"type":"subscribe","topics":[…]}}
 * (adds), {@code {"type":"unsubscribe","topics":[…]}} (removes; none listed: all).
 * Server → client: {@code {"type":"connect","clientId"}}, {@code {"type":"subscribed","topics":[…]}},
 * {@code {"type":"event","topic","action","record"}}, {@code {"type":"error","message"}}; a client
 * that cannot keep up is closed with status 1008 and the reason. One listener per connection.
 */
public final class RealtimeSocket implements WsListener {

    private final RealtimeHub hub;
    private final DatabaseDirectory databases;
    private volatile String databaseId;
    private volatile Client client;
    private final List<Topic> topics = new ArrayList<>();

    RealtimeSocket(RealtimeHub hub, DatabaseDirectory databases) {
        this.hub = hub;
        this.databases = databases;
    }

    /** The WebSocket routes, for {@code main} and for every other database: a listener per connection. */
    public static io.helidon.webserver.websocket.WsRouting.Builder routing(RealtimeHub hub, DatabaseDirectory databases) {
        return io.helidon.webserver.websocket.WsRouting.builder()
                .endpoint("/api/realtime/ws", () -> new RealtimeSocket(hub, databases))
                .endpoint("/db/{db}/api/realtime/ws", () -> new RealtimeSocket(hub, databases));
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String path = prologue.uriPath().path();
        String name = DatabaseStore.MAIN;
        if (path.startsWith("/db/")) {
            int end = path.indexOf('/', 4);
            name = end < 0 ? path.substring(4) : path.substring(4, end);
        }
        Optional<DatabaseStore.Database> db = databases.byName(name);
        if (db.isEmpty()) {
            throw new WsUpgradeException("Missing or invalid database.");
        }
        if (hub.closed()) {
            throw new WsUpgradeException("This worker is stopping; connect again.");
        }
        databaseId = db.get().id();
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        Client c = hub.connect(databaseId);
        client = c;
        session.send(Json.mapper().createObjectNode().put("type", "connect").put("clientId", c.id).toString(), true);
        c.attach(new Socket(session, c), () -> hub.disconnect(c));
    }

    /** The socket as its client's drains write it: one message per frame, each sent as it is written. */
    private record Socket(WsSession session, Client client) implements Client.Sink {
        @Override
        public void write(Client.Message m) {
            if (m == Client.Message.HEARTBEAT) {
                session.ping(io.helidon.common.buffers.BufferData.empty());
            } else {
                String data = m.data();
                session.send("{\"type\":\"event\",\"topic\":" + Json.mapper().valueToTree(m.event()) + "," + data.substring(1), true);
            }
        }

        @Override
        public void flush() {
            // every frame was sent whole
        }

        @Override
        public void end(String reason) {
            session.close(reason.contains("keep up") ? 1008 : 1001, reason);
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        Client c = client;
        if (c == null) {
            return;
        }
        try {
            JsonNode message = Json.mapper().readTree(text);
            String type = message.path("type").asText();
            switch (type) {
                case "auth" -> {
                    String token = message.path("token").asText("");
                    hub.setLocal(c, token, currentTopics());
                    if (!token.isBlank() && !authenticatesHere(c)) {
                        error(session, "the token is invalid, expired or of another database: the connection is a guest");
                    } else {
                        reply(session, "auth", null);
                    }
                }
                case "subscribe" -> {
                    if (!message.path("topics").isArray() || message.path("topics").isEmpty()) {
                        error(session, "subscribe lists its topics: {\"type\":\"subscribe\",\"topics\":[…]}");
                        return;
                    }
                    synchronized (topics) {
                        message.path("topics").forEach(t -> {
                            if (t.isTextual() && t.asText().length() <= Topic.MAX_LENGTH
                                    && topics.stream().noneMatch(x -> x.raw().equals(t.asText()))
                                    && topics.size() < RealtimeService.MAX_SUBSCRIPTIONS) {
                                topics.add(Topic.parse(t.asText()));
                            }
                        });
                    }
                    hub.setLocal(c, null, currentTopics());
                    reply(session, "subscribed", currentTopics());
                }
                case "unsubscribe" -> {
                    synchronized (topics) {
                        if (!message.path("topics").isArray() || message.path("topics").isEmpty()) {
                            topics.clear();
                        } else {
                            message.path("topics").forEach(t -> topics.removeIf(x -> x.raw().equals(t.asText())));
                        }
                    }
                    hub.setLocal(c, null, currentTopics());
                    reply(session, "subscribed", currentTopics());
                }
                default -> error(session, "unknown message type \"" + type + "\"");
            }
        } catch (Exception e) {
            error(session, "messages are JSON objects with a type: auth, subscribe or unsubscribe");
        }
    }

    /** Whether the connection's credentials hold in its own database (a guest's do not). */
    private static boolean authenticatesHere(Client c) {
        return switch (c.principal) {
            case Principal.User u -> u.databaseId().equals(c.databaseId);
            case Principal.Anonymous a -> false;
            default -> c.principal.mayAdminister(c.databaseId);
        };
    }

    private List<Topic> currentTopics() {
        synchronized (topics) {
            return List.copyOf(topics);
        }
    }

    private static void reply(WsSession session, String type, List<Topic> topics) {
        ObjectNode out = Json.mapper().createObjectNode().put("type", type);
        if (topics != null) {
            topics.forEach(t -> out.withArray("topics").add(t.raw()));
        }
        session.send(out.toString(), true);
    }

    private static void error(WsSession session, String message) {
        session.send(Json.mapper().createObjectNode().put("type", "error").put("message", message).toString(), true);
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        Client c = client;
        if (c != null) {
            c.close("closed by the client");
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        Client c = client;
        if (c != null) {
            c.close("socket error");
        }
    }
}
