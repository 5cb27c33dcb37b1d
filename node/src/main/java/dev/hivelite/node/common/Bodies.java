package dev.hivelite.node.common;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.helidon.webserver.http.ServerRequest;

/** Request bodies: JSON in, a 400 with PocketBase's message for anything malformed. */
public final class Bodies {

    /** Largest JSON body accepted by the platform routes. */
    public static final int MAX_JSON_BYTES = 1 << 20;

    private Bodies() {
    }

    /** The body as JSON; an empty body is an empty object. */
    public static JsonNode json(ServerRequest req) {
        return json(req, MAX_JSON_BYTES);
    }

    /**
     * The body of a PocketBase form (sign-ins, account mails, settings) as JSON, one that is not a JSON
     * object answered with {@link #LOAD_FAILED}, PocketBase's message for a form that does not bind.
     */
    public static JsonNode form(ServerRequest req) {
        return json(req, MAX_JSON_BYTES, false, LOAD_FAILED);
    }

    /**
     * The body as JSON, of at most {@code limit} bytes (413 past it). A body larger than the platform
     * routes' limit is counted into the worker's {@link HeapBudget} while it is read and parsed
     * (503 when the worker already holds too many), so a few large bodies at once cannot run it
     * out of heap.
     */
    public static JsonNode json(ServerRequest req, long limit) {
        return json(req, limit, false);
    }

    /**
     * As {@link #json(ServerRequest, long)}; with {@code typedForm} a URL-encoded form's values are
     * typed as PocketBase types a record's form ({@link FormValues}), not left as text.
     */
    public static JsonNode json(ServerRequest req, long limit, boolean typedForm) {
        return json(req, limit, typedForm, INVALID);
    }

