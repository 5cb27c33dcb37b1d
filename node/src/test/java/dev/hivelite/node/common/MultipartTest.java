package dev.hivelite.node.common;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipartTest {

    private static final String BOUNDARY = "----hl7MA4YWxkTrZu0gW";

    private static byte[] form(Object... partsAndBodies) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("preamble to ignore\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < partsAndBodies.length; i += 2) {
            out.write(("--" + BOUNDARY + "\r\n" + partsAndBodies[i] + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            Object body = partsAndBodies[i + 1];
            out.write(body instanceof byte[] b ? b : body.toString().getBytes(StandardCharsets.UTF_8));
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Hands out at most a few bytes per read, as a slow socket would. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }

    @Test
    void aFormOfMoreThanMaxPartsIsRefusedWhenItsPartsAreCounted() throws IOException {
        Object[] parts = new Object[2 * (Multipart.MAX_PARTS + 1)];
        for (int i = 0; i < parts.length; i += 2) {
            parts[i] = "Content-Disposition: form-data; name=\"f\"; filename=\"x\"";
            parts[i + 1] = "";
        }
        Multipart form = new Multipart(new ByteArrayInputStream(form(parts)), BOUNDARY);
        for (int i = 0; i < Multipart.MAX_PARTS; i++) {
            assertTrue(form.next().isPresent());
        }
        ApiException e = assertThrows(ApiException.class, form::next);
        assertEquals(400, e.status());
    }

    @Test
    void readsFieldsAndLargeFilesWhoseBytesResembleTheBoundary() throws IOException {
        byte[] file = new byte[300_000];
        new Random(42).nextBytes(file);
        byte[] almost = ("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "x").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(almost, 0, file, 65_530, almost.length); // straddles the 64 KiB buffer edge
        byte[] body = form(
                "Content-Disposition: form-data; name=\"name\"", "acme",
                "Content-Disposition: form-data; name=\"file\"; filename=\"a;b.db\"\r\nContent-Type: application/x-sqlite3", file,
                "Content-Disposition: form-data; name=\"empty\"", "");
        for (InputStream in : List.of(new ByteArrayInputStream(body), trickle(body))) {
            Multipart form = new Multipart(in, BOUNDARY);
            Multipart.Part name = form.next().orElseThrow();
            assertEquals("name", name.name());
            assertNull(name.filename());
            assertEquals("acme", name.text(100));
            Multipart.Part upload = form.next().orElseThrow();
            assertEquals("a;b.db", upload.filename());
            assertEquals("application/x-sqlite3", upload.contentType());
            assertArrayEquals(file, upload.body().readAllBytes());
            assertEquals("", form.next().orElseThrow().text(10));
            assertTrue(form.next().isEmpty());
        }
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        Multipart form = new Multipart(new ByteArrayInputStream(form(
                "Content-Disposition: form-data; name=\"a\"", "x".repeat(100_000),
                "Content-Disposition: form-data; name=\"b\"", "second")), BOUNDARY);
        form.next().orElseThrow();
        List<String> rest = new ArrayList<>();
        Multipart.Part b = form.next().orElseThrow();
        rest.add(b.name() + "=" + b.text(100));
        assertEquals(List.of("b=second"), rest);
    }

    @Test
    void truncatedOrMalformedFormsAreBadRequests() {
        byte[] whole = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue")
                .getBytes(StandardCharsets.US_ASCII);
        ApiException e = assertThrows(ApiException.class, () -> {
            Multipart form = new Multipart(new ByteArrayInputStream(whole), BOUNDARY);
            form.next().orElseThrow().body().readAllBytes();
        });
        assertEquals(400, e.status());
        assertThrows(ApiException.BadRequest.class, () -> new Multipart(new ByteArrayInputStream(
                ("--" + BOUNDARY + "\r\nX-No-Disposition: 1\r\n\r\nv\r\n--" + BOUNDARY + "--").getBytes(StandardCharsets.US_ASCII)),
                BOUNDARY).next());
        assertThrows(ApiException.BadRequest.class, () -> new Multipart(new ByteArrayInputStream(
                "no boundary anywhere".getBytes(StandardCharsets.US_ASCII)), BOUNDARY).next());
    }

    @Test
    void tooLongTextFieldIsAFieldError() throws IOException {
        Multipart form = new Multipart(new ByteArrayInputStream(form(
                "Content-Disposition: form-data; name=\"name\"", "y".repeat(500))), BOUNDARY);
        ApiException e = assertThrows(ApiException.class, () -> form.next().orElseThrow().text(100));
        assertEquals("validation_length_out_of_range", e.fieldErrors().get("name").code());
    }
}
