package dev.hivelite.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    private DatabasePool pool;

    @BeforeEach
    void open() throws Exception {
        for (String id : new String[] {"a", "b", "c"}) {
            Files.createDirectories(dir.resolve(id));
            registry.add(id);
        }
        pool = new DatabasePool(dir, SqliteOptions.defaults(), readPool, 2, registry::contains);
    }

    @AfterEach
    void close() {
        pool.close();
        readPool.shutdownNow();
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
}
