package dev.hivelite.node.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import dev.hivelite.node.common.Json;

/**
 * The answers the server sends before any route runs (a path whose % escapes do not decode, a
 * request line or headers too long, a malformed request), in PocketBase's error shape
 * {@code {status, message, data}} instead of an empty body. The connection closes after them, as
 * the server would close it anyway.
 */
public final class JsonDirectHandler implements DirectHandler {

    public static DirectHandlers handlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        JsonDirectHandler handler = new JsonDirectHandler();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.code());
        body.put("message", status.code() >= 500 ? "Something went wrong while processing your request."
                : switch (status.code()) {
                    case 414 -> "The request URL is too long.";
                    case 413 -> dev.hivelite.node.common.ApiException.PayloadTooLarge.MESSAGE; // PocketBase's wording
                    case 431 -> "The request headers are too large.";
                    default -> "The request could not be read: it is not valid HTTP/1.1.";
                });
        body.put("data", Map.of());
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .entity(Json.bytes(body))
                .keepAlive(false)
                .build();
    }
}
