package dev.hivelite.node.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import org.sqlite.SQLiteConfig;

import dev.hivelite.node.common.ApiException;

/**
 * One SQLite file with its writer and its read connections.
 *
 * <p>Writes are serialised in-process on a single platform thread that owns the only write
 * connection. It commits in groups: the writes waiting when it becomes free run in one
 * {@code BEGIN IMMEDIATE} transaction, each inside its own savepoint, so one that fails is undone
 * alone and the rest commit together with a single WAL append. A write's caller returns only after
 * the commit. Across processes (the other workers), writers queue on an OS lock on a file beside the
 * database ({@code <file>-writer}) before {@code BEGIN IMMEDIATE}: the kernel wakes the next one the
 * moment the lock is free, where SQLite's busy handler would sleep and retry. Reads run on the
 * shared read pool given to the constructor, on {@link ReadConnections}.
 *
 * <p>The writer does not run SQLite's automatic checkpoint, which would stall every write queued
 * behind it: {@link WalUpkeep} checkpoints on a read connection and, past a length, has the writer
 * start the WAL over between two groups.
 *
 * <p>Lifecycle: {@link #open} → {@link #read}/{@link #write} from any thread → {@link #close}.
 */
public final class SqliteDatabase implements AutoCloseable {

    private final Path file;
    /** Owned by the writer thread after open; never touched by any other thread. */
    private final Connection writeConnection;
    /** Writes waiting for the writer thread, in arrival order. */
    private final BlockingQueue<PendingWrite<?>> pendingWrites = new LinkedBlockingQueue<>(MAX_QUEUED_WRITES);
    /** The single platform thread that runs every write. */
    private final Thread writer;
    /** Its writer lock, locked for the length of each write transaction, orders writers across processes. */
    private final SideFiles sideFiles;
    /** The read connections, and the read transactions they keep between reads. */
    private final ReadConnections readers;
    /** Checkpoints, and the writer's catch-up that starts the WAL over. */
    private final WalUpkeep walUpkeep;
    private final SqliteOptions options;
    /** Shared across databases, bounded, platform threads; not owned (not shut down by close). */
    private final ExecutorService readPool;
    private volatile boolean closed;
    /** Set by the writer thread as it ends, before it refuses what is still queued. */
    private volatile boolean writerDone;

    /** Writes that may wait at once; past this a write is refused with 503 rather than queued. */
    static final int MAX_QUEUED_WRITES = 10_000;
    /** Writes committed together at most: bounds how long the first of a group waits for the last. */
    static final int MAX_GROUP = 128;

    private SqliteDatabase(Path file, Connection writeConnection, SideFiles sideFiles, SqliteOptions options,
                           ExecutorService readPool) {
        this.file = file;
        this.writeConnection = writeConnection;
        this.sideFiles = sideFiles;
        this.options = options;
        this.readers = new ReadConnections(file, sideFiles, options, readPool);
        this.readPool = readPool;
        this.walUpkeep = new WalUpkeep(writeConnection, sideFiles, readers, readPool, options, () -> closed);
        this.writer = Thread.ofPlatform()
                .name("sqlite-writer-" + file.getParent().getFileName() + "/" + file.getFileName())
                .daemon(true).start(this::writeLoop);
    }

    /**
     * Opens (creating if needed) the file with the pragmas every connection gets: WAL, foreign keys,
     * busy timeout, synchronous NORMAL or FULL.
     */
    public static SqliteDatabase open(Path file, SqliteOptions options, ExecutorService readPool) {
        SideFiles sideFiles;
        try {
            sideFiles = SideFiles.acquire(file);
        } catch (IOException e) {
            throw new StorageException("cannot open the writer lock of " + file, e);
        }
        boolean opened = false;
        try {
            // Read connections open on first use: a cold database costs one connection, not five.
            Connection writeConnection = connect(file, options, false);
            try {
                // Checkpoints run on a read connection, off the writer thread (see WalUpkeep).
                execute(writeConnection, "PRAGMA wal_autocheckpoint = 0");
                // When the WAL starts over, a file grown past this under a burst is cut back to it.
                execute(writeConnection, "PRAGMA journal_size_limit = " + WalUpkeep.WAL_SIZE_LIMIT);
            } catch (SQLException e) {
                closeQuietly(writeConnection);
                throw e;
            }
            SqliteDatabase db = new SqliteDatabase(file, writeConnection, sideFiles, options, readPool);
            opened = true;
            return db;
        } catch (SQLException e) {
            throw new StorageException("cannot open " + file, e);
        } finally {
            if (!opened) {
                sideFiles.release(); // whatever failed, after the connection it may have opened is closed
            }
        }
    }

