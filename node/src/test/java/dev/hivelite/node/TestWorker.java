package dev.hivelite.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.hivelite.node.common.Json;

/**
 * A real worker in the test JVM (real sockets, real SQLite files, a one-member Hazelcast cluster),
 * with the HTTP helpers API tests share.
 */
public final class TestWorker implements AutoCloseable {

    public static final String ADMIN_EMAIL = "admin@example.com";
    public static final String ADMIN_PASSWORD = "admin-password-1";
    /** Small, so tests can cross it: the largest database file an import accepts. */
    public static final long IMPORT_MAX = 256 * 1024;

    public final Worker worker;
    public final Path dataDir;
    private final HttpClient client = HttpClient.newHttpClient();

    private TestWorker(Worker worker, Path dataDir) {
        this.worker = worker;
        this.dataDir = dataDir;
    }

    /** A worker whose data dir holds one superuser, {@link #ADMIN_EMAIL}. */
    public static TestWorker start(Path dataDir) throws IOException {
        return start(dataDir, Clock.systemUTC());
    }

    /** The same, with the worker's clock (a test may move it, as for tokens issued in the past). */
    public static TestWorker start(Path dataDir, Clock clock) throws IOException {
        WorkerConfig config = new WorkerConfig(1, "127.0.0.1", 0, 0, dataDir, Duration.ofSeconds(5),
                "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime(), freePort(), List.of(), 1,
                OptionalLong.empty(), false, 256, IMPORT_MAX, false);
        return new TestWorker(Worker.start(config, new Worker.Secrets(null, ADMIN_EMAIL, ADMIN_PASSWORD), clock), dataDir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a multipart form. */
    public HttpResponse<String> sendForm(String method, String path, Form form, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", form.contentType())
                .method(method, HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request without a body and returns the raw answer (200 asserted). */
    public byte[] sendForBytes(String method, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode());
        }
        return response.body();
    }

    /** Logs in over HTTP and returns the token. */
    public String login(String email, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/api/collections/_superusers/auth-with-password",
                Json.mapper().writeValueAsString(Map.of("identity", email, "password", password)), Map.of());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + response.body());
        }
        return (String) json(response).get("token");
    }

    /**
     * Waits until this worker has joined its (one-member) Hazelcast cluster, which it does in the
     * background after it starts serving: shared state (counters, caches) is per worker until then.
     */
    public void awaitCluster() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> send("GET", "/_/health", null, Map.of()).body().contains("\"hazelcast\":\"joined\""));
    }

    /**
     * Sends a JSON request ({@code auth}: an Authorization value, or null), asserts the status, and
     * returns the body as a tree (null when it is empty).
     */
    public com.fasterxml.jackson.databind.JsonNode call(String method, String path, String body, String auth,
                                                         int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, path, body, auth == null ? Map.of() : Map.of("Authorization", auth));
        org.junit.jupiter.api.Assertions.assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
        return r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
    }

    /**
     * Writes {@code requests} as they are on one raw connection, and returns everything the server
     * answers on it until it closes it or a second passes without a byte: for what an HTTP client
     * would tidy away (framing, several answers on one connection).
     */
    public String raw(String requests) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", worker.port())) {
            s.setSoTimeout(1000);
            s.getOutputStream().write(requests.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = s.getInputStream().read(buffer)) > 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came is what there is
            }
            return got.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readValue(response.body(), new TypeReference<>() { });
    }

    @Override
    public void close() {
        worker.close();
        client.close();
    }
}
