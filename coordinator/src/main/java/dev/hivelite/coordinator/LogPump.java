package dev.hivelite.coordinator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies worker output to the coordinator's log, each line prefixed with the worker id. A reader per
 * worker always drains its pipe and hands lines to one bounded queue; one writer prints them. When
 * the queue is full (the coordinator's own output is stuck), lines are dropped and counted, so a
 * chatty worker never blocks on a full pipe.
 */
final class LogPump implements AutoCloseable {

    private static final int CAPACITY = 10_000;
    private static final String POISON = "\u0000";

    /** Lines waiting for the writer; producers are the per-worker readers. */
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY);
    /** Lines dropped because the queue was full; exported as a metric. */
    private final AtomicLong dropped = new AtomicLong();
    private final PrintStream out;
    private final Thread writer;
    /** One per worker process ever started; each ends when its worker's pipe closes. */
    private final java.util.Queue<Thread> readers = new java.util.concurrent.ConcurrentLinkedQueue<>();

    LogPump(PrintStream out) {
        this.out = out;
        this.writer = Thread.ofPlatform().name("log-pump").daemon(true).start(this::write);
    }

    /** Starts draining one worker's output; returns at once. */
    void attach(int workerId, long pid, InputStream output) {
        String prefix = "[w" + workerId + "] ";
        // A platform thread: a pipe read is a blocking native call, which would hold a carrier thread.
        readers.add(Thread.ofPlatform().name("log-w" + workerId + "-" + pid).daemon(true).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!lines.offer(prefix + line)) {
                        dropped.incrementAndGet();
                    }
                }
            } catch (IOException ignored) {
                // The worker's pipe closed: it exited.
            }
        }));
        readers.removeIf(t -> !t.isAlive());
    }

    long dropped() {
        return dropped.get();
    }

    private void write() {
        long reportedDrops = 0;
        try {
            while (true) {
                String line = lines.take();
                if (POISON.equals(line)) {
                    return;
                }
                out.println(line);
                long drops = dropped.get();
                if (drops != reportedDrops && lines.isEmpty()) {
                    out.println("[coordinator] " + (drops - reportedDrops) + " worker log line(s) dropped: output was not keeping up");
                    reportedDrops = drops;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (bounded) for exited workers' last lines, flushes what is queued, stops the writer. */
    @Override
    public void close() {
        try {
            for (Thread reader : readers) {
                reader.join(1_000);
            }
            lines.put(POISON);
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
    }
}