    /** The largest string, blob or row a connection reads or writes (SQLite's {@code SQLITE_LIMIT_LENGTH}). */
    public static final int MAX_VALUE_BYTES = 32 << 20;

    static Connection connect(Path file, SqliteOptions options, boolean reader) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Order matters: busy_timeout first so that switching to WAL waits for a concurrent opener.
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setSynchronous(options.synchronousFull()
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        // Nothing here reads getGeneratedKeys(): with it on, the driver matched every statement's text
        // against a regex and ran a "SELECT last_insert_rowid()" after each INSERT, on the writer thread.
        config.setGetGeneratedKeys(false);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        // No value (or row) above MAX_VALUE_BYTES: one "SELECT zeroblob(1e8)" must be SQLite's error,
        // not a worker's heap exhausted by a value it then copies and encodes.
        connection.unwrap(org.sqlite.SQLiteConnection.class).setLimit(org.sqlite.SQLiteLimits.SQLITE_LIMIT_LENGTH,
                MAX_VALUE_BYTES);
        if (reader) {
            execute(connection, "PRAGMA query_only = ON");
        }
        QueryDeadline.install(connection);
        return connection;
    }

    /** Runs {@code work} on a read connection (no writes possible: {@code query_only}). */
    public <T> T read(SqlWork<T> work) {
        return await(submitRead(() -> readers.runRead(work, null)));
    }

    /** Reads of this database waiting for one of its read connections, in arrival order. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> waitingReads = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Reads of this database handed to the pool and not finished: at most its read connections. */
    private final java.util.concurrent.atomic.AtomicInteger runningReads = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Hands a read to the shared pool, at most as many at once as this database has read connections:
     * the others wait here, not on pool threads that other databases need (a database whose reads are
     * slow cannot take every thread). A read that finishes hands the next waiting one to the pool;
     * no thread is woken for the hand-over but the pool's own.
     */
    private <T> Future<T> submitRead(Callable<T> task) {
        if (closed) {
            throw new ApiException.Unavailable("database is closing");
        }
        // A FutureTask, as the executor's own submit makes: its get() parks at once (CompletableFuture's
        // managed blocking costs a virtual thread more).
        java.util.concurrent.FutureTask<T> result = new java.util.concurrent.FutureTask<>(task);
        waitingReads.add(result);
        startReads();
        return result;
    }

    private void startReads() {
        while (!waitingReads.isEmpty()) {
            int running = runningReads.get();
            if (running >= options.readConnections()) {
                return; // a read that finishes starts the next
            }
            if (!runningReads.compareAndSet(running, running + 1)) {
                continue;
            }
            Runnable next = waitingReads.poll();
            if (next == null) {
                runningReads.decrementAndGet();
                continue;
            }
            try {
                readPool.execute(() -> {
                    try {
                        next.run();
                    } finally {
                        runningReads.decrementAndGet();
                        startReads();
                    }
                });
            } catch (RejectedExecutionException e) {
                runningReads.decrementAndGet();
                next.run(); // the pool is shutting down: run it here rather than leave its caller waiting
            }
        }
    }

    /** Values kept by {@link #readCached}. */
    private final ReadCache readCache = new ReadCache();

