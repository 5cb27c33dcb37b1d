import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Realtime load client (loopback only, bounded): opens N SSE subscribers on /api/realtime (the kernel
 * spreads them over the workers), subscribes each to a collection, then
 *   mode "fanout": one write, and the time until every subscriber has the event (p50/p99/max);
 *   mode "rate":   W writes from 16 writers, and events per second delivered to all subscribers.
 * Usage: java RealtimeLoad.java BASE_URL TOKEN COLLECTION SUBSCRIBERS fanout|rate [WRITES]
 * Prints one line of key=value results. Exits non-zero when events are missing.
 */
public final class RealtimeLoad {

    private static final Pattern CLIENT_ID = Pattern.compile("\"clientId\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String collection = args[2];
        int subscribers = Integer.parseInt(args[3]);
        String mode = args[4];
        int writes = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // the whole run is bounded
        URI baseUri = URI.create(base);
        String host = baseUri.getHost();
        int port = baseUri.getPort();

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicLong firstWriteAt = new AtomicLong();
        AtomicInteger received = new AtomicInteger();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        List<InputStream> bodies = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(subscribers);
        Semaphore opening = new Semaphore(200); // bounded connection setup
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            opening.acquire();
            readers.add(Thread.ofVirtual().start(() -> {
                // A raw socket per stream: the load client must cost far less than the server it measures.
                try (java.net.Socket socket = new java.net.Socket(host, port)) {
                    socket.getOutputStream().write(("GET /api/realtime HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    synchronized (bodies) {
                        bodies.add(socket.getInputStream());
                    }
                    java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
                    String header;
                    while (!(header = line(in)).isEmpty()) {
                        // status line and headers: the body is chunked
                    }
                    String clientId = null;
                    StringBuilder pending = new StringBuilder();
                    while (true) {
                        int size = Integer.parseInt(line(in).trim(), 16);
                        if (size == 0) {
                            break;
                        }
                        byte[] chunk = new byte[size];
                        in.readFully(chunk);
                        line(in);
                        pending.append(new String(chunk, StandardCharsets.UTF_8));
                        if (clientId == null) {
                            Matcher m = CLIENT_ID.matcher(pending);
                            if (m.find()) {
                                clientId = m.group(1);
                                pending.setLength(0);
                                HttpResponse<String> sub = client.send(HttpRequest.newBuilder(URI.create(base + "/api/realtime"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"clientId\":\"" + clientId
                                                + "\",\"subscriptions\":[\"" + collection + "/*\"]}")).build(),
                                        HttpResponse.BodyHandlers.ofString());
                                if (sub.statusCode() != 204) {
                                    throw new IllegalStateException("subscribe: " + sub.statusCode() + " " + sub.body());
                                }
                                opening.release();
                                connected.countDown();
                            }
                            continue;
                        }
                        int at;
                        while ((at = pending.indexOf("\"action\"")) >= 0) {
                            latencies.add(System.nanoTime() - firstWriteAt.get());
                            received.incrementAndGet();
                            pending.delete(0, at + 8);
                        }
                        if (pending.length() > 4096) {
                            pending.setLength(0);
                        }
                    }
                } catch (Exception e) {
                    opening.release();
                }
            }));
        }
        AtomicInteger failedSubscriptions = new AtomicInteger();
        while (connected.getCount() > 0 && System.nanoTime() < deadline
                && connected.getCount() > failedSubscriptions.get()) {
            Thread.sleep(50);
            failedSubscriptions.set((int) readers.stream().filter(t -> !t.isAlive()).count());
        }
        int subscribed = (int) (subscribers - connected.getCount());
        Thread.sleep(500); // let the last subscriptions settle on every worker
        int expected = subscribed * writes;
        long start = System.nanoTime();
        firstWriteAt.set(start);
        Semaphore writers = new Semaphore(16);
        AtomicInteger failedWrites = new AtomicInteger();
        for (int w = 0; w < writes; w++) {
            writers.acquire();
            int n = w;
            Thread.ofVirtual().start(() -> {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/collections/"
                            + collection + "/records")).header("Content-Type", "application/json").header("Authorization", token)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"event " + n + "\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        failedWrites.incrementAndGet();
                    }
                } catch (Exception e) {
                    failedWrites.incrementAndGet();
                } finally {
                    writers.release();
                }
            });
        }
        while (received.get() < expected && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        String result = "subscribers=" + subscribers + " subscribed=" + subscribed + " writes=" + writes + " expected=" + expected
                + " received=" + received.get() + " failedWrites=" + failedWrites.get();
        if ("fanout".equals(mode) && sorted.length > 0) {
            result += String.format(" p50_ms=%.1f p99_ms=%.1f max_ms=%.1f", sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        } else {
            result += String.format(" seconds=%.2f events_per_second=%.0f", seconds, received.get() / seconds);
        }
        System.out.println(result);
        synchronized (bodies) {
            for (InputStream b : bodies) {
                try {
                    b.close();
                } catch (Exception ignored) {
                    // closing
                }
            }
        }
        readers.forEach(Thread::interrupt);
        System.exit(received.get() >= expected && subscribed == subscribers ? 0 : 1);
    }

    /** One CRLF-terminated line, without the CRLF. */
    private static String line(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder out = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                int end = out.length();
                return end > 0 && out.charAt(end - 1) == '\r' ? out.substring(0, end - 1) : out.toString();
            }
            out.append((char) c);
        }
        throw new java.io.EOFException();
    }
}
