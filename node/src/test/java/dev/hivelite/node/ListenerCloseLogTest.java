package dev.hivelite.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a worker's listener closes, Helidon logs an ERROR with a stack trace for a connection the
 * kernel handed it a moment before (its handlers' executor is shut). Once the worker drains, that
 * record is one INFO line of the worker's; Helidon's other records from the listener still pass.
 */
class ListenerCloseLogTest {

    @TempDir
    Path dataDir;

    /** Records that reached a logger's handlers. */
    private static final class Captured extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                records.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aConnectionRefusedAsTheListenerClosesIsOneInfoLineNotAnError() throws Exception {
        Logger listener = Logger.getLogger("io.helidon.webserver.ServerListener");
        Logger worker = Logger.getLogger(Worker.class.getName());
        Captured fromListener = new Captured();
        Captured fromWorker = new Captured();
        listener.addHandler(fromListener);
        worker.addHandler(fromWorker);
        try {
            TestWorker.start(dataDir).close();
            fromListener.records.clear(); // its start and close
            // As Helidon logs it: through System.Logger, with the executor's exception.
            System.Logger helidon = System.getLogger("io.helidon.webserver.ServerListener");
            helidon.log(System.Logger.Level.ERROR, "Executor rejected handler for new connection",
                    new RejectedExecutionException("shut down"));
            helidon.log(System.Logger.Level.ERROR, "Failed to handle accepted socket", new IllegalStateException("x"));

            assertEquals(List.of("Failed to handle accepted socket"),
                    fromListener.records.stream().map(LogRecord::getMessage).toList(), "only the rejection is dropped");
            assertTrue(fromWorker.records.stream().anyMatch(r -> r.getMessage().startsWith("a connection accepted as the listener closed")),
                    "the worker says what happened");
        } finally {
            listener.removeHandler(fromListener);
            worker.removeHandler(fromWorker);
        }
    }
}