    /**
     * The value {@code work} reads, kept and answered again without SQLite as long as nothing has
     * committed to the file since the read's snapshot began, in this process or any other: the WAL
     * index header (a few loads of mapped memory) is compared with the one the snapshot began at, as
     * the kept read transactions do. {@code basis} is what else the value was computed from (the schema,
     * say): a value is answered again only for the same object. A null value is not kept, nor a value
     * that would take the cache over its byte budget (byte arrays count their length, keys twice
     * theirs). Keep values immutable: they are shared by every caller.
     */
    @SuppressWarnings("unchecked")
    public <T> T readCached(String key, Object basis, SqlWork<T> work) {
        long[] now = readers.currentVersion();
        Object hit = now == null ? null : readCache.get(key, basis, now);
        if (hit != null) {
            return (T) hit;
        }
        long[][] version = new long[1][];
        T value = await(submitRead(() -> readers.runRead(work, version)));
        if (value != null && version[0] != null && !closed) {
            readCache.put(key, version[0], basis, value);
        }
        return value;
    }

    /** Bytes the read cache of this database holds now (for tests). */
    long readCacheBytes() {
        return readCache.bytes();
    }

    /** Read connections holding a read transaction now (for tests). */
    int openSnapshots() {
        return readers.openSnapshots();
    }

