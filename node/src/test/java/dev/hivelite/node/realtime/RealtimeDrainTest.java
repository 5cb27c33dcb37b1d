package dev.hivelite.node.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;

/** A stopping worker ends its realtime streams first, so clients reconnect elsewhere at once. */
class RealtimeDrainTest {

    @TempDir
    Path dataDir;

    @Test
    void stoppingTheWorkerEndsOpenStreamsWithoutWaitingForTheGracePeriod() throws Exception {
        TestWorker worker = TestWorker.start(dataDir);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + worker.worker.port() + "/api/realtime")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            InputStream body = stream.body();
            CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> {
                try {
                    return body.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (Exception e) {
                    return -1L;
                }
            });
            long start = System.nanoTime();
            worker.close();
            long stopMillis = (System.nanoTime() - start) / 1_000_000;
            ended.get(10, TimeUnit.SECONDS);
            assertTrue(ended.isDone(), "the stream ended");
            // The test worker's grace period is 5 s: an open stream must not hold the stop for it.
            assertTrue(stopMillis < 4_500, "stop took " + stopMillis + " ms");
        }
    }

    @Test
    void aDrainingWorkerRefusesNewStreamsWhileItsListenerIsStillOpen() throws Exception {
        TestWorker worker = TestWorker.start(dataDir);
        try (HttpClient client = HttpClient.newHttpClient()) {
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(worker::close);
            // For the drain notice the listener still accepts (keep-alive clients move away); a new
            // stream there would be closed again within the second, so it is refused with a retry.
            boolean refused = false;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!refused && System.nanoTime() < until && !stopping.isDone()) {
                try {
                    HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + worker.worker.port() + "/api/realtime")).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    if (r.statusCode() == 503) {
                        refused = true;
                        String body = new String(r.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        assertTrue(body.contains("\"status\":503"), body);
                        break;
                    }
                    r.body().close();
                } catch (java.io.IOException e) {
                    break; // the listener closed
                }
            }
            stopping.get(10, TimeUnit.SECONDS);
            assertTrue(refused, "a stream opened during the drain notice was refused with 503");
        }
    }
}
