package dev.hivelite.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {

    @TempDir
    Path dir;

    private ExecutorService readPool;
    private SqliteDatabase db;

    @BeforeEach
    void open() {
        readPool = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon(true).factory());
        db = SqliteDatabase.open(dir.resolve("data.db"), SqliteOptions.defaults(), readPool);
        db.write(c -> update(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
    }

    @AfterEach
    void close() {
        db.close();
        readPool.shutdownNow();
    }

    private static int update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void everyConnectionHasTheSafetyPragmas() {
        assertEquals("wal", db.read(c -> pragma(c, "journal_mode")));
        assertEquals("1", db.read(c -> pragma(c, "foreign_keys")));
        assertEquals("1", db.read(c -> pragma(c, "synchronous")), "NORMAL");
        assertEquals("10000", db.read(c -> pragma(c, "busy_timeout")));
        assertEquals("1", db.write(c -> pragma(c, "foreign_keys")));
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        assertThrows(SQLException.class, () -> {
            try {
                db.write(c -> {
                    update(c, "INSERT INTO t (v) VALUES ('first')");
                    return update(c, "INSERT INTO t (v) VALUES (NULL)");
                });
            } catch (StorageException e) {
                throw e.getCause();
            }
        });
        assertEquals(0L, db.read(SqliteDatabaseTest::count));
        db.write(c -> update(c, "INSERT INTO t (v) VALUES ('after')"));
        assertEquals(1L, db.read(SqliteDatabaseTest::count), "the writer is usable after a rollback");
    }

    @Test
    void readConnectionsCannotWrite() {
        StorageException e = assertThrows(StorageException.class,
                () -> db.read(c -> update(c, "INSERT INTO t (v) VALUES ('x')")));
        assertTrue(e.getCause().getMessage().contains("readonly") || e.getCause().getMessage().contains("read"),
                e.getCause().getMessage());
    }

    @Test
    void concurrentWritersFromManyThreadsLoseNothing() throws Exception {
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = i;
                futures.add(callers.submit(() -> db.write(c -> update(c, "INSERT INTO t (v) VALUES ('" + n + "')"))));
            }
            for (Future<Integer> f : futures) {
                assertEquals(1, f.get());
            }
        }
        assertEquals(500L, db.read(SqliteDatabaseTest::count));
    }

    @Test
    void theWriterHoldsNoLockBetweenTransactions() throws SQLException {
        db.write(c -> update(c, "INSERT INTO t (v) VALUES ('ours')"));
        // Another process's writer must get the lock at once while ours is idle.
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data.db"));
             Statement s = other.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            s.execute("BEGIN IMMEDIATE");
            s.executeUpdate("INSERT INTO t (v) VALUES ('theirs')");
            s.execute("COMMIT");
        }
        assertEquals(2L, db.read(SqliteDatabaseTest::count));
    }

    @Test
    void aWriteWaitsForAnotherProcesssLockInsteadOfFailing() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data.db"));
             Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.executeUpdate("INSERT INTO t (v) VALUES ('theirs')");
            try (ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Integer> ours = caller.submit(() -> db.write(c -> update(c, "INSERT INTO t (v) VALUES ('ours')")));
                Thread.sleep(Duration.ofMillis(200));
                assertTrue(!ours.isDone(), "our write waits on the lock");
                s.execute("COMMIT");
                assertEquals(1, ours.get());
            }
        }
        assertEquals(2L, db.read(SqliteDatabaseTest::count));
    }

    @Test
    void writesWaitingTogetherCommitTogetherAndAFailingOneIsUndoneAlone() throws Exception {
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            // The writer is busy with this one while the next three queue up behind it.
            Future<Integer> blocker = callers.submit(() -> db.write(c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return update(c, "INSERT INTO t (v) VALUES ('blocker')");
            }));
            holding.await();
            Future<Integer> good1 = callers.submit(() -> db.write(c -> update(c, "INSERT INTO t (v) VALUES ('good1')")));
            Future<Integer> bad = callers.submit(() -> db.write(c -> {
                update(c, "INSERT INTO t (v) VALUES ('half')");
                return update(c, "INSERT INTO t (v) VALUES (NULL)");
            }));
            Future<Integer> good2 = callers.submit(() -> db.write(c -> update(c, "INSERT INTO t (v) VALUES ('good2')")));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.queuedWrites() == 3);
            release.countDown();
            assertEquals(1, blocker.get());
            assertEquals(1, good1.get());
            assertEquals(1, good2.get());
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class, bad::get);
            assertTrue(failed.getCause() instanceof StorageException, failed.getCause().toString());
        }
        assertEquals(List.of("blocker", "good1", "good2"), db.read(c -> {
            List<String> values = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY v")) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }), "the failed write's first insert is undone, the others all stay (queued in any order)");
    }

    @Test
    void anInterruptedWriteAloneTakesNoOtherWriteWithIt() throws Exception {
        db.write(c -> update(c, "INSERT INTO t (v) VALUES ('kept')"));
        assertThrows(StorageException.class, () -> db.writeAlone(c -> {
            update(c, "INSERT INTO t (v) VALUES ('gone')");
            org.sqlite.ProgressHandler.setHandler(c, 1, new org.sqlite.ProgressHandler() {
                @Override
                protected int progress() {
                    return 1;
                }
            });
            try {
                return update(c, "INSERT INTO t (v) SELECT 'x' FROM t");
            } finally {
                org.sqlite.ProgressHandler.clearHandler(c);
            }
        }));
        db.write(c -> update(c, "INSERT INTO t (v) VALUES ('after')"));
        assertEquals(2L, db.read(SqliteDatabaseTest::count), "the interrupted transaction left nothing; the writer goes on");
    }

    @Test
    void twoInstancesOnOneFileTakeTurnsWithoutErrors() throws Exception {
        // As the workers of a cluster do across processes, and an evicted instance with its successor in one.
        try (SqliteDatabase second = SqliteDatabase.open(dir.resolve("data.db"), SqliteOptions.defaults(), readPool);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                SqliteDatabase target = i % 2 == 0 ? db : second;
                int n = i;
                futures.add(callers.submit(() -> target.write(c -> update(c, "INSERT INTO t (v) VALUES ('" + n + "')"))));
            }
            for (Future<Integer> f : futures) {
                assertEquals(1, f.get());
            }
        }
        assertEquals(400L, db.read(SqliteDatabaseTest::count));
    }

    @Test
    void aReadKeepsItsSnapshotOnlyUntilAnotherInstanceCommits() throws Exception {
        // Another instance on the same file shares only the file and its WAL index with this one, as
        // another worker process does: every read must see what it committed before the read began.
        try (SqliteDatabase other = SqliteDatabase.open(dir.resolve("data.db"), SqliteOptions.defaults(), readPool)) {
            db.read(SqliteDatabaseTest::count); // the first read maps the WAL index; the next keeps its transaction
            assertEquals(0L, db.read(SqliteDatabaseTest::count));
            // A passive checkpoint scheduled by the setup's write may borrow the idle reader (and end its
            // transaction) at this moment on a loaded machine: the next read then keeps one again.
            org.awaitility.Awaitility.await("a read connection keeps its read transaction between reads")
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> db.read(SqliteDatabaseTest::count) == 0L && db.openSnapshots() >= 1);
            for (int i = 1; i <= 200; i++) {
                other.write(c -> update(c, "INSERT INTO t (v) VALUES ('other')"));
                assertEquals(i, (long) db.read(SqliteDatabaseTest::count), "read " + i + " missed a commit");
            }
            db.write(c -> update(c, "INSERT INTO t (v) VALUES ('own')"));
            assertEquals(201L, db.read(SqliteDatabaseTest::count), "and its own writer's");
        }
    }

    @Test
    void aCachedReadIsAnsweredAgainOnlyUntilAnyInstanceCommits() throws Exception {
        try (SqliteDatabase other = SqliteDatabase.open(dir.resolve("data.db"), SqliteOptions.defaults(), readPool)) {
            java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            Object basis = new Object();
            SqlWork<Long> counted = c -> {
                reads.incrementAndGet();
                return count(c);
            };
            db.read(SqliteDatabaseTest::count); // maps the WAL index
            org.awaitility.Awaitility.await("a read is answered from the cache while nothing commits")
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> {
                        int before = reads.get();
                        db.readCached("k", basis, counted);
                        return db.readCached("k", basis, counted) == 0L && reads.get() == before + 1;
                    });
            for (int i = 1; i <= 100; i++) {
                SqliteDatabase writer = i % 2 == 0 ? db : other;
                writer.write(c -> update(c, "INSERT INTO t (v) VALUES ('x')"));
                assertEquals(i, (long) db.readCached("k", basis, counted), "read " + i + " missed a commit");
            }
            int before = reads.get();
            assertEquals(100L, (long) db.readCached("k", new Object(), counted), "another basis is read again");
            assertEquals(before + 1, reads.get());
        }
    }

    @Test
    void theReadCacheKeepsToItsByteBudget() throws Exception {
        SqliteDatabase own = SqliteDatabase.open(dir.resolve("data.db"), SqliteOptions.defaults(), readPool);
        Object basis = new Object();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        own.read(SqliteDatabaseTest::count); // maps the WAL index
        byte[] large = new byte[(int) (ReadCache.BYTES / 8) + 1];
        SqlWork<byte[]> readLarge = c -> {
            reads.incrementAndGet();
            return large;
        };
        org.awaitility.Awaitility.await("small values are kept").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> {
                    own.readCached("small", basis, c -> new byte[10]);
                    return own.readCacheBytes() > 0;
                });
        own.readCached("large", basis, readLarge);
        own.readCached("large", basis, readLarge);
        assertEquals(2, reads.get(), "a value over an eighth of the budget is read every time");
        byte[] medium = new byte[(int) (ReadCache.BYTES / 20)];
        for (int i = 0; i < 100; i++) {
            own.readCached("medium" + i, basis, c -> medium);
            assertTrue(own.readCacheBytes() <= ReadCache.BYTES, "held " + own.readCacheBytes());
        }
        assertTrue(own.readCacheBytes() >= medium.length, "the last ones are kept");
        own.close();
        assertEquals(0, own.readCacheBytes(), "a closed database holds nothing");
    }

    @Test
    void readingTheWalIndexLeavesSqlitesLocksOnItInPlace() throws Exception {
        // POSIX record locks belong to the process: closing any descriptor of a file drops every lock
        // the process holds on it, SQLite's among them ("How To Corrupt", 2.2). The shared-memory
        // file's dead-man-switch lock (byte 128) tells other processes that this one uses the index:
        // without it, another process opening the file truncates and rebuilds the index under this
        // one's connections, and its checkpoints ignore this one's readers.
        // SQLite holds it from the first connection on; where /proc/locks cannot show it (a file
        // system whose inode numbers differ from stat's), there is nothing to observe here.
        org.junit.jupiter.api.Assumptions.assumeTrue(holdsShmDeadManSwitch(), "/proc/locks shows SQLite's lock");
        for (int i = 0; i < 3; i++) {
            db.read(SqliteDatabaseTest::count); // maps the WAL index, then reads with it
        }
        assertTrue(holdsShmDeadManSwitch(), "still held once the index is mapped");
        try (SqliteDatabase other = SqliteDatabase.open(dir.resolve("data.db"), SqliteOptions.defaults(), readPool)) {
            other.read(SqliteDatabaseTest::count);
            other.read(SqliteDatabaseTest::count);
            other.write(c -> update(c, "INSERT INTO t (v) VALUES ('other')"));
        }
        assertTrue(holdsShmDeadManSwitch(), "still held after another instance on the file closed");
        assertEquals(1L, db.read(SqliteDatabaseTest::count));
    }

    @Test
    void aFileThatCannotBeOpenedLeavesNoDescriptorBehind() throws Exception {
        Path notADatabase = dir.resolve("garbage.db");
        java.nio.file.Files.writeString(notADatabase, "this is not an SQLite database, ".repeat(200));
        assertThrows(StorageException.class, () -> SqliteDatabase.open(notADatabase, SqliteOptions.defaults(), readPool));
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            List<String> open = fds.map(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException e) {
                    return ""; // closed while listed
                }
            }).filter(target -> target.contains("garbage.db")).toList();
            assertEquals(List.of(), open, "descriptors of the failed open");
        }
    }

    /** Whether this process holds a POSIX lock on byte 128 of data.db-shm, as /proc/locks lists it. */
    private boolean holdsShmDeadManSwitch() throws java.io.IOException {
        long inode = (long) java.nio.file.Files.getAttribute(dir.resolve("data.db-shm"), "unix:ino");
        String pid = String.valueOf(ProcessHandle.current().pid());
        return java.nio.file.Files.readAllLines(Path.of("/proc/locks")).stream()
                .map(line -> line.trim().split("\\s+"))
                // "1: POSIX  ADVISORY  READ 1234 08:01:5678 128 128"
                .anyMatch(f -> f.length >= 8 && f[1].equals("POSIX") && f[4].equals(pid) && f[5].endsWith(":" + inode)
                        && Long.parseLong(f[6]) <= 128 && (f[7].equals("EOF") || Long.parseLong(f[7]) >= 128));
    }

    @Test
    void idleSnapshotsEndSoTheyHoldNoCheckpointBack() throws Exception {
        Path file = dir.resolve("data.db");
        try (SqliteDatabase other = SqliteDatabase.open(file, SqliteOptions.defaults(), readPool)) {
            db.read(SqliteDatabaseTest::count); // the first read maps the WAL index; the next keeps its transaction
            assertEquals(0L, db.read(SqliteDatabaseTest::count));
            assertTrue(db.openSnapshots() >= 1);
            long before = java.nio.file.Files.size(file);
            // Only the other instance writes and checkpoints; this one's snapshot sits idle, and would
            // keep every page committed after it out of the database file if it stayed open.
            for (int i = 0; i < 50; i++) {
                other.write(c -> update(c, "INSERT INTO t (v) VALUES (printf('%.2000c', 'x'))"));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.openSnapshots() == 0);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> java.nio.file.Files.size(file) >= before + 50 * 2000);
        }
    }

    @Test
    void aWriteAfterCloseIsRefusedNotLeftWaiting() {
        db.close();
        assertThrows(dev.hivelite.node.common.ApiException.Unavailable.class,
                () -> db.write(c -> update(c, "INSERT INTO t (v) VALUES ('late')")));
    }

    @Test
    void closeWaitsForAReadUnderWayAndLeavesNoFilesOpen() throws Exception {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Future<Long> read = Executors.newSingleThreadExecutor().submit(() -> db.read(c -> {
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return count(c);
        }));
        reading.await();
        Future<?> closing = Executors.newSingleThreadExecutor().submit(db::close);
        Thread.sleep(200);
        assertTrue(!closing.isDone(), "close returned while a read was using its connection");
        release.countDown();
        assertEquals(0L, read.get());
        closing.get();
        assertThrows(dev.hivelite.node.common.ApiException.Unavailable.class, () -> db.read(SqliteDatabaseTest::count));
        // Every connection is closed: the last one removed the WAL and shared-memory files.
        assertTrue(!java.nio.file.Files.exists(dir.resolve("data.db-wal")), "the WAL is left behind");
        assertTrue(!java.nio.file.Files.exists(dir.resolve("data.db-shm")), "the shm file is left behind");
    }

    @Test
    void committedPagesReachTheDatabaseFileWithoutTheWriterCheckpointing() throws Exception {
        Path file = dir.resolve("data.db");
        long before = java.nio.file.Files.size(file);
        assertEquals("0", db.write(c -> pragma(c, "wal_autocheckpoint")), "the writer leaves checkpoints to a reader");
        for (int i = 0; i < 50; i++) {
            db.write(c -> update(c, "INSERT INTO t (v) VALUES (printf('%.2000c', 'x'))"));
        }
        // 50 rows of 2 kB only live in the WAL until a checkpoint copies them into the file.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> java.nio.file.Files.size(file) >= before + 50 * 2000);
    }
    /** The WAL header's checkpoint sequence (bytes 12–15, big-endian): SQLite adds one each time the WAL starts over. */
    private static int walRestarts(Path wal) throws java.io.IOException {
        return (int) intAt(wal, 12, java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** The WAL index header's last valid frame ({@code mxFrame}, bytes 16–19 of the -shm file, native order). */
    private static long walFrames(Path shm) throws java.io.IOException {
        return intAt(shm, 16, java.nio.ByteOrder.nativeOrder());
    }

    private static long intAt(Path file, long offset, java.nio.ByteOrder order) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer four = java.nio.ByteBuffer.allocate(4).order(order);
            ch.read(four, offset);
            return Integer.toUnsignedLong(four.getInt(0));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "reads beside: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void theWalStartsOverEachTimeItPassesCatchUpFramesWhileWritesNeverStop(boolean reads) throws Exception {
        Path wal = dir.resolve("data.db-wal");
        Path shm = dir.resolve("data.db-shm");
        int before = walRestarts(wal);
        // Four threads write 8 kB rows without a pause, and maybe a thread reads rows by id between them:
        // checkpoints run beside writes that never stop. Without reads, each copies every frame it found,
        // while the writer appends more; with them, readers keep snapshots. Either way the WAL must start over
        // each time it passes CATCH_UP_FRAMES, never growing far past it: three times, long before 40,000 rows
        // (~480 MB of frames).
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger rows = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong longest = new java.util.concurrent.atomic.AtomicLong();
        List<Future<?>> writers = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (int w = 0; w < 4; w++) {
                writers.add(threads.submit(() -> {
                    while (!stop.get() && rows.incrementAndGet() <= 40_000) {
                        db.write(c -> update(c, "INSERT INTO t (v) VALUES (printf('%.8000c', 'x'))"));
                    }
                    return null;
                }));
            }
            writers.add(threads.submit(() -> {
                while (reads && !stop.get() && rows.get() <= 40_000) {
                    long id = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(Math.max(1, rows.get()));
                    db.read(c -> {
                        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT length(v) FROM t WHERE id = ?")) {
                            ps.setLong(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                return rs.next() ? rs.getLong(1) : 0L;
                            }
                        }
                    });
                }
                return null;
            }));
            writers.add(threads.submit(() -> {
                while (!stop.get()) {
                    longest.accumulateAndGet(walFrames(shm), Math::max);
                    Thread.sleep(1);
                }
                return null;
            }));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
                    .until(() -> walRestarts(wal) - before >= 3 || rows.get() > 40_000);
            stop.set(true);
            for (Future<?> f : writers) {
                f.get();
            }
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
        assertTrue(walRestarts(wal) - before >= 3, "the WAL started over " + (walRestarts(wal) - before) + " times in "
                + Math.min(rows.get(), 40_000) + " rows written without a pause; it is " + java.nio.file.Files.size(wal) + " bytes");
        assertTrue(longest.get() <= 2 * WalUpkeep.CATCH_UP_FRAMES, "the WAL grew to " + longest.get()
                + " frames before starting over, past twice the catch-up mark (" + WalUpkeep.CATCH_UP_FRAMES + ")");
    }
}