    /**
     * Writes a consistent copy of the database, committed WAL pages included, to {@code target}, while
     * writes go on. {@code VACUUM INTO} runs on a short-lived read-only connection: the pooled readers
     * are {@code query_only}, which refuses it.
     */
    public void snapshotTo(Path target, SqliteOptions options) {
        await(submit(readPool, () -> {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout((int) options.busyTimeout().toMillis());
            config.setReadOnly(true);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
                 java.sql.PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toString());
                ps.executeUpdate();
            }
            return null;
        }));
    }

    /**
     * Runs {@code work} on the writer thread inside a {@code BEGIN IMMEDIATE} transaction, possibly
     * shared with other writes waiting at the same time (see the class comment). Returns once its
     * changes are committed; when it throws, none of its changes stay, and the others' do.
     */
    public <T> T write(SqlWork<T> work) {
        return await(enqueue(work, false));
    }

    /**
     * Like {@link #write}, in a transaction of its own. For work that SQLite may abort as a whole
     * transaction (an interrupted statement rolls back every statement of it, not only its own),
     * so that it never takes other writes down with it.
     */
    public <T> T writeAlone(SqlWork<T> work) {
        return await(enqueue(work, true));
    }

    private <T> Future<T> enqueue(SqlWork<T> work, boolean alone) {
        if (closed) {
            throw new ApiException.Unavailable("database is closing");
        }
        PendingWrite<T> pending = new PendingWrite<>(work, alone);
        if (!pendingWrites.offer(pending)) {
            throw new ApiException.Unavailable("storage is busy, retry later");
        }
        if (writerDone && pendingWrites.remove(pending)) {
            throw new ApiException.Unavailable("database is closing");
        }
        return pending.result;
    }

    /** One write waiting for, or run by, the writer thread. */
    private static final class PendingWrite<T> {
        final SqlWork<T> work;
        final boolean alone;
        final CompletableFuture<T> result = new CompletableFuture<>();
        T value;
        Throwable failure;

        PendingWrite(SqlWork<T> work, boolean alone) {
            this.work = work;
            this.alone = alone;
        }

        void run(Connection c) throws SQLException {
            value = work.run(c);
        }

        void complete() {
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        }
    }

    /** Writes waiting for the writer thread (not counting the one it runs). */
    int queuedWrites() {
        return pendingWrites.size();
    }

    /** Marks the end of the queue for the writer thread (see {@link #close}). */
    private static final PendingWrite<Void> STOP = new PendingWrite<>(c -> null, true);

    private void writeLoop() {
        List<PendingWrite<?>> group = new ArrayList<>(MAX_GROUP);
        try {
            while (true) {
                PendingWrite<?> first = pendingWrites.take();
                if (first == STOP) {
                    return;
                }
                group.add(first);
                runGroup(group);
                group.forEach(PendingWrite::complete);
                group.clear();
                walUpkeep.afterGroup(pendingWrites.isEmpty());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Whatever is still queued (a write that raced close) is refused, never left waiting; one
            // queued after this drain sees writerDone and takes itself back.
            writerDone = true;
            group.addAll(pendingWrites);
            pendingWrites.clear();
            for (PendingWrite<?> p : group) {
                p.result.completeExceptionally(new ApiException.Unavailable("database is closing"));
            }
        }
    }

    /** Adds the writes queued behind the group's first, unless it must run alone. */
    private void gather(List<PendingWrite<?>> group) {
        if (group.getFirst().alone) {
            return;
        }
        PendingWrite<?> next;
        while (group.size() < MAX_GROUP && (next = pendingWrites.peek()) != null && !next.alone && next != STOP) {
            group.add(pendingWrites.poll());
        }
    }

    /**
     * Runs a group in one transaction; each write's outcome is left in it, completed by the caller.
     * The group is gathered once the lock is held: while another worker held it, more writes queued
     * here, and they share this transaction instead of waiting for the next turn.
     */
    private void runGroup(List<PendingWrite<?>> group) {
        try (SideFiles.WriterTurn ignored = sideFiles.lockWriter()) {
            gather(group);
            boolean savepoints = group.size() > 1;
            try {
                // Explicit statements rather than setAutoCommit(false): sqlite-jdbc would open the next
                // transaction right after each commit, and an IMMEDIATE one holds the write lock while idle.
                Statements.prepare(writeConnection, "BEGIN IMMEDIATE").execute();
            } catch (SQLException e) {
                group.forEach(p -> p.failure = e);
                return;
            }
            boolean anyDone = false;
            for (int i = 0; i < group.size(); i++) {
                PendingWrite<?> p = group.get(i);
                try {
                    if (savepoints) {
                        Statements.prepare(writeConnection, "SAVEPOINT w").execute();
                    }
                    p.run(writeConnection);
                    if (savepoints) {
                        Statements.prepare(writeConnection, "RELEASE w").execute();
                    }
                    anyDone = true;
                } catch (Throwable t) {
                    p.failure = t;
                    if (!savepoints || !undoSavepoint()) {
                        // SQLite ended the whole transaction (an interrupt, a full disk): the writes
                        // before this one are gone with it, and the ones after have not run.
                        rollbackQuietly();
                        for (int j = 0; j < group.size(); j++) {
                            if (j != i) {
                                group.get(j).failure = new ApiException.Unavailable(
                                        "the write was undone with another in its transaction; retry it");
                            }
                        }
                        return;
                    }
                }
            }
            if (!anyDone) {
                rollbackQuietly();
                return;
            }
            try {
                Statements.prepare(writeConnection, "COMMIT").execute();
            } catch (SQLException e) {
                rollbackQuietly();
                group.forEach(p -> {
                    if (p.failure == null) {
                        p.failure = e;
                    }
                });
            }
        } catch (IOException e) {
            group.forEach(p -> p.failure = new StorageException("cannot take the writer lock of " + file, e));
        }
    }

    /** Undoes the current write's savepoint; false when the transaction itself is gone. */
    private boolean undoSavepoint() {
        try {
            Statements.prepare(writeConnection, "ROLLBACK TO w").execute();
            Statements.prepare(writeConnection, "RELEASE w").execute();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private <T> Future<T> submit(ExecutorService executor, Callable<T> task) {
        if (closed) {
            throw new ApiException.Unavailable("database is closing");
        }
        try {
            return executor.submit(task);
        } catch (RejectedExecutionException e) {
            throw new ApiException.Unavailable("storage is busy, retry later");
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("request interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new StorageException("SQLite failed", cause);
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            execute(writeConnection, "ROLLBACK");
        } catch (SQLException ignored) {
            // The connection is unusable only if the file is; the next write reports that.
        }
    }

    /** Waits for queued writes to finish, then closes every connection. */
    @Override
    public void close() {
        closed = true;
        readers.closing();
        try {
            pendingWrites.put(STOP);
            writer.join(java.time.Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writeConnection);
        readers.close();
        readCache.clear();
        sideFiles.release(); // after every connection of this instance is closed
    }

    static void closeQuietly(Connection connection) {
        Statements.release(connection);
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is best effort; SQLite recovers from the WAL on the next open.
        }
    }
}
