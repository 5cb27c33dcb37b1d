package dev.hivelite.node.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.hivelite.node.common.ApiException;

/**
 * The read side of a {@link SqliteDatabase}: up to {@link SqliteOptions#readConnections()}
 * {@code query_only} connections, opened on first use, each of which keeps its read transaction
 * between reads until anything commits (see {@link #run}).
 */
final class ReadConnections {

    /** An idle snapshot older than this is ended by the sweep even when nothing changed. */
    static final Duration SNAPSHOT_IDLE = Duration.ofSeconds(1);

    private final Path file;
    private final SideFiles sideFiles;
    private final SqliteOptions options;
    /** Shared across databases; runs the sweeps. Not owned. */
    private final ExecutorService readPool;
    /**
     * Idle read connections, the most recently used first: a read takes the one whose pages and
     * snapshot are warmest, and the others go idle (and are swept) rather than taking turns.
     */
    private final java.util.Deque<Reader> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** Read connections that may be in use at once; a reader opens lazily when none is idle. */
    private final Semaphore readPermits;
    /** Every read connection opened, for close. Guarded by itself. */
    private final List<Reader> allReaders = new ArrayList<>();
    /** The shared-memory index header, mapped after the first read; null until then, or if it cannot be. */
    private volatile WalIndex walIndex;
    private final AtomicBoolean walIndexTried = new AtomicBoolean();
    /** A sweep of idle snapshots is scheduled. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** Held by whatever ends idle readers' snapshots (a sweep, {@link #endIdleSnapshots}): one at a time, never on one connection together. */
    private final Object idleUpkeep = new Object();
    private volatile boolean closed;

    ReadConnections(Path file, SideFiles sideFiles, SqliteOptions options, ExecutorService readPool) {
        this.file = file;
        this.sideFiles = sideFiles;
        this.options = options;
        this.readPool = readPool;
        this.readPermits = new Semaphore(options.readConnections());
    }

    /**
     * Runs {@code work} on an idle read connection. With {@code snapshot}, the connection keeps its
     * read transaction open afterwards, and the next read reuses it as long as the WAL index says
     * nothing was committed since it began: opening and closing a read transaction (file and index
     * locks, several system calls) cost more than a point query itself. A commit by anyone, in any
     * process, ends it before the next read, which so always sees every write that returned before
     * it started. Idle snapshots are ended by {@link #sweep} so that they never hold checkpoints back.
     */
    <T> T run(SqlWork<T> work, boolean snapshot) throws SQLException, InterruptedException {
        readPermits.acquire();
        try {
            return runOnReader(work, snapshot, null);
        } finally {
            readPermits.release();
        }
    }

    /**
     * A read of the API with a snapshot; {@code version[0]}, when given, receives the WAL index header
     * the snapshot began at (or stays null when the read ran without one): while the header still
     * reads the same, nothing has committed since and the result still holds. The read stops after
     * {@link QueryDeadline#READS} (400).
     */
    <T> T runRead(SqlWork<T> work, long[][] version) throws SQLException, InterruptedException {
        long[] previous = QueryDeadline.start(QueryDeadline.READS);
        try {
            // Free at once but while a checkpoint holds one: the database hands the pool no more reads than this.
            readPermits.acquire();
            try {
                return runOnReader(work, true, version);
            } finally {
                readPermits.release();
            }
        } catch (SQLException e) {
            if (QueryDeadline.passed()) {
                throw new ApiException.BadRequest("The query ran longer than " + QueryDeadline.READS.toSeconds()
                        + " s and was stopped.");
            }
            throw e;
        } finally {
            QueryDeadline.restore(previous);
        }
    }

    /** The WAL index header now, or null when it cannot be read. */
    long[] currentVersion() {
        WalIndex index = walIndex;
        long[] now = new long[WalIndex.LONGS];
        return index != null && index.read(now) ? now : null;
    }

    /** Frames in the WAL now, from its index; -1 while the index is not mapped or cannot be read. */
    long walFrames() {
        WalIndex index = walIndex;
        return index == null ? -1 : index.frames();
    }

    /** Runs {@code work} on an idle read connection, its permit already taken. */
    private <T> T runOnReader(SqlWork<T> work, boolean snapshot, long[][] version) throws SQLException, InterruptedException {
        Reader reader = null;
        try {
            if (closed) {
                // Queued before close; close waits for the reads under way, not for this one.
                throw new ApiException.Unavailable("database is closing");
            }
            reader = idle.pollFirst();
            if (reader == null) {
                reader = new Reader(SqliteDatabase.connect(file, options, true));
                synchronized (allReaders) {
                    allReaders.add(reader);
                }
            }
            begin(reader, snapshot);
            if (version != null && reader.snapshot) {
                version[0] = reader.seen.clone();
            }
            T result = work.run(reader.connection);
            if (walIndex == null && walIndexTried.compareAndSet(false, true)) {
                walIndex = sideFiles.walIndex(); // the index exists once a connection has read
            }
            return result;
        } finally {
            if (reader != null) {
                reader.lastUsed = System.nanoTime();
                idle.offerFirst(reader);
            }
        }
    }

