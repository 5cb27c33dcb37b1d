package dev.hivelite.node.records;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Multipart;

/**
 * What a {@code POST /api/batch} asks for, read as PocketBase binds it: a JSON body, or a form
 * whose {@code @jsonPayload} part holds that JSON and whose {@code requests.N.field} (or
 * {@code requests[N].field}) parts are the files of item N. The whole body counts against
 * {@code batch.maxBodySize} (413 past it); anything that does not bind to the form's types is a 400
 * before any item runs, and so is an item {@link #validate} refuses.
 */
final class BatchForm {

    static final String UNREADABLE = "Failed to read the submitted batch data.";
    private static final String TOO_LARGE = ApiException.PayloadTooLarge.MESSAGE;
    private static final Pattern FILE_KEY = Pattern.compile("^requests(?:\\.(\\d+)\\.|\\[(\\d+)]\\.)(.+)$");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private BatchForm() {
    }

    /**
     * One item: what to do, its body, its own headers (which rules see as {@code @request.headers},
     * over the batch request's), its files by form key, and its passwords hashed ahead of the write.
     */
    record Item(String method, String url, ObjectNode body, Map<String, String> headers,
                Map<String, List<Upload>> files, PasswordWork passwords) {

        Submitted submitted() {
            return new Submitted(body, files, passwords);
        }
    }

    /** The items of the request, in order; files of requests that do not exist are removed. */
    static List<Item> read(ServerRequest req, RecordOperations operations, long maxBody) {
        if (req.headers().contentLength().orElse(0) > maxBody) {
            throw new ApiException.PayloadTooLarge(TOO_LARGE);
        }
        if (!Multipart.isMultipart(req)) {
            return items(json(req, maxBody), new HashMap<>());
        }
        Map<Integer, Map<String, List<Upload>>> files = new HashMap<>();
        try {
            JsonNode payload = Json.mapper().createObjectNode();
            Multipart form = Multipart.of(req, maxBody, TOO_LARGE);
            for (var next = form.next(); next.isPresent(); next = form.next()) {
                Multipart.Part part = next.get();
                Matcher m = FILE_KEY.matcher(part.name());
                if ("@jsonPayload".equals(part.name()) && !part.isFile()) {
                    payload = parse(part.bodyText(maxBody));
                } else if (part.isFile() && m.matches()) {
                    int index = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
                    files.computeIfAbsent(index, k -> new LinkedHashMap<>())
                            .computeIfAbsent(m.group(3), k -> new ArrayList<>())
                            .add(operations.intake().receive(part.body(), part.filename(), part.contentType(), maxBody,
                                    () -> new ApiException.PayloadTooLarge(TOO_LARGE)));
                }
            }
            return items(payload, files);
        } catch (IOException | RuntimeException e) {
            discard(files);
            if (e instanceof ApiException.PayloadTooLarge) {
                throw new ApiException.PayloadTooLarge(TOO_LARGE);
            }
            throw e instanceof ApiException api ? api : new ApiException.BadRequest(UNREADABLE);
        }
    }

    private static JsonNode json(ServerRequest req, long maxBody) {
        try {
            return Bodies.json(req, maxBody);
        } catch (ApiException.PayloadTooLarge e) {
            throw new ApiException.PayloadTooLarge(TOO_LARGE);
        } catch (ApiException.BadRequest e) {
            throw new ApiException.BadRequest(UNREADABLE);
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode payload = Json.mapper().readTree(text);
            if (payload == null || !payload.isObject()) {
                throw new ApiException.BadRequest(UNREADABLE);
            }
            return payload;
        } catch (JsonProcessingException e) {
            throw new ApiException.BadRequest(UNREADABLE);
        }
    }

