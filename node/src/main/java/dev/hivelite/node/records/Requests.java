package dev.hivelite.node.records;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.auth.Tokens;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;

/** Builds what rules see of a request ({@link RequestInfo}) and finds the collection a route names. */
final class Requests {

    private Requests() {
    }

    static Collection collection(Scopes.Scope scope, ServerRequest req) {
        return scope.schema.find(req.path().pathParameters().get("collection"))
                .orElseThrow(() -> new ApiException.NotFound("Missing collection context."));
    }

    static RequestInfo info(ServerRequest req, Scopes.Scope scope, JsonNode body) {
        // Built on first use: most rules never look at @request.query or @request.headers.
        Map<String, String> query = new Lazy(() -> {
            Map<String, String> q = new HashMap<>();
            for (String name : req.query().names()) {
                q.put(name, req.query().first(name).orElse(""));
            }
            return q;
        });
        Map<String, String> headers = new Lazy(() -> {
            Map<String, String> h = new HashMap<>();
            req.headers().forEach(x -> h.put(x.name().toLowerCase(Locale.ROOT).replace('-', '_'), x.get()));
            return h;
        });
        return new RequestInfo(scope.admin, auth(scope), body == null ? NullNode.getInstance() : body, null, query,
                headers, req.prologue().method().text(), "default");
    }

    /** The caller as an auth record: a superuser (or key) as a record of _superusers, a user of this database. */
    static RequestInfo.AuthRecord auth(Scopes.Scope scope) {
        if (scope.principal instanceof Principal.Superuser s) {
            return new RequestInfo.AuthRecord(s.id(), Tokens.SUPERUSERS_COLLECTION_ID, Tokens.SUPERUSERS_COLLECTION_NAME,
                    () -> Map.of("email", Json.mapper().getNodeFactory().textNode(s.email())));
        }
        if (scope.principal instanceof Principal.ApiKey k && scope.admin) {
            return new RequestInfo.AuthRecord(k.keyId(), Tokens.SUPERUSERS_COLLECTION_ID, Tokens.SUPERUSERS_COLLECTION_NAME,
                    Map::of);
        }
        Principal.User user = scope.user();
        if (user == null) {
            return null;
        }
        Collection collection = scope.schema.find(user.collectionId()).orElse(null);
        if (collection == null) {
            return null;
        }
        return new RequestInfo.AuthRecord(user.recordId(), collection.id(), collection.name(),
                () -> loadAuthFields(scope, collection, user.recordId()));
    }

    private static Map<String, JsonNode> loadAuthFields(Scopes.Scope scope, Collection collection, String id) {
        Map<String, Object> row = scope.lease.db().read(c -> RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL))
                .orElse(Map.of());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            if (f instanceof PasswordField || "tokenKey".equals(f.name()) || !row.containsKey(f.name())) {
                continue;
            }
            out.put(f.name(), Json.mapper().valueToTree(f.toJson(row.get(f.name()))));
        }
        return out;
    }

    /** PocketBase lets only superusers filter or sort by {@code @collection.*} and {@code @request.*}. */
    static void checkClientFilter(ServerRequest req, boolean admin) {
        if (admin) {
            return;
        }
        String field = superuserOnlyField(param -> req.query().first(param).orElse(""));
        if (field != null) {
            throw new ApiException.Forbidden("Only superusers can filter by " + field);
        }
    }

    /**
     * The first field only superusers may filter or sort by ({@code @collection.}, {@code @request.})
     * that the {@code filter} or {@code sort} named by {@code param} uses, or null: for the records API
     * (a 403) and realtime subscriptions (no events), as PocketBase checks both.
     */
    static String superuserOnlyField(java.util.function.UnaryOperator<String> param) {
        for (String name : List.of("filter", "sort")) {
            String v = param.apply(name);
            for (String field : List.of("@collection.", "@request.")) {
                if (v.contains(field)) {
                    return field;
                }
            }
        }
        return null;
    }

    /** A read-only map computed on first access (within one request's thread). */
    private static final class Lazy extends java.util.AbstractMap<String, String> {
        private final java.util.function.Supplier<Map<String, String>> loader;
        private Map<String, String> map;

        Lazy(java.util.function.Supplier<Map<String, String>> loader) {
            this.loader = loader;
        }

        private Map<String, String> map() {
            if (map == null) {
                map = loader.get();
            }
            return map;
        }

        @Override
        public String get(Object key) {
            return map().get(key);
        }

        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            return map().entrySet();
        }
    }
}
