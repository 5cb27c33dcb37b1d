package dev.hivelite.node.realtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseStore;

/**
 * PocketBase's realtime protocol: {@code GET /api/realtime} opens an SSE stream whose first event is
 * {@code PB_CONNECT} with the {@code clientId}; {@code POST /api/realtime} {@code {clientId,
 * subscriptions}} sets that client's topics and auth (the request's Authorization), on whichever
 * worker holds the stream. Events are named by topic with {@code {action, record}}. A comment line
 * every {@link #HEARTBEAT} keeps idle streams open through proxies.
 */
public final class RealtimeService implements HttpService {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final int MAX_SUBSCRIPTIONS = 1000;
    /**
     * Largest subscription body: room for the most a valid one holds ({@link #MAX_SUBSCRIPTIONS} topics of
     * {@link Topic#MAX_LENGTH} bytes, written plainly), which PocketBase's 32 MiB body limit lets through.
     */
    static final long MAX_BODY_BYTES = 4L << 20;
    private static final byte[] HEARTBEAT_COMMENT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

    private final RealtimeHub hub;
    private final DatabaseDirectory databases;

    public RealtimeService(RealtimeHub hub, DatabaseDirectory databases) {
        this.hub = hub;
        this.databases = databases;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : new String[] {"", "/db/{db}"}) {
            rules.get(p + "/api/realtime", this::connect)
                 .post(p + "/api/realtime", this::subscribe)
                 .get(p + "/api/oauth2-redirect", this::oauth2Redirect)
                 .post(p + "/api/oauth2-redirect", this::oauth2Redirect);
        }
    }

    private DatabaseStore.Database database(ServerRequest req) {
        String name = req.path().pathParameters().first("db").orElse(DatabaseStore.MAIN);
        DatabaseStore.Database db = databases.byName(name)
                .orElseThrow(() -> new ApiException.NotFound("Missing or invalid database."));
        RequestContext.database(req, db.id(), db.name());
        return db;
    }

    private void connect(ServerRequest req, ServerResponse res) {
        DatabaseStore.Database db = database(req);
        Client client = hub.connect(db.id());
        try {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream")
               .header(HeaderNames.CACHE_CONTROL, "no-store")
               .header("X-Accel-Buffering", "no");
            try (OutputStream out = res.outputStream()) {
                // Written by hand: the id is alphanumeric (nothing to escape), and Jackson here would
                // leave its thread-local buffers (~8 KiB) on this connection's thread for its lifetime.
                write(out, client, new Client.Message("PB_CONNECT", "{\"clientId\":\"" + client.id + "\"}"));
                out.flush();
                client.wrote();
                client.attach(new Stream(out, client), null);
                try {
                    client.awaitEnd(); // this thread parks here; drains write the events (see Client)
                } finally {
                    client.detach();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away: nothing to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hub.disconnect(client);
        }
    }

    /** A connection's SSE stream, written by its client's drains; each burst is flushed once. */
    private record Stream(OutputStream out, Client client) implements Client.Sink {
        @Override
        public void write(Client.Message m) throws IOException {
            RealtimeService.write(out, client, m);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** The stream's last words: why it ends, as an SSE comment line (clients ignore it, people and proxies' logs see it). */
        @Override
        public void end(String reason) throws IOException {
            out.write((": " + reason.replaceAll("[\r\n]", " ") + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /**
     * One SSE event, {@code id:<clientId>\n} then the message's {@code event:}/{@code data:} lines,
     * which are encoded once per message (not per connection); a heartbeat is a comment line.
     */
    static void write(OutputStream out, Client client, Client.Message m) throws IOException {
        if (m == Client.Message.HEARTBEAT) {
            out.write(HEARTBEAT_COMMENT);
            return;
        }
        out.write(client.sseIdLine);
        out.write(m.sseLines());
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        DatabaseStore.Database db = database(req);
        SubscriptionForm form = SubscriptionForm.bind(
                Bodies.json(req, MAX_BODY_BYTES, false, ApiException.BadRequest.GENERIC), Bodies.isForm(req));
        form.validate();
        String token = req.headers().first(HeaderNames.AUTHORIZATION)
                .map(RequestContext::bearerToken)
                .orElse("");
        switch (hub.subscribe(form.clientId(), db.id(), token, form.subscriptions())) {
            case OK -> res.status(Status.NO_CONTENT_204).send();
            case NOT_FOUND -> throw new ApiException.NotFound("Missing or invalid client id.");
            case FORBIDDEN -> throw new ApiException.Forbidden("The current and the previous request authorization don't match.");
        }
    }

    /**
     * A subscription request's body as PocketBase binds and validates it. Both a body that does not
     * bind (an id that is not text, topics that are not a list of text) and one that fails validation
     * are answered with its generic 400; validation reports every field (a topic under its index), and
     * lengths are counted in UTF-8 bytes, as its validator counts them.
     */
    record SubscriptionForm(String clientId, List<String> subscriptions) {

        static SubscriptionForm bind(JsonNode body, boolean isForm) {
            JsonNode id = body.path("clientId");
            if (!id.isMissingNode() && !id.isNull() && !id.isTextual()) {
                throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
            }
            JsonNode subs = body.path("subscriptions");
            if (subs.isTextual() && isForm) {
                subs = Json.mapper().createArrayNode().add(subs); // a form key given once is a list of one
            }
            List<String> topics = new ArrayList<>();
            if (!subs.isMissingNode() && !subs.isNull()) {
                if (!subs.isArray()) {
                    throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
                }
                for (JsonNode s : subs) {
                    if (!s.isNull() && !s.isTextual()) {
                        throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
                    }
                    topics.add(s.isNull() ? "" : s.asText()); // null binds as an empty topic, which is skipped
                }
            }
            return new SubscriptionForm(id.isTextual() ? id.asText() : "", topics);
        }

        void validate() {
            Map<String, Object> errors = new LinkedHashMap<>();
            if (clientId.isEmpty()) {
                errors.put("clientId", new ApiException.FieldError("validation_required", "Cannot be blank."));
            } else if (utf8Length(clientId) > 255) {
                errors.put("clientId", ApiException.FieldError.lengthBetween(1, 255));
            }
            if (subscriptions.size() > MAX_SUBSCRIPTIONS) {
                errors.put("subscriptions", ApiException.FieldError.lengthAtMost(MAX_SUBSCRIPTIONS));
            } else {
                Map<String, ApiException.FieldError> tooLong = new LinkedHashMap<>();
                for (int i = 0; i < subscriptions.size(); i++) {
                    if (utf8Length(subscriptions.get(i)) > Topic.MAX_LENGTH) {
                        tooLong.put(Integer.toString(i), ApiException.FieldError.lengthAtMost(Topic.MAX_LENGTH));
                    }
                }
                if (!tooLong.isEmpty()) {
                    errors.put("subscriptions", tooLong);
                }
            }
            if (!errors.isEmpty()) {
                throw ApiException.BadRequest.nested(ApiException.BadRequest.GENERIC, errors);
            }
        }

        private static int utf8Length(String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /**
     * Where an OAuth2 provider sends the browser back in the SDK's popup flow: {@code state} is the
     * realtime client id, which gets {@code {state, code, error}} on its {@code @oauth2} topic and
     * then exchanges the code itself. GET (query) or POST ({@code response_mode=form_post}).
     */
    private void oauth2Redirect(ServerRequest req, ServerResponse res) {
        Map<String, String> params = new java.util.HashMap<>();
        req.query().names().forEach(n -> params.put(n, req.query().first(n).orElse("")));
        if ("POST".equals(req.prologue().method().text()) && req.content().hasEntity()) {
            try {
                String form = new String(Bodies.entity(req).readNBytes(64 * 1024),
                        StandardCharsets.UTF_8);
                for (String pair : form.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        params.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException | IllegalArgumentException | ApiException e) {
                params.put("state", ""); // unreadable: the failure page
            }
        }
        String state = params.getOrDefault("state", "");
        com.fasterxml.jackson.databind.node.ObjectNode data = Json.mapper().createObjectNode()
                .put("state", state).put("code", params.getOrDefault("code", ""));
        if (!params.getOrDefault("error", "").isEmpty()) {
            data.put("error", params.get("error")); // PocketBase leaves an empty error out
        }
        boolean delivered = !state.isEmpty() && hub.direct(state, "@oauth2", data.toString());
        boolean ok = delivered && params.getOrDefault("error", "").isEmpty() && !params.getOrDefault("code", "").isEmpty();
        // As PocketBase: the popup is sent on to the dashboard's success or failure page (307 after a GET,
        // 303 after a form POST); the SDK closes it once its realtime client has the code.
        String toDashboard = req.path().pathParameters().first("db").isPresent() ? "../../../_/" : "../_/";
        res.status("GET".equals(req.prologue().method().text()) ? Status.TEMPORARY_REDIRECT_307 : Status.SEE_OTHER_303)
           .header(HeaderNames.LOCATION, toDashboard + "#/auth/oauth2-redirect-" + (ok ? "success" : "failure"))
           .send();
    }
}
