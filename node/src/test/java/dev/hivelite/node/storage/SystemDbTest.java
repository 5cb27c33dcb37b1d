package dev.hivelite.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemDbTest {

    @TempDir
    Path dataDir;

    private final ExecutorService readPool = Executors.newFixedThreadPool(2);

    @AfterEach
    void shutdown() {
        readPool.shutdownNow();
    }

    @Test
    void createsTheLayoutAndMigratesToTheLatestVersion() {
        try (SqliteDatabase db = SystemDb.open(dataDir, SqliteOptions.defaults(), readPool)) {
            assertEquals(SystemDb.latestVersion(), db.read(SystemDb::userVersion));
        }
        assertTrue(Files.isDirectory(dataDir.resolve("databases")));
        assertTrue(Files.isRegularFile(dataDir.resolve("system.db")));
    }

    @Test
    void reopeningDoesNotMigrateTwice() {
        SystemDb.open(dataDir, SqliteOptions.defaults(), readPool).close();
        try (SqliteDatabase db = SystemDb.open(dataDir, SqliteOptions.defaults(), readPool)) {
            assertEquals(1L, (long) db.read(c -> {
                try (Statement s = c.createStatement();
                     var rs = s.executeQuery("SELECT count(*) FROM _meta WHERE key = 'created'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }));
        }
    }

    @Test
    void refusesASystemDbWrittenByANewerHivelite() throws Exception {
        Files.createDirectories(dataDir);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("system.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (SystemDb.latestVersion() + 5));
        }
        SystemDb.NewerSchemaException e = assertThrows(SystemDb.NewerSchemaException.class,
                () -> SystemDb.open(dataDir, SqliteOptions.defaults(), readPool));
        assertTrue(e.getMessage().contains("schema version " + (SystemDb.latestVersion() + 5)), e.getMessage());
    }
}
