package dev.hivelite.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.ApiException;

class DatabasePoolTest {

    @TempDir
    Path dir;

    private final ExecutorService readPool = Executors.newFixedThreadPool(4);
    private final Set<String> registry = ConcurrentHashMap.newKeySet();
    /** Registry look-ups by id: the pool consults the registry once per cold open. */
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    /** Runs inside each registry look-up, before its answer; tests use it to hold an open in flight. */
    private volatile Predicate<String> duringLookup = id -> true;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private DatabasePool pool;

    @BeforeEach
    void open() throws Exception {
        for (String id : new String[] {"a", "b", "c"}) {
            Files.createDirectories(dir.resolve(id));
            registry.add(id);
        }
        pool = new DatabasePool(dir, SqliteOptions.defaults(), readPool, 2, id -> {
            lookups.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            boolean known = registry.contains(id);
            return duringLookup.test(id) && known;
        });
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        pool.close();
        readPool.shutdownNow();
    }

    private static boolean isClosed(SqliteDatabase db) {
        try {
            db.read(c -> null);
            return false;
        } catch (ApiException.Unavailable e) {
            return true;
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "latch");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static int one(DatabasePool.Lease lease) {
        return lease.db().read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void opensLazilyAndKeepsAtMostTheCap() {
        assertEquals(0, pool.openCount());
        try (var a = pool.lease("a"); var b = pool.lease("b")) {
            assertEquals(1, one(a) + one(b) - 1);
        }
        assertEquals(2, pool.openCount());
        try (var c = pool.lease("c")) {
            assertEquals(1, one(c));
        }
        assertEquals(2, pool.openCount(), "the least recently used one was closed");
        assertEquals(true, Files.exists(dir.resolve("a").resolve("data.db")));
    }

    @Test
    void aLeasedDatabaseStaysUsableWhenEvicted() {
        try (var a = pool.lease("a")) {
            try (var b = pool.lease("b"); var c = pool.lease("c")) {
                assertEquals(1, one(b) * one(c));
            }
            assertEquals(1, one(a), "evicted while leased, closed only after the lease ends");
        }
    }

    @Test
    void unregisteredIdsAreNotFoundAndNoFileIsCreated() {
        assertThrows(ApiException.NotFound.class, () -> pool.lease("ghost"));
        registry.remove("a");
        pool.invalidate("a");
        assertThrows(ApiException.NotFound.class, () -> pool.lease("a"));
        assertEquals(false, Files.exists(dir.resolve("ghost")));
        assertEquals(false, Files.exists(dir.resolve("a").resolve("data.db")));
    }

    @Test
    void capMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DatabasePool(dir, SqliteOptions.defaults(), readPool, 0, id -> true));
    }

    @Test
    void theLeastRecentlyLeasedIsClosedFirst() {
        SqliteDatabase a;
        SqliteDatabase b;
        try (var la = pool.lease("a"); var lb = pool.lease("b")) {
            a = la.db();
            b = lb.db();
        }
        try (var again = pool.lease("a")) {
            assertSame(a, again.db(), "still open, not reopened");
        }
        try (var c = pool.lease("c")) {
            assertEquals(1, one(c));
        }
        assertTrue(isClosed(b), "b was the least recently used");
        assertFalse(isClosed(a));
        assertEquals(2, pool.openCount());
    }

    @Test
    void concurrentFirstLeasesOpenOnce() throws Exception {
        int n = 16;
        CyclicBarrier start = new CyclicBarrier(n);
        List<Future<SqliteDatabase>> leased = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> threads.submit(() -> {
                    start.await();
                    try (var lease = pool.lease("a")) {
                        one(lease);
                        return lease.db();
                    }
                })).toList();
        SqliteDatabase first = leased.get(0).get(10, TimeUnit.SECONDS);
        for (Future<SqliteDatabase> f : leased) {
            assertSame(first, f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, lookups.get("a").get(), "one registry look-up, one open");
        assertEquals(1, pool.openCount());
        assertEquals(0, pool.leaseCount());
    }

    @Test
    void aColdOpenDoesNotHoldUpAnOpenDatabase() throws Exception {
        pool.lease("a").close();
        CountDownLatch inLookup = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        duringLookup = id -> {
            if (id.equals("b")) {
                inLookup.countDown();
                waitFor(release);
            }
            return true;
        };
        Future<Integer> cold = threads.submit(() -> {
            try (var b = pool.lease("b")) {
                return one(b);
            }
        });
        waitFor(inLookup);
        Future<Integer> hot = threads.submit(() -> {
            try (var a = pool.lease("a")) {
                return one(a);
            }
        });
        assertEquals(1, hot.get(10, TimeUnit.SECONDS), "served while b's open is still in flight");
        assertFalse(cold.isDone());
        release.countDown();
        assertEquals(1, cold.get(10, TimeUnit.SECONDS));
    }

    @Test
    void invalidateWaitsForAnOpenInFlightWhichThenSeesTheRegistry() throws Exception {
        CountDownLatch inLookup = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        duringLookup = id -> {
            if (inLookup.getCount() > 0) {
                inLookup.countDown();
                waitFor(release);
            }
            return true;
        };
        Future<Integer> racing = threads.submit(() -> {
            try (var a = pool.lease("a")) {
                return one(a);
            }
        });
        waitFor(inLookup); // the registry said yes; the open goes on
        registry.remove("a"); // the delete unregisters, then invalidates
        Future<?> invalidated = threads.submit(() -> pool.invalidate("a"));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !invalidated.isDone());
        release.countDown();
        invalidated.get(10, TimeUnit.SECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> racing.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ApiException.NotFound.class, e.getCause(), "the racing open was discarded, then refused");
        assertEquals(0, pool.openCount());
        assertEquals(2, lookups.get("a").get());
    }

    @Test
    void invalidateClosesALeasedDatabaseWhenItsLastLeaseEnds() {
        var first = pool.lease("a");
        var second = pool.lease("a");
        SqliteDatabase db = first.db();
        pool.invalidate("a");
        assertEquals(0, pool.openCount(), "forgotten at once");
        first.close();
        first.close(); // a second close must not release the other lease
        assertEquals(1, one(second), "still usable while leased");
        second.close();
        assertTrue(isClosed(db));
        try (var reopened = pool.lease("a")) {
            assertFalse(db == reopened.db(), "reopened lazily, the registry still has it");
        }
    }

    @Test
    void aClosedPoolRefusesLeases() {
        SqliteDatabase db;
        try (var a = pool.lease("a")) {
            db = a.db();
        }
        pool.close();
        assertTrue(isClosed(db));
        assertThrows(ApiException.Unavailable.class, () -> pool.lease("a"));
    }
}
