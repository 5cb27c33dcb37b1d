package dev.hivelite.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One database file used by several processes at once, as the workers of a cluster use it: the
 * processes here are real ones (a JVM each, {@link OtherProcess}), so SQLite's locks and its shared
 * WAL index are exercised across processes, not inside one.
 */
class CrossProcessTest {

    @TempDir
    Path dir;

    private static long count(java.sql.Connection c, String where) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t" + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void processesOpeningTheFileWhileThisOneWritesAndReadsLoseNothing() throws Exception {
        Path file = dir.resolve("data.db");
        ExecutorService readPool = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon(true).factory());
        try (SqliteDatabase db = SqliteDatabase.open(file, SqliteOptions.defaults(), readPool);
             ExecutorService loop = Executors.newVirtualThreadPerTaskExecutor()) {
            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
                }
            });
            // This process writes and reads without pause (its reads keep snapshots and use the WAL
            // index) while other processes open the file for the first time, write, and close it.
            AtomicBoolean stop = new AtomicBoolean();
            Future<Integer> ours = loop.submit(() -> {
                int written = 0;
                while (!stop.get()) {
                    int n = written;
                    db.write(c -> {
                        try (var ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                            ps.setString(1, "ours-" + n);
                            return ps.executeUpdate();
                        }
                    });
                    written++;
                    db.read(c -> count(c, ""));
                }
                return written;
            });
            int perProcess = 300;
            List<String> tags = List.of("a", "b", "c");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<Process> others = new ArrayList<>();
            try {
                for (String tag : tags) {
                    others.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                            OtherProcess.class.getName(), file.toString(), String.valueOf(perProcess), tag)
                            .redirectErrorStream(true).redirectOutput(dir.resolve(tag + ".log").toFile()).start());
                    Thread.sleep(300); // staggered: each opens while the others and this one are writing
                }
                for (Process p : others) {
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "another process finished");
                    assertEquals(0, p.exitValue(), () -> "another process failed: " + readLog(dir, others.indexOf(p), tags));
                }
            } finally {
                stop.set(true); // a failure above must not leave the loop running (closing the executor waits for it)
                others.forEach(Process::destroyForcibly);
            }
            int oursWritten = ours.get(30, TimeUnit.SECONDS);
            assertTrue(oursWritten > 0);
            assertEquals((long) oursWritten, (long) db.read(c -> count(c, " WHERE v LIKE 'ours-%'")), "none of this process's writes lost");
            for (String tag : tags) {
                assertEquals((long) perProcess, (long) db.read(c -> count(c, " WHERE v LIKE '" + tag + "-%'")), "none of " + tag + "'s writes lost");
            }
            assertEquals("ok", db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                    rs.next();
                    return rs.getString(1);
                }
            }));
        } finally {
            readPool.shutdownNow();
        }
    }

    private static String readLog(Path dir, int index, List<String> tags) {
        try {
            return java.nio.file.Files.readString(dir.resolve(tags.get(index) + ".log"));
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