    /**
     * As {@link #json(ServerRequest, long, boolean)}, a body that is not a JSON object answered with
     * {@code invalidMessage}: the records routes answer it with PocketBase's generic message, as
     * PocketBase reads their bodies before any route-specific message applies.
     */
    public static JsonNode json(ServerRequest req, long limit, boolean typedForm, String invalidMessage) {
        if (!req.content().hasEntity()) {
            return Json.mapper().createObjectNode();
        }
        if (Multipart.isMultipart(req)) {
            return multipart(req);
        }
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > limit) {
            throw new ApiException.PayloadTooLarge(ApiException.PayloadTooLarge.MESSAGE);
        }
        try (InputStream in = entity(req);
             HeapBudget.Reservation budget = HeapBudget.openUncapped()) {
            // Parsed, a JSON body takes about twice its size again: counted up front when it is large.
            if (declared > MAX_JSON_BYTES) {
                budget.add(3 * declared);
            }
            byte[] bytes = declared >= 0 && declared <= MAX_JSON_BYTES
                    ? exactly(in, (int) declared)
                    : read(in, (int) Math.min(limit, Integer.MAX_VALUE - 8), declared > MAX_JSON_BYTES ? null : budget);
            if (bytes.length == 0) {
                return Json.mapper().createObjectNode();
            }
            // A URL-encoded form is read as PocketBase binds one; a JSON object sent under that type
            // (curl -d's default) is still JSON.
            if (isForm(req) && !startsLikeJson(bytes)) {
                return form(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), typedForm);
            }
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ApiException.BadRequest(invalidMessage);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException.BadRequest(invalidMessage);
        } catch (IOException e) {
            throw new ApiException.BadRequest("Failed to read the request body.");
        }
    }

    /**
     * A body of a declared length, read into an array of that length: reading an unknown length starts
     * with a 16 KiB buffer, which a small body (most writes) pays for on every request.
     */
    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        int n = in.readNBytes(bytes, 0, length);
        if (n != length) {
            throw new IOException("the body ended before its declared length");
        }
        return bytes;
    }

    /** Reads at most {@code limit} bytes (413 past it), counting what passes the platform limit into {@code budget}. */
    private static byte[] read(InputStream in, int limit, HeapBudget.Reservation budget) throws IOException {
        byte[] first = in.readNBytes(Math.min(limit, MAX_JSON_BYTES) + 1);
        if (first.length <= MAX_JSON_BYTES || limit <= MAX_JSON_BYTES) {
            if (first.length > limit) {
                throw new ApiException.PayloadTooLarge(ApiException.PayloadTooLarge.MESSAGE);
            }
            return first;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(first.length * 2);
        out.write(first);
        byte[] chunk = new byte[64 << 10];
        for (int n; (n = in.read(chunk)) > 0; ) {
            if (budget != null) {
                budget.add(3L * n);
            }
            out.write(chunk, 0, n);
            if (out.size() > limit) {
                throw new ApiException.PayloadTooLarge(ApiException.PayloadTooLarge.MESSAGE);
            }
        }
        return out.toByteArray();
    }

    /**
     * A multipart form as PocketBase binds one where no file is expected: the {@code @jsonPayload} part
     * is JSON merged into the data, every other text part a form value; files are skipped.
     */
    private static JsonNode multipart(ServerRequest req) {
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.mapper().createObjectNode();
        int left = MAX_JSON_BYTES;
        try {
            Multipart form = Multipart.of(req);
            for (var next = form.next(); next.isPresent(); next = form.next()) {
                Multipart.Part part = next.get();
                if (part.isFile()) {
                    continue;
                }
                String text = part.text(left);
                left -= text.length();
                if ("@jsonPayload".equals(part.name())) {
                    JsonNode payload = Json.mapper().readTree(text);
                    if (payload == null || !payload.isObject()) {
                        throw invalid();
                    }
                    out.setAll((com.fasterxml.jackson.databind.node.ObjectNode) payload);
                } else {
                    formValue(out, part.name(), text);
                }
            }
            return out;
        } catch (JsonProcessingException e) {
            throw invalid();
        } catch (IOException e) {
            throw new ApiException.BadRequest("Failed to read the request body.");
        }
    }

    /**
     * The request's body as a stream whose transport failures are the client's: a body whose chunked
     * framing does not parse (Helidon fails on it with a bare runtime exception) or that ends early is
     * a 400, and the request is marked so that its connection closes after the answer (what follows
     * the broken framing must never be read as another request).
     */
    public static InputStream entity(ServerRequest req) {
        return new java.io.FilterInputStream(req.content().inputStream()) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (RuntimeException e) {
                    throw unreadable(req, e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (RuntimeException e) {
                    throw unreadable(req, e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (RuntimeException e) {
                    throw unreadable(req, e);
                }
            }
        };
    }

    private static RuntimeException unreadable(ServerRequest req, RuntimeException cause) {
        if (cause instanceof ApiException api) {
            return api;
        }
        RequestContext.bodyUnreadable(req);
        return new ApiException.BadRequest("Failed to read the request body.");
    }

    /** Adds a form value: a key given once is a string, given several times a list of strings. */
    public static void formValue(com.fasterxml.jackson.databind.node.ObjectNode data, String key, String value) {
        formValue(data, key, com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
    }

    /** Adds a form value: a key given once is that value, given several times a list of them. */
    public static void formValue(com.fasterxml.jackson.databind.node.ObjectNode data, String key, JsonNode value) {
        JsonNode existing = data.get(key);
        if (existing == null) {
            data.put(key, value);
        } else if (existing.isArray()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) existing).add(value);
        } else {
            data.putArray(key).add(existing).add(value);
        }
    }

    /**
     * Whether the body is a form (multipart or URL-encoded), whose values are all text. Read from the
     * raw header: Helidon's parsed content type throws on a value it cannot parse, and a type that is
     * no form is read as JSON whatever else it says.
     */
    public static boolean isForm(ServerRequest req) {
        return Multipart.isMultipart(req) || req.headers().first(io.helidon.http.HeaderNames.CONTENT_TYPE)
                .map(t -> t.split(";", 2)[0].strip().equalsIgnoreCase("application/x-www-form-urlencoded")).orElse(false);
    }

    private static boolean startsLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{';
            }
        }
        return false;
    }

    /**
     * A URL-encoded form as PocketBase binds one: every value a string, a key given several times a
     * list of strings.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode form(String body, boolean typed) {
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.mapper().createObjectNode();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid();
            }
            formValue(out, key, typed ? FormValues.typed(value) : TextNode.valueOf(value));
        }
        return out;
    }

    /** Longest duration in seconds a request may ask for (a token's, say): about 300 years. */
    public static final long MAX_SECONDS = 10_000_000_000L;

    /**
     * A duration in whole seconds, 0 when absent: a JSON number, or its text as forms send it (PocketBase
     * converts those); a negative, fractional, huge or non-numeric value is a field error.
     */
    public static long seconds(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull() || value.isTextual() && value.asText().isBlank()) {
            return 0;
        }
        java.math.BigDecimal number;
        try {
            number = value.isNumber() ? value.decimalValue() : value.isTextual() ? new java.math.BigDecimal(value.asText().trim()) : null;
        } catch (NumberFormatException e) {
            number = null;
        }
        if (number == null) {
            throw ApiException.invalid(java.util.Map.of(field, new ApiException.FieldError("validation_invalid_type",
                    "Must be a number.")));
        }
        if (number.signum() < 0) {
            throw ApiException.invalid(java.util.Map.of(field, ApiException.FieldError.noLessThan(0)));
        }
        if (number.compareTo(java.math.BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            throw ApiException.invalid(java.util.Map.of(field, new ApiException.FieldError(
                    "validation_max_less_equal_than_required", "Must be no greater than " + MAX_SECONDS + ".")));
        }
        return number.longValue();
    }

    /** A text field, or null when absent or JSON null; a non-text value is a 400. */
    public static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.invalid(java.util.Map.of(field, new ApiException.FieldError("validation_invalid_type", "Must be a string.")));
        }
        return value.asText();
    }

    /** PocketBase's answer to a form body that does not bind (its auth routes, settings). */
    public static final String LOAD_FAILED = "An error occurred while loading the submitted data.";

    /** The answer to a body that is not a JSON object, on the routes that do not answer it otherwise. */
    public static final String INVALID = "Failed to load the submitted data due to invalid formatting.";

    private static ApiException invalid() {
        return new ApiException.BadRequest(INVALID);
    }
}
