package dev.hivelite.coordinator;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.hivelite.node.common.Json;

/**
 * The real coordinator.jar as a child process, on random free loopback ports and a temp data dir:
 * what the cluster tests drive. Closing it stops the coordinator and makes sure no worker survives.
 */
final class CoordinatorProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final Process process;
    final int httpPort;
    final int managementPort;
    final Path dataDir;
    final Path log;
    private final HttpClient managementClient = HttpClient.newHttpClient();

    private CoordinatorProcess(Process process, int httpPort, int managementPort, Path dataDir, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.dataDir = dataDir;
        this.log = log;
    }

    static Path jar() {
        String jar = System.getProperty("coordinator.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("coordinator.jar not found (" + jar + "): run through `./mvnw verify`");
        }
        return Path.of(jar);
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the jar with {@code args} to completion (for command-line checks); returns exit code and output. */
    record Run(int exitCode, String output) {
    }

    static Run run(Path workDir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        command.addAll(args);
        Path out = Files.createTempFile(workDir, "run", ".log");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("coordinator did not exit: " + args);
        }
        return new Run(p.exitValue(), Files.readString(out));
    }

    /** Starts a cluster and waits until management health says every worker is ready. */
    static CoordinatorProcess start(Path dataDir, int workers, String... extraArgs) throws IOException {
        CoordinatorProcess cluster = launch(dataDir, workers, extraArgs);
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .failFast("coordinator exited", () -> !cluster.process.isAlive())
                    .until(() -> cluster.managementStatus("/_/health") == 200);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw new IllegalStateException("cluster did not become healthy; log:\n" + cluster.logText(), e);
        }
        return cluster;
    }

    /** Starts a coordinator and waits only until its management port answers. */
    static CoordinatorProcess launch(Path dataDir, int workers, String... extraArgs) throws IOException {
        int http = freePort();
        int management = freePort();
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-coordinator.log");
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString(),
                "--http", "127.0.0.1:" + http, "--management", "127.0.0.1:" + management,
                "--workers", Integer.toString(workers), "--dir", dataDir.toString(), "--worker-heap", "128m"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        CoordinatorProcess cluster = new CoordinatorProcess(process, http, management, dataDir, log);
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .failFast("coordinator exited", () -> !process.isAlive())
                    .until(() -> cluster.managementStatus("/_/health") != 0);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw new IllegalStateException("management port did not answer; log:\n" + cluster.logText(), e);
        }
        return cluster;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private int managementStatus(String path) {
        try {
            return management(path).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    HttpResponse<String> management(String path) throws IOException {
        return send(managementClient, "GET", URI.create("http://127.0.0.1:" + managementPort + path));
    }

    HttpResponse<String> managementPost(String path) throws IOException {
        return send(managementClient, "POST", URI.create("http://127.0.0.1:" + managementPort + path));
    }

    Map<String, Object> health() throws IOException {
        return Json.mapper().readValue(management("/_/health").body(), new TypeReference<>() { });
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> workers() throws IOException {
        return (List<Map<String, Object>>) health().get("workers");
    }

    /** Worker pids by slot id (1-based index into the list), as management health reports them. */
    List<Long> workerPids() throws IOException {
        return workers().stream().map(w -> w.get("pid") == null ? -1L : ((Number) w.get("pid")).longValue()).toList();
    }

    /** A GET on the public port over a fresh connection, so the kernel picks a worker anew. */
    HttpResponse<String> publicGet(String path) throws IOException {
        try (HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return send(fresh, "GET", URI.create("http://127.0.0.1:" + httpPort + path));
        }
    }

    static HttpResponse<String> send(HttpClient client, String method, URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Every live process the coordinator started. */
    List<ProcessHandle> workerProcesses() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    void signal(String signal) throws IOException, InterruptedException {
        signalPid(process.pid(), signal);
    }

    void signalPid(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed");
        }
    }

    /** SIGTERM and wait for the coordinator to exit; returns its exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("coordinator did not stop within " + timeout);
        }
        return process.exitValue();
    }

    /** The answer to one request, and the pid of the worker that served it. */
    record Served(long pid, int status, String body) {
    }

    /**
     * Sends {@code method path} on a fresh connection, after a health request on that same connection
     * tells which worker holds it.
     */
    Served onFreshConnection(String method, String path, String body,
                                            String token) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/_/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long pid = ((Number) Json.mapper().readValue(health.body(), Map.class).get("pid")).longValue();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json");
            if (token != null) {
                request.header("Authorization", token);
            }
            var response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Served(pid, response.statusCode(), response.body());
        }
    }

    /** Repeats a request on fresh connections until both workers answered; returns each worker's status codes. */
    Map<Long, List<Integer>> onEveryWorker(String method, String path,
                                                          String body, String token) throws Exception {
        Map<Long, List<Integer>> statuses = new HashMap<>();
        for (int i = 0; i < 200 && statuses.size() < 2; i++) {
            Served served = onFreshConnection(method, path, body, token);
            statuses.computeIfAbsent(served.pid(), k -> new java.util.ArrayList<>()).add(served.status());
        }
        if (statuses.size() < 2) {
            throw new AssertionError("only " + statuses.keySet() + " answered in 200 fresh connections");
        }
        return statuses;
    }

    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(45, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            workers.forEach(ProcessHandle::destroyForcibly);
            managementClient.close();
        }
    }
}
