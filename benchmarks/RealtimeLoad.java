import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
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

/**
 * Realtime load client (loopback only, bounded): opens N SSE subscribers on /api/realtime (the kernel
 * spreads them over the workers), subscribes each to a collection, then
 *   mode "fanout": one write, and the time until every subscriber has the event (p50/p99/max); with
 *                  WRITES > 1, that many rounds of one write each, 1.5 s apart, each measured alone
 *                  (the first round is the cold one: threads parked since setup, sockets never written);
 *   mode "rate":   W writes from 16 writers, and events per second delivered to all subscribers.
 * Usage: java RealtimeLoad.java BASE_URL TOKEN COLLECTION SUBSCRIBERS fanout|rate [WRITES]
 * Prints one line of key=value results. Exits non-zero when events are missing.
 *
 * The client shares the cores with the server it measures, so it must cost far less: each stream is
 * set up on a virtual thread (blocking), then read by one selector thread, without a thread wake-up
 * per event, by a byte-level parser (chunked framing, and a count of "action" keys in the data)
 * that allocates nothing per event.
 */
public final class RealtimeLoad {

    /** Each event's data is {"action":…,"record":…}: one of these per event, whatever the chunking. */
    private static final byte[] EVENT_MARK = "\"action\"".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        String collection = args[2];
        int subscribers = Integer.parseInt(args[3]);
        String mode = args[4];
        int writes = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // the whole run is bounded
        URI baseUri = URI.create(base);
        InetSocketAddress address = new InetSocketAddress(baseUri.getHost(), baseUri.getPort());
        boolean fanout = "fanout".equals(mode);