    /**
     * Ends the kept snapshots of the readers idle now; readers in use are left alone, and the idle
     * ones keep their order. A kept snapshot older than the last commit holds a checkpoint back from
     * the WAL's end, and so keeps the WAL from starting over.
     */
    void endIdleSnapshots() {
        synchronized (idleUpkeep) { // never beside a sweep, which ends idle readers' snapshots in place
            endIdleSnapshotsNow();
        }
    }

    private void endIdleSnapshotsNow() {
        for (int n = idle.size(); n > 0; n--) {
            Reader reader = idle.pollLast();
            if (reader == null) {
                return;
            }
            if (reader.snapshot) {
                end(reader);
            }
            idle.offerFirst(reader);
        }
    }

    /** Ends the reader's snapshot if it is stale (or unwanted), and opens one if wanted and possible. */
    private void begin(Reader reader, boolean snapshot) {
        WalIndex index = walIndex;
        if (reader.snapshot && (!snapshot || index == null || index.changedSince(reader.seen))) {
            end(reader);
        }
        if (!reader.snapshot && snapshot && index != null && index.read(reader.seen)) {
            // Read before BEGIN: the snapshot the next statement takes is at least this recent.
            try {
                Statements.prepare(reader.connection, "BEGIN").execute();
                reader.snapshot = true;
                sweepLater();
            } catch (SQLException e) {
                // The read runs in autocommit, as without a kept transaction: slower, never stale.
                end(reader);
            }
        }
    }

    private static void end(Reader reader) {
        reader.snapshot = false;
        try {
            Statements.prepare(reader.connection, "ROLLBACK").execute();
        } catch (SQLException e) {
            // SQLite already ended it (an error inside it): the connection is in autocommit again.
        }
    }

    /** Schedules a {@link #sweep} a little later, unless one is scheduled. */
    private void sweepLater() {
        if (closed || !sweeping.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture.delayedExecutor(SNAPSHOT_IDLE.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    try {
                        readPool.execute(this::sweep);
                    } catch (RejectedExecutionException e) {
                        sweeping.set(false); // shutting down
                    }
                });
    }

    /**
     * Ends the snapshots of idle connections that are stale or idle for {@link #SNAPSHOT_IDLE}: an
     * open snapshot keeps a checkpoint (this worker's or another's) from copying what was committed
     * after it, and the WAL would grow. Runs only when no read is under way (it takes every permit), so
     * no connection it touches is in use; otherwise, and while snapshots stay open, it comes back later.
     */
    private void sweep() {
        boolean again = false;
        int permits = options.readConnections();
        if (!closed && readPermits.tryAcquire(permits)) {
            try {
                synchronized (idleUpkeep) {
                    again = sweepIdle();
                }
            } finally {
                readPermits.release(permits);
            }
        } else {
            again = !closed;
        }
        sweeping.set(false);
        if (again) {
            sweepLater();
        }
    }

    /** Ends the idle snapshots that are stale or idle too long; true when some are left to end later. */
    private boolean sweepIdle() {
        boolean again = false;
        WalIndex index = walIndex;
        long now = System.nanoTime();
        for (Reader reader : idle) {
            if (!reader.snapshot) {
                continue;
            }
            if (index == null || index.changedSince(reader.seen) || now - reader.lastUsed >= SNAPSHOT_IDLE.toNanos()) {
                end(reader);
            } else {
                again = true;
            }
        }
        return again;
    }

    /** Read connections holding a read transaction now (for tests). */
    int openSnapshots() {
        synchronized (allReaders) {
            return (int) allReaders.stream().filter(r -> r.snapshot).count();
        }
    }

    /** A pooled read connection, and the read transaction it may keep open between reads. */
    private static final class Reader {
        final Connection connection;
        /** A read transaction is open on it (only ever touched by the thread holding the reader). */
        volatile boolean snapshot;
        /** The WAL index header read just before that transaction began. */
        final long[] seen = new long[WalIndex.LONGS];
        volatile long lastUsed = System.nanoTime();

        Reader(Connection connection) {
            this.connection = connection;
        }
    }

    /** From now on a read that has not started yet is refused (503). */
    void closing() {
        closed = true;
    }

    /**
     * Waits (30 s at most) for the reads under way, a checkpoint among them, then closes every
     * connection: a reader opened or used after close would recreate the -wal and -shm files of a
     * file being removed.
     */
    void close() {
        closed = true;
        int permits = options.readConnections();
        boolean drained = false;
        try {
            drained = readPermits.tryAcquire(permits, 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        idle.clear();
        synchronized (allReaders) {
            allReaders.forEach(reader -> SqliteDatabase.closeQuietly(reader.connection));
            allReaders.clear();
        }
        if (drained) {
            readPermits.release(permits); // reads queued behind close find it closed and fail fast
        }
    }
}
