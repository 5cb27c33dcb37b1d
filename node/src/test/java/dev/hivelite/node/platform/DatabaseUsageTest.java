package dev.hivelite.node.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.SqliteOptions;
import dev.hivelite.node.storage.SystemDb;

/** lastUsed: written off the request path, at most once a minute per database. */
class DatabaseUsageTest {

    /** A clock the test moves by hand. */
    private static final class SteppingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-22T09:30:00.123Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path dataDir;

    private final ExecutorService readPool = Executors.newFixedThreadPool(2);
    private final SteppingClock clock = new SteppingClock();
    /** The writes DatabaseUsage scheduled, run when the test says so (as OkHttp's DispatcherTest does). */
    private final List<Runnable> scheduled = new ArrayList<>();
    private SqliteDatabase systemDb;
    private DatabaseStore store;
    private DatabaseUsage usage;

    @BeforeEach
    void open() {
        systemDb = SystemDb.open(dataDir, SqliteOptions.defaults(), readPool);
        store = new DatabaseStore(systemDb, clock);
        usage = new DatabaseUsage(store, clock, scheduled::add);
    }

    @AfterEach
    void close() {
        systemDb.close();
        readPool.shutdownNow();
    }

    private void runScheduled() {
        List<Runnable> now = List.copyOf(scheduled);
        scheduled.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void writesAtMostOnceAMinutePerDatabase() {
        String acme = store.create("acme", null, false, null).id();
        String other = store.create("other", null, false, null).id();
        usage.used(acme);
        usage.used(acme);
        usage.used(other);
        assertEquals(2, scheduled.size(), "one write per database");
        assertNull(store.byId(acme).orElseThrow().lastUsed(), "not on the request thread");
        runScheduled();
        assertEquals("2026-11-22 09:30:00.123Z", store.byId(acme).orElseThrow().lastUsed());

        clock.advance(Duration.ofSeconds(59));
        usage.used(acme);
        assertEquals(0, scheduled.size());
        clock.advance(Duration.ofSeconds(1));
        usage.used(acme);
        runScheduled();
        assertEquals("2026-11-22 09:31:00.123Z", store.byId(acme).orElseThrow().lastUsed());
    }

    @Test
    void aFailedWriteIsRetriedOnTheNextUse() {
        String acme = store.create("acme", null, false, null).id();
        usage.used(acme);
        systemDb.close();
        runScheduled(); // system.db closing: logged, and the use forgotten
        usage.used(acme);
        assertEquals(1, scheduled.size(), "not rate-limited by a write that never happened");
    }
}