        if (fanout) {
            warmUp();
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger received = new AtomicInteger();
        Selector selector = Selector.open();
        ConcurrentLinkedQueue<Stream> streams = new ConcurrentLinkedQueue<>();
        CountDownLatch connected = new CountDownLatch(subscribers);
        AtomicInteger failedSubscriptions = new AtomicInteger();
        Semaphore opening = new Semaphore(200); // bounded connection setup
        for (int i = 0; i < subscribers; i++) {
            opening.acquire();
            Thread.ofVirtual().start(() -> {
                SocketChannel channel = null;
                try {
                    channel = SocketChannel.open(address);
                    Stream stream = new Stream(channel, received, fanout ? writes : 0);
                    channel.write(ByteBuffer.wrap(("GET /api/realtime HTTP/1.1\r\nHost: " + address.getHostString()
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer buffer = ByteBuffer.allocate(4096);
                    while (stream.clientId == null) {
                        buffer.clear();
                        if (channel.read(buffer) < 0) {
                            throw new EOFException("the stream ended before PB_CONNECT");
                        }
                        stream.parse(buffer.array(), buffer.position(), 0);
                    }
                    HttpResponse<String> sub = client.send(HttpRequest.newBuilder(URI.create(base + "/api/realtime"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"clientId\":\"" + stream.clientId
                                    + "\",\"subscriptions\":[\"" + collection + "/*\"]}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (sub.statusCode() != 204) {
                        throw new IllegalStateException("subscribe: " + sub.statusCode() + " " + sub.body());
                    }
                    // From here on the selector thread reads it (select below picks the key up).
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ, stream);
                    streams.add(stream);
                    connected.countDown();
                } catch (Exception e) {
                    failedSubscriptions.incrementAndGet();
                    closeQuietly(channel);
                } finally {
                    opening.release();
                }
            });
        }
        Thread reader = Thread.ofPlatform().name("sse-reader").daemon(true).start(() -> read(selector));
        while (connected.getCount() > failedSubscriptions.get() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int subscribed = (int) (subscribers - connected.getCount());
        Thread.sleep(500); // let the last subscriptions settle on every worker
        String settled = settle(System.getenv("SETTLE_PIDS"), deadline);
        int expected = subscribed * writes;
        if (fanout && writes > 1) {
            System.err.print(settled); // progress, and a mark a profiler can start on: the rounds come next
            System.out.println(settled + rounds(client, base, token, collection, subscribers, subscribed, writes, received, streams));
            reader.interrupt();
            streams.forEach(s -> closeQuietly(s.channel));
            System.exit(received.get() >= expected && subscribed == subscribers ? 0 : 1);
        }
        long start = System.nanoTime();
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
        int total = received.get(); // read before the arrival times: the reader wrote them first
        String result = "subscribers=" + subscribers + " subscribed=" + subscribed + " writes=" + writes + " expected=" + expected
                + " received=" + total + " failedWrites=" + failedWrites.get();
        if (fanout && total > 0) {
            long[] sorted = new long[total];
            int at = 0;
            for (Stream s : streams) {
                for (int i = 0; i < s.events && i < s.arrivals.length && at < sorted.length; i++) {
                    sorted[at++] = s.arrivals[i] - start;
                }
            }
            sorted = Arrays.copyOf(sorted, at);
            Arrays.sort(sorted);
            result += String.format(" p50_ms=%.1f p99_ms=%.1f max_ms=%.1f", sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        } else {
            result += String.format(" seconds=%.2f events_per_second=%.0f", seconds, total / seconds);
        }
        System.out.println(result);
        reader.interrupt();
        streams.forEach(s -> closeQuietly(s.channel));
        System.exit(total >= expected && subscribed == subscribers ? 0 : 1);
    }

    /**
     * Waits until the given processes (the workers, from SETTLE_PIDS) and this client are quiet: under
     * 10 % of one core between them for a whole second (10,000 idle streams' heartbeats take some of
     * that), at most 60 s. Opening 10,000 streams leaves the workers, and this client, compiling and
     * collecting for seconds after the last one; a fan-out timed then measures that tail, not delivery.
     * Returns a line saying how long it took (empty when no pids are given).
     */
    private static String settle(String pids, long deadline) throws Exception {
        if (pids == null || pids.isBlank()) {
            return "";
        }
        long start = System.nanoTime();
        long limit = Math.min(deadline, start + TimeUnit.SECONDS.toNanos(60));
        // This client too: its compiler may still be at what setup ran, and would share the cores with
        // the fan-outs it times.
        String all = pids.trim() + " " + ProcessHandle.current().pid();
        long before = cpuTicks(all);
        while (System.nanoTime() < limit) {
            Thread.sleep(1000);
            long now = cpuTicks(all);
            if (now - before < 10) { // clock ticks are 10 ms: 100 ms of CPU in a second, all of them together
                return String.format("settled_s=%.1f%n", (System.nanoTime() - start) / 1e9);
            }
            before = now;
        }
        return "settled_s=timeout\n";
    }

    /** utime + stime of each process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(String pids) throws IOException {
        long total = 0;
        for (String pid : pids.trim().split("\\s+")) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return total;
    }

    /** Fan-out rounds: one write at a time, each timed from its own start, one line per round. */
    private static String rounds(HttpClient client, String base, String token, String collection, int subscribers,
                                 int subscribed, int rounds, AtomicInteger received, java.util.Collection<Stream> streams) throws Exception {
        StringBuilder out = new StringBuilder();
        double[] p99s = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            java.time.LocalTime startedAt = java.time.LocalTime.now(); // to match a round with server-side records
            long start = System.nanoTime();
            HttpResponse<String> w = client.send(HttpRequest.newBuilder(URI.create(base + "/api/collections/" + collection
                    + "/records")).header("Content-Type", "application/json").header("Authorization", token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"round " + r + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            int want = subscribed * (r + 1);
            while (received.get() < want && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
                Thread.sleep(5);
            }
            long[] times = new long[subscribed];
            int at = 0;
            for (Stream s : streams) {
                if (s.events > r && r < s.arrivals.length && at < times.length) {
                    times[at++] = s.arrivals[r] - start;
                }
            }
            times = Arrays.copyOf(times, at);
            Arrays.sort(times);
            double p99 = at == 0 ? Double.NaN : times[(int) Math.min(at - 1, Math.ceil(at * 0.99) - 1)] / 1e6;
            p99s[r] = p99;
            out.append(String.format("round=%d status=%d received=%d/%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f at=%s%n", r + 1,
                    w.statusCode(), at, subscribers, at == 0 ? Double.NaN : times[at / 2] / 1e6, p99,
                    at == 0 ? Double.NaN : times[at - 1] / 1e6, startedAt));
            Thread.sleep(1500);
        }
        double[] warm = Arrays.copyOfRange(p99s, 1, rounds);
        Arrays.sort(warm);
        out.append(String.format("first_round_p99_ms=%.1f warm_rounds_median_p99_ms=%.1f", p99s[0], warm[warm.length / 2]));
        return out.toString();
    }

    /**
     * Runs this client's selector thread and parser over local streams of its own (no server
     * involved), 200,000 events, so that the fan-outs it times are not spent compiling its own code.
     */
    private static void warmUp() throws Exception {
        int streams = 50;
        int events = 4000;
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()
                .bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
             Selector selector = Selector.open()) {
            AtomicInteger received = new AtomicInteger();
            List<SocketChannel> writers = new ArrayList<>();
            List<SocketChannel> readers = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                SocketChannel reader = SocketChannel.open(server.getLocalAddress());
                writers.add(server.accept());
                // Recording arrivals as the timed streams do: with none to record, the JIT compiled the
                // reader without that branch, and the first timed event threw the code away (perf showed
                // this client's compiler busy in the first fan-out).
                Stream stream = new Stream(reader, received, events);
                stream.clientId = "warm-up"; // as if PB_CONNECT had been read
                reader.configureBlocking(false);
                reader.register(selector, SelectionKey.OP_READ, stream);
                readers.add(reader);
            }
            Thread reading = Thread.ofPlatform().name("warm-up-reader").daemon(true).start(() -> read(selector));
            String event = "id:warm-up\nevent:feed/*\ndata:{\"action\":\"create\",\"record\":{\"id\":\"abcdefghijklmno\",\"title\":\"warm-up\"}}\n\n";
            byte[] chunk = (Integer.toHexString(event.length()) + "\r\n" + event + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] headers = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (SocketChannel w : writers) {
                w.write(ByteBuffer.wrap(headers));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int e = 0; e < events && System.nanoTime() < deadline; e++) {
                for (SocketChannel w : writers) {
                    w.write(ByteBuffer.wrap(chunk));
                }
                while (received.get() < (e + 1) * streams - streams * 8 && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // at most 8 events in flight per stream
                }
            }
            while (received.get() < events * streams && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            reading.interrupt();
            selector.wakeup();
            reading.join(1000);
            for (SocketChannel c : writers) {
                closeQuietly(c);
            }
            for (SocketChannel c : readers) {
                closeQuietly(c);
            }
        }
    }

    /** The selector thread: one read per ready stream, parsed in place. */
    private static void read(Selector selector) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                // A timeout, so streams registered while it waits are picked up soon.
                selector.select(key -> {
                    Stream stream = (Stream) key.attachment();
                    buffer.clear();
                    try {
                        int n = stream.channel.read(buffer);
                        if (n < 0) {
                            key.cancel();
                            closeQuietly(stream.channel);
                            return;
                        }
                        stream.parse(buffer.array(), n, System.nanoTime());
                    } catch (IOException e) {
                        key.cancel();
                        closeQuietly(stream.channel);
                    }
                }, 50);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /**
     * One SSE response, parsed as its bytes arrive: the status line and headers, then chunks (size
     * line, data, CRLF). Data up to the end of the first event (PB_CONNECT) is kept to read the
     * clientId; after that only event marks are counted.
     */
    static final class Stream {
        private static final int HEADERS = 0, SIZE = 1, DATA = 2, DATA_END = 3;

        final SocketChannel channel;
        private final AtomicInteger received;
        /** Arrival times (System.nanoTime) of the first events, in fanout mode. */
        final long[] arrivals;
        /** Events seen; written by the reader before it counts them in {@code received}. */
        int events;
        volatile String clientId;
        private final StringBuilder connect = new StringBuilder();
        private int state = HEADERS;
        private int headerEnd; // how much of "\r\n\r\n" was just seen
        private int size;
        private int remaining;
        private int marked; // how much of EVENT_MARK was just seen

        Stream(SocketChannel channel, AtomicInteger received, int recorded) {
            this.channel = channel;
            this.received = received;
            this.arrivals = new long[recorded];
        }

        void parse(byte[] bytes, int length, long now) {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                switch (state) {
                    case HEADERS -> {
                        headerEnd = b == (headerEnd % 2 == 0 ? '\r' : '\n') ? headerEnd + 1 : (b == '\r' ? 1 : 0);
                        if (headerEnd == 4) {
                            state = SIZE;
                        }
                    }
                    case SIZE -> {
                        if (b == '\n') {
                            if (size == 0) {
                                return; // the last chunk: the server ended the stream
                            }
                            remaining = size;
                            size = 0;
                            state = DATA;
                        } else if (b != '\r') {
                            size = size * 16 + Character.digit(b, 16);
                        }
                    }
                    case DATA -> {
                        // The chunk's data in bulk: up to its end or the end of what was read.
                        int end = Math.min(length, i + remaining);
                        data(bytes, i, end, now);
                        remaining -= end - i;
                        i = end - 1;
                        if (remaining == 0) {
                            state = DATA_END;
                            size = 2;
                        }
                    }
                    case DATA_END -> {
                        if (--size == 0) {
                            state = SIZE;
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }

        private void data(byte[] bytes, int from, int to, long now) {
            if (clientId == null) {
                // PB_CONNECT, once per stream: text is cheap enough here.
                connect.append(new String(bytes, from, to - from, StandardCharsets.UTF_8));
                int key = connect.indexOf("\"clientId\":\"");
                int end = key < 0 ? -1 : connect.indexOf("\"", key + 12);
                if (end > 0) {
                    clientId = connect.substring(key + 12, end);
                }
                return;
            }
            for (int i = from; i < to; i++) {
                byte b = bytes[i];
                if (b == EVENT_MARK[marked]) {
                    if (++marked == EVENT_MARK.length) {
                        marked = 0;
                        if (events < arrivals.length) {
                            arrivals[events] = now;
                        }
                        events++;
                        received.incrementAndGet();
                    }
                } else {
                    // The mark's only proper prefix that is also a suffix is its opening quote.
                    marked = b == EVENT_MARK[0] ? 1 : 0;
                }
            }
        }
    }
}
