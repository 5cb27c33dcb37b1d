package dev.hivelite.node.common;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.MethodPredicate;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The JSON answers of PocketBase's API. As PocketBase does for every successful JSON answer, the
 * request's {@code ?fields=} picks what is sent: from each item of a paginated list, from each element
 * of an array, otherwise from the object itself.
 */
public final class Responses {

    private static final MethodPredicate GET_OR_HEAD = Method.predicate(Method.GET, Method.HEAD);

    private Responses() {
    }

    /**
     * Routes a JSON read: {@code GET}, and {@code HEAD} with the same status and headers but no body,
     * as Go's router matches a GET route for PocketBase. Its answers must go through {@link #send}.
     */
    public static HttpRules read(HttpRules rules, String path, Handler handler) {
        return rules.route(GET_OR_HEAD, PathMatchers.create(path), handler);
    }

    public static void json(ServerRequest req, ServerResponse res, Object body) {
        FieldsPicker picker = FieldsPicker.parse(req.query().first("fields").orElse(""));
        send(req, res, Json.bytes(picker == null ? body : picked(picker, body)));
    }

    /**
     * Sends JSON bytes as the answer, or, to a {@code HEAD} request, only their headers (the length
     * the body would have, as Go's server tells it): Helidon would write the body after a HEAD's
     * headers too, and a client reading on that connection would take it for the next answer.
     */
    public static void send(ServerRequest req, ServerResponse res, byte[] json) {
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        if (req.prologue().method() == Method.HEAD) {
            res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(json.length)).send();
        } else {
            res.send(json);
        }
    }

    private static Object picked(FieldsPicker picker, Object body) {
        if (body instanceof Map<?, ?> map && map.containsKey("totalItems") && map.get("items") instanceof List<?> items
                && items.stream().allMatch(JsonNode.class::isInstance)) {
            items.forEach(item -> picker.apply((JsonNode) item)); // a page of records, picked in place
            return body;
        }
        return pickedTree(picker, body);
    }

    private static JsonNode pickedTree(FieldsPicker picker, Object body) {
        JsonNode tree = body instanceof JsonNode node ? node : Json.mapper().valueToTree(body);
        if (tree.isObject() && tree.get("items") instanceof com.fasterxml.jackson.databind.node.ArrayNode items
                && tree.has("totalItems")) {
            picker.apply(items);
        } else {
            picker.apply(tree);
        }
        return tree;
    }
}
