package dev.hivelite.node.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.SqliteOptions;
import dev.hivelite.node.storage.SystemDb;

/** The databases registry against a real system.db. */
class DatabaseStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T09:30:00.123Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    private final ExecutorService readPool = Executors.newFixedThreadPool(4);
    private SqliteDatabase systemDb;
    private DatabaseStore store;

    @BeforeEach
    void open() {
        systemDb = SystemDb.open(dataDir, SqliteOptions.defaults(), readPool);
        store = new DatabaseStore(systemDb, CLOCK);
    }

    @AfterEach
    void close() {
        systemDb.close();
        readPool.shutdownNow();
    }

    private static String code(ApiException e, String field) {
        assertEquals(400, e.status());
        assertNotNull(e.fieldErrors().get(field), "field error on " + field + ": " + e.fieldErrors());
        return e.fieldErrors().get(field).code();
    }

    @Test
    void createRegistersWithPocketBaseTimesAndDefaults() {
        DatabaseStore.Database created = store.create("acme", null, false, null);
        assertEquals("2026-11-22 09:30:00.123Z", created.created());
        assertEquals(created.created(), created.updated());
        assertNull(created.lastUsed());
        assertEquals("", created.group());
        assertEquals(List.of(), created.corsOrigins());
        assertEquals(Optional.of(created), store.byName("acme"));
        assertEquals(Optional.of(created), store.byId(created.id()));
        assertTrue(store.exists(created.id()));
    }

    @Test
    void namesAreValidatedWithPocketBaseCodes() {
        assertEquals("validation_required", code(assertThrows(ApiException.class, () -> store.create(null, null, false, null)), "name"));
        assertEquals("validation_required", code(assertThrows(ApiException.class, () -> store.create("", null, false, null)), "name"));
        for (String bad : List.of("Acme", "-acme", "_acme", "a b", "a.b", "é", "a".repeat(64))) {
            assertEquals("validation_invalid_format",
                    code(assertThrows(ApiException.class, () -> store.create(bad, null, false, null)), "name"), bad);
        }
        for (String good : List.of("a", "0", "a-b_c", "a".repeat(63))) {
            assertEquals(good, store.create(good, null, false, null).name());
        }
    }

    @Test
    void aTakenNameIsNotUnique() {
        store.create("acme", null, false, null);
        assertEquals("validation_not_unique", code(assertThrows(ApiException.class, () -> store.create("acme", "g", true, null)), "name"));
        assertEquals(1, store.list().size(), "nothing half-written");
    }

    @Test
    void renameKeepsTheIdAndRefusesTakenNamesAndMain() {
        DatabaseStore.Database acme = store.create("acme", null, false, null);
        store.create("other", null, false, null);
        store.ensureMain();
        DatabaseStore.Database renamed = store.update("acme", new DatabaseStore.Change("acme-2", null, null, null)).orElseThrow();
        assertEquals(acme.id(), renamed.id());
        assertEquals(Optional.empty(), store.byName("acme"));
        assertEquals(acme.id(), store.byName("acme-2").orElseThrow().id());
        assertEquals("validation_not_unique",
                code(assertThrows(ApiException.class, () -> store.update("acme-2", new DatabaseStore.Change("other", null, null, null))), "name"));
        assertEquals("validation_invalid_format",
                code(assertThrows(ApiException.class, () -> store.update("acme-2", new DatabaseStore.Change("Bad", null, null, null))), "name"));
        assertEquals("validation_invalid_value",
                code(assertThrows(ApiException.class, () -> store.update("main", new DatabaseStore.Change("primary", null, null, null))), "name"));
        assertEquals(Optional.empty(), store.update("nope", new DatabaseStore.Change(null, "g", null, null)));
    }

    @Test
    void configChangesOnlyWhatIsGiven() {
        store.create("acme", "tenants", false, List.of("https://a.example"));
        DatabaseStore.Database ro = store.update("acme", new DatabaseStore.Change(null, null, true, null)).orElseThrow();
        assertTrue(ro.readOnly());
        assertEquals("tenants", ro.group());
        assertEquals(List.of("https://a.example"), ro.corsOrigins());
        DatabaseStore.Database cors = store.update("acme",
                new DatabaseStore.Change(null, "", null, List.of("*", "http://localhost:5173"))).orElseThrow();
        assertEquals(List.of("*", "http://localhost:5173"), store.byName("acme").orElseThrow().corsOrigins());
        assertEquals("", cors.group());
        assertTrue(cors.readOnly());
    }

    @Test
    void deleteRemovesTheRow() {
        DatabaseStore.Database acme = store.create("acme", null, false, null);
        assertEquals(Optional.of(acme.id()), store.delete("acme").map(DatabaseStore.Database::id));
        assertFalse(store.exists(acme.id()));
        assertEquals(Optional.empty(), store.byId(acme.id()));
        assertEquals(Optional.empty(), store.delete("acme"));
        assertEquals("acme", store.create("acme", null, false, null).name(), "the name is free again");
    }

    @Test
    void touchLastUsedRecordsTheTime() {
        DatabaseStore.Database acme = store.create("acme", null, false, null);
        store.touchLastUsed(acme.id());
        assertEquals("2026-11-22 09:30:00.123Z", store.byId(acme.id()).orElseThrow().lastUsed());
        store.touchLastUsed("gone"); // deleted meanwhile: nothing to do, no error
    }

    @Test
    void listIsOrderedByName() {
        store.create("zeta", null, false, null);
        store.create("alpha", null, false, null);
        assertEquals(List.of("alpha", "zeta"), store.list().stream().map(DatabaseStore.Database::name).toList());
    }

    @Test
    void ensureMainFromTwoWorkersAtOnceCreatesExactlyOne() throws Exception {
        // A second handle on the same file, as a second worker process would have.
        try (SqliteDatabase otherWorker = SystemDb.open(dataDir, SqliteOptions.defaults(), readPool);
             ExecutorService threads = Executors.newFixedThreadPool(2)) {
            List<DatabaseStore> stores = List.of(store, new DatabaseStore(otherWorker, CLOCK));
            for (int round = 0; round < 5; round++) { // each round the loser waits in SQLite's busy handler (~0.15 s)
                store.delete(DatabaseStore.MAIN);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Optional<DatabaseStore.Database>>> results = stores.stream()
                        .map(s -> threads.submit(() -> {
                            start.await();
                            return s.ensureMain();
                        })).toList();
                int created = 0;
                for (Future<Optional<DatabaseStore.Database>> r : results) {
                    created += r.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0;
                }
                assertEquals(1, created, "round " + round);
                assertEquals(1, store.list().stream().filter(d -> d.name().equals(DatabaseStore.MAIN)).count());
            }
            assertEquals(Optional.empty(), store.ensureMain(), "present: nothing to do");
        }
    }
}
