package dev.hivelite.node.records;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.FormValues;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Multipart;

/**
 * Takes a record request's data in, before any operation runs: the body within PocketBase's size
 * limits, as JSON or as a multipart form, and its files streamed to the uploads folder (refused past
 * their field's limit). What it returns, a {@link Submitted}, is the same for the records API, batch
 * and OAuth2 sign-ups; its files are moved into storage by the operation, after its commit.
 */
final class Submissions {

    private final Path uploadsDir;

    Submissions(Path uploadsDir) {
        this.uploadsDir = uploadsDir;
    }

    /**
     * The largest body a record of this collection may be sent with, as PocketBase sizes it: 32 MiB,
     * plus what its editor and JSON fields may hold (files are counted by their own fields' limits).
     */
    static long bodyLimit(Collection collection) {
        long limit = 32L << 20;
        for (Field f : collection.fields()) {
            if (f instanceof EditorField e) {
                limit += e.maxSize() > 0 ? e.maxSize() : EditorField.DEFAULT_MAX_SIZE;
            } else if (f instanceof JsonField j) {
                limit += j.maxSize() > 0 ? j.maxSize() : JsonField.DEFAULT_MAX_SIZE;
            }
        }
        return limit;
    }

    /**
     * The files a form may carry besides its other data: each file field's size limit times its
     * {@code maxSelect}, as PocketBase adds them to a record route's body limit.
     */
    static long filesLimit(Collection collection) {
        long limit = 0;
        for (Field f : collection.fields()) {
            if (f instanceof FileField file) {
                limit = saturatedAdd(limit, file.sizeLimit() > Long.MAX_VALUE / file.maxSelect() ? Long.MAX_VALUE
                        : file.sizeLimit() * file.maxSelect());
            }
        }
        return limit;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * A create's ({@code creating}) or an update's data: JSON, or a form whose parts are fields,
     * {@code @jsonPayload} and files. A file counts under {@code field}, {@code +field} or
     * {@code field+} of a file field, and past that field's size limit the request fails at once
     * with PocketBase's error for it; other file parts are skipped. The form as a whole is bounded
     * as PocketBase bounds it (413). Form values are typed as PocketBase types them ({@link
     * FormValues}), and {@code @jsonPayload} is merged over them whatever the order of the parts.
     */
    Submitted submitted(ServerRequest req, Collection collection, boolean creating) {
        long limit = bodyLimit(collection);
        if (!Multipart.isMultipart(req)) {
            return new Submitted((ObjectNode) Bodies.json(req, limit, true, ApiException.BadRequest.GENERIC), Map.of());
        }
        ObjectNode data = Json.mapper().createObjectNode();
        List<ObjectNode> payloads = new ArrayList<>();
        Map<String, List<Upload>> files = new LinkedHashMap<>();
        Submitted submitted = new Submitted(data, files);
        try {
            Multipart form = Multipart.of(req, saturatedAdd(limit, filesLimit(collection)),
                    ApiException.PayloadTooLarge.MESSAGE);
            long left = limit;
            for (var next = form.next(); next.isPresent(); next = form.next()) {
                Multipart.Part part = next.get();
                if ("@jsonPayload".equals(part.name())) {
                    String text = part.bodyText(left);
                    left -= text.length();
                    JsonNode payload = readPayload(text);
                    payloads.add((ObjectNode) payload);
                } else if (part.isFile()) {
                    FileField field = uploadField(collection, part.name());
                    if (field != null) {
                        files.computeIfAbsent(part.name(), k -> new ArrayList<>()).add(store(part, field, creating));
                    }
                } else {
                    String text = part.bodyText(left);
                    left -= text.length();
                    Bodies.formValue(data, part.name(), FormValues.typed(text));
                }
            }
            payloads.forEach(data::setAll);
            return submitted;
        } catch (IOException e) {
            submitted.discard();
            throw new ApiException.BadRequest("Failed to read the submitted data.");
        } catch (RuntimeException e) {
            submitted.discard();
            throw e;
        }
    }

    /** A form's {@code @jsonPayload}: a JSON object, else PocketBase's generic 400 (it binds the body first). */
    private static JsonNode readPayload(String text) {
        try {
            JsonNode payload = Json.mapper().readTree(text);
            if (payload != null && payload.isObject()) {
                return payload;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // answered below
        }
        throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
    }

    /** The file field a part uploads to ({@code field}, {@code +field} or {@code field+}), or null. */
    private static FileField uploadField(Collection collection, String key) {
        String name = key.startsWith("+") ? key.substring(1) : key.endsWith("+") ? key.substring(0, key.length() - 1) : key;
        return collection.field(name).orElse(null) instanceof FileField file ? file : null;
    }

    private Upload store(Multipart.Part part, FileField field, boolean creating) throws IOException {
        try (InputStream in = part.body()) {
            return receive(in, part.filename(), part.contentType(), field.sizeLimit(),
                    () -> ApiException.BadRequest.nested(RecordFiles.failure(creating),
                            Map.of(field.name(), RecordFiles.tooLarge(field, part.filename()))));
        }
    }

    /** Streams a file (a part, a downloaded avatar) to the uploads folder, refusing it past {@code limit} bytes. */
    Upload store(InputStream in, String filename, String contentType, String key, long limit) throws IOException {
        return receive(in, filename, contentType, limit, () -> ApiException.invalid(key, "validation_file_size_limit",
                "Failed to upload " + filename + " - the maximum allowed file size is " + limit + " bytes."));
    }

    /** Streams a file to the uploads folder; past {@code limit} bytes it is removed and {@code tooLarge} thrown. */
    Upload receive(InputStream in, String filename, String contentType, long limit,
                   java.util.function.Supplier<? extends ApiException> tooLarge) throws IOException {
        Files.createDirectories(uploadsDir);
        Path temp = uploadsDir.resolve("upload-" + UUID.randomUUID());
        long total = 0;
        try (OutputStream out = Files.newOutputStream(temp)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > limit) {
                    throw tooLarge.get();
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            // Refused, or the body ended or went past a limit mid-part: nothing will use (or remove) the part.
            Files.deleteIfExists(temp);
            throw e;
        }
        return new Upload(filename, contentType, temp, total);
    }
}
