package dev.hivelite.node.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.cluster.ClusterConfig;
import dev.hivelite.node.cluster.ClusterMember;
import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.storage.DatabasePool;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.SqliteOptions;
import dev.hivelite.node.storage.SystemDb;

/** What the service does at start, outside HTTP (its routes are covered by {@code DatabaseApiTest}). */
class DatabaseServiceTest {

    @TempDir
    Path dataDir;

    private final ExecutorService readPool = Executors.newFixedThreadPool(4);
    private final Clock clock = Clock.systemUTC();
    private SqliteDatabase systemDb;
    private DatabaseStore store;
    private DatabasePool pool;
    private DatabaseService service;

    @BeforeEach
    void open() {
        systemDb = SystemDb.open(dataDir, SqliteOptions.defaults(), readPool);
        store = new DatabaseStore(systemDb, clock);
        pool = new DatabasePool(dataDir.resolve("databases"), SqliteOptions.defaults(), readPool, 4, store::exists);
        // A member that never joins: invalidations stay on this worker, as before a join.
        Invalidations invalidations = new Invalidations(
                new ClusterMember(new ClusterConfig("test", "127.0.0.1", 0, List.of()), "test"));
        service = new DatabaseService(store, pool,
                invalidations, new ApiKeys(new ApiKeyStore(systemDb, clock), invalidations, clock, Runnable::run),
                new AuditLog(systemDb, clock));
    }

    @AfterEach
    void close() {
        pool.close();
        systemDb.close();
        readPool.shutdownNow();
    }

    private Path mainFolder() {
        return pool.folder(store.byName(DatabaseStore.MAIN).orElseThrow().id());
    }

    @Test
    void ensureMainCreatesTheFolderAndFileOnceAndIsIdempotent() {
        service.ensureMain();
        service.ensureMain();
        assertEquals(1, store.list().size());
        assertTrue(Files.isRegularFile(mainFolder().resolve("data.db")));
        assertTrue(Files.isDirectory(mainFolder().resolve("storage")));
    }

    @Test
    void ensureMainRepairsFilesMissingAfterACrashBetweenRowAndFolder() {
        store.ensureMain(); // another worker registered main, then died before making its folder
        service.ensureMain();
        assertTrue(Files.isRegularFile(mainFolder().resolve("data.db")));
        try (DatabasePool.Lease lease = pool.lease(store.byName(DatabaseStore.MAIN).orElseThrow().id())) {
            assertEquals(1, (int) lease.db().read(c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
                    rs.next();
                    return rs.getInt(1);
                }
            }));
        }
    }
}