    /**
     * The items of a bound body: each must be an object whose {@code method} and {@code url} are
     * text, {@code body} an object and {@code headers} an object of texts (each may be absent or
     * null), as PocketBase's form types them; anything else is a 400 that names no item.
     */
    private static List<Item> items(JsonNode body, Map<Integer, Map<String, List<Upload>>> files) {
        List<Item> items = new ArrayList<>();
        try {
            JsonNode requests = body.get("requests");
            if (requests != null && !requests.isArray() && !requests.isNull()) {
                throw new ApiException.BadRequest(UNREADABLE);
            }
            for (int i = 0; requests != null && i < requests.size(); i++) {
                JsonNode r = requests.get(i);
                if (!r.isObject() && !r.isNull()) {
                    throw new ApiException.BadRequest(UNREADABLE);
                }
                JsonNode itemBody = r.path("body");
                if (!itemBody.isObject() && !itemBody.isNull() && !itemBody.isMissingNode()) {
                    throw new ApiException.BadRequest(UNREADABLE);
                }
                items.add(new Item(text(r, "method"), text(r, "url"),
                        itemBody.isObject() ? (ObjectNode) itemBody.deepCopy() : Json.mapper().createObjectNode(),
                        headers(r.path("headers")), files.getOrDefault(i, Map.of()), new PasswordWork()));
                files.remove(i);
            }
            return items;
        } catch (RuntimeException e) {
            discard(items);
            throw e;
        } finally {
            discard(files); // parts of requests that do not exist: nothing will use (or remove) them
        }
    }

    private static String text(JsonNode item, String key) {
        JsonNode v = item.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new ApiException.BadRequest(UNREADABLE);
        }
        return v.asText();
    }

    /** An item's headers as rules name them (lower case, {@code -} as {@code _}). */
    private static Map<String, String> headers(JsonNode headers) {
        if (headers.isMissingNode() || headers.isNull()) {
            return Map.of();
        }
        if (!headers.isObject()) {
            throw new ApiException.BadRequest(UNREADABLE);
        }
        Map<String, String> out = new LinkedHashMap<>();
        headers.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new ApiException.BadRequest(UNREADABLE);
            }
            out.put(e.getKey().toLowerCase(Locale.ROOT).replace('-', '_'), e.getValue().asText());
        });
        return out;
    }

    /**
     * Every item checked before any runs, as PocketBase's form does: at least one and at most
     * {@code maxRequests}; each with a method of its five (exact case) and a url of at most 2,000
     * characters. The answer names each bad item.
     */
    static void validate(List<Item> items, int maxRequests) {
        if (items.isEmpty()) {
            throw invalid(Map.of("requests", new FieldError("validation_required", "Cannot be blank.")));
        }
        if (items.size() > maxRequests) {
            throw invalid(Map.of("requests", FieldError.lengthAtMost(maxRequests)));
        }
        Map<String, Object> bad = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> errors = new LinkedHashMap<>();
            Item item = items.get(i);
            if (item.method().isEmpty()) {
                errors.put("method", new FieldError("validation_required", "Cannot be blank."));
            } else if (!METHODS.contains(item.method())) {
                errors.put("method", new FieldError("validation_in_invalid", "Must be a valid value."));
            }
            if (item.url().isEmpty()) {
                errors.put("url", new FieldError("validation_required", "Cannot be blank."));
            } else if (item.url().length() > 2000) {
                errors.put("url", FieldError.lengthAtMost(2000));
            }
            if (!errors.isEmpty()) {
                bad.put(Integer.toString(i), errors);
            }
        }
        if (!bad.isEmpty()) {
            throw invalid(Map.of("requests", bad));
        }
    }

    private static ApiException invalid(Map<String, ?> data) {
        return ApiException.BadRequest.nested("Invalid batch request data.", data);
    }

    static void discard(List<Item> items) {
        items.forEach(item -> item.submitted().discard());
    }

    private static void discard(Map<Integer, Map<String, List<Upload>>> files) {
        files.values().forEach(byField -> byField.values().forEach(list -> list.forEach(Upload::discard)));
        files.clear();
    }
}
