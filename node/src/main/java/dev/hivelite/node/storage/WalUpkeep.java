package dev.hivelite.node.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Keeps one database's WAL short, for {@link SqliteDatabase}. The writer does not run SQLite's
 * automatic checkpoint: it would copy the WAL into the file and fsync both on the writer thread, every
 * thousand pages, stalling every write queued behind it. A passive checkpoint runs instead on a read
 * connection, one at a time: after a group that leaves no write waiting, at least every
 * {@link #CHECKPOINT_EVERY} while writes go on, and once more when they stop. SQLite starts the WAL
 * over only when a write finds every frame copied and no reader's snapshot in it; beside writes that
 * never pause, or readers that keep snapshots, that moment never comes. Past {@link #CATCH_UP_FRAMES}
 * (the WAL index tells after each group) the writer thread copies the rest itself and starts the WAL
 * over, writers held off, between two background checkpoints (see {@link #catchUpIfDue} and
 * {@link #catchUp}).
 */
final class WalUpkeep {

    /** How often a busy database is checkpointed at most. */
    static final java.time.Duration CHECKPOINT_EVERY = java.time.Duration.ofSeconds(1);
    /** A checkpoint is queued or running; another is not asked for until it ends. */
    private final AtomicBoolean checkpointing = new AtomicBoolean();
    /**
     * Set by a background checkpoint that found a long WAL: what the writer goes by when the WAL index
     * cannot be read (see {@link #catchUpIfDue}).
     */
    private volatile boolean catchUpWanted;
    /**
     * WAL frames (pages) past which the writer starts the WAL over, copying what the background
     * checkpoint has not: 64 MiB of 4 KiB pages. Each time costs the writes a stall of 10–30 ms here (a
     * few hundred pages copied, two fsyncs), once every half second under a sustained write load.
     */
    static final long CATCH_UP_FRAMES = 16384;
    /**
     * Bytes a WAL file is cut back to when it starts over: twice {@link #CATCH_UP_FRAMES}, so that the
     * WAL a catch-up leaves is never cut (cutting 230 MB held the writer for 100 ms).
     */
    static final long WAL_SIZE_LIMIT = 2 * CATCH_UP_FRAMES * 4096;
    /** Commits since the last checkpoint began. */
    private final AtomicBoolean uncheckpointed = new AtomicBoolean();
    private volatile long lastCheckpointNanos = System.nanoTime();

    /** The writer's connection: only {@link #afterGroup}, on the writer thread, uses it. */
    private final Connection writeConnection;
    private final SideFiles sideFiles;
    private final ReadConnections readers;
    private final ExecutorService readPool;
    private final SqliteOptions options;
    /** Whether the database is closing: no checkpoint is started then. */
    private final BooleanSupplier closed;

    WalUpkeep(Connection writeConnection, SideFiles sideFiles, ReadConnections readers, ExecutorService readPool,
              SqliteOptions options, BooleanSupplier closed) {
        this.writeConnection = writeConnection;
        this.sideFiles = sideFiles;
        this.readers = readers;
        this.readPool = readPool;
        this.options = options;
        this.closed = closed;
    }

    /**
     * Called by the writer thread after each group it committed: starts the WAL over if it is due, and
     * asks for a background checkpoint when {@code queueEmpty} or {@link #CHECKPOINT_EVERY} has passed.
     */
    void afterGroup(boolean queueEmpty) {
        uncheckpointed.set(true);
        catchUpIfDue();
        if (queueEmpty || System.nanoTime() - lastCheckpointNanos > CHECKPOINT_EVERY.toNanos()) {
            checkpointSoon();
        }
    }

    /**
     * Asks for a passive checkpoint on the read pool unless one is under way: it copies committed
     * WAL frames into the database file without blocking writers or readers, so the WAL starts over
     * from its beginning instead of growing.
     */
    private void checkpointSoon() {
        if (closed.getAsBoolean() || !uncheckpointed.get() || !checkpointing.compareAndSet(false, true)) {
            return;
        }
        lastCheckpointNanos = System.nanoTime();
        try {
            readPool.execute(this::checkpoint);
        } catch (RejectedExecutionException e) {
            checkpointing.set(false);
        }
    }

    private void checkpoint() {
        try {
            uncheckpointed.set(false);
            if (!closed.getAsBoolean()) {
                long[] outcome = readers.run(WalUpkeep::passiveCheckpoint, false);
                boolean complete = outcome[2] >= outcome[1];
                // Complete or not: the frames it found are copied, but the writer has appended more meanwhile,
                // and SQLite starts the WAL over only when a write finds every frame copied.
                catchUpWanted = outcome[1] >= CATCH_UP_FRAMES;
                if (!complete) {
                    // A reader (here or in another process) still needed older pages: try again later.
                    uncheckpointed.set(true);
                }
            }
        } catch (Exception e) {
            // A failed checkpoint loses nothing: the next one copies the same frames, and close checkpoints.
        } finally {
            checkpointing.set(false);
        }
        // Commits that came while this ran (the writer found a checkpoint under way and did not ask):
        // one more, a little later, so that the last writes before a pause are copied too.
        if (uncheckpointed.get() && !closed.getAsBoolean()) {
            CompletableFuture.delayedExecutor(CHECKPOINT_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(this::checkpointSoon);
        }
    }

    /** {@code PRAGMA wal_checkpoint(PASSIVE)}: busy (1 when another checkpoint ran), frames in the WAL, frames copied. */
    private static long[] passiveCheckpoint(Connection c) throws SQLException {
        // Refused inside a transaction.
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[] {0, 0, 0};
        }
    }

    /** WAL frames past which the writer waits for a background checkpoint to end, to start the WAL over. */
    static final long CATCH_UP_LIMIT = CATCH_UP_FRAMES * 3 / 2;
    /** How long it waits at most (a checkpoint of CATCH_UP_FRAMES takes tens of ms here). */
    static final java.time.Duration CATCH_UP_WAIT_FOR_CHECKPOINT = java.time.Duration.ofSeconds(1);

    /** How long the writer's catch-up checkpoint waits for reads still using the WAL. */
    static final int CATCH_UP_WAIT_MILLIS = 20;

    /**
     * Copies what the background checkpoint could not reach and starts the WAL over, with the writer
     * lock held so that no process appends meanwhile ({@code RESTART}: it waits up to
     * {@link #CATCH_UP_WAIT_MILLIS} for reads that still use the WAL). SQLite starts a WAL over only
     * when a writer finds every frame copied and no reader in it; while writers keep appending, a
     * checkpoint running beside them never gets there, and the WAL grew without bound (2.2 GB in 60 s of
     * creates on one worker). A checkpoint that copied every frame it found does not get there either:
     * the writer appended more meanwhile. So the catch-up is asked for on the WAL's length alone (asked
     * only after a checkpoint a reader held back, it came once the WAL had reached 300 MB, and cutting
     * that back held the writer for 100 ms). Most frames were copied already, by the background checkpoint.
     */
    private void catchUp() {
        catchUpWanted = false;
        try (SideFiles.WriterTurn ignored = sideFiles.lockWriter()) {
            readers.endIdleSnapshots(); // this process's; another's end within SNAPSHOT_IDLE
            SqliteDatabase.execute(writeConnection, "PRAGMA busy_timeout = " + CATCH_UP_WAIT_MILLIS);
            try (Statement s = writeConnection.createStatement(); java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(RESTART)")) {
                rs.next(); // busy or not, the next background checkpoint decides again
            } finally {
                SqliteDatabase.execute(writeConnection, "PRAGMA busy_timeout = " + options.busyTimeout().toMillis());
            }
        } catch (IOException | SQLException e) {
            // Nothing is lost: the next background checkpoint asks again.
        }
    }

    /**
     * After a group: starts the WAL over once it has passed {@link #CATCH_UP_FRAMES}, as the WAL index
     * tells (or as the last background checkpoint found, before the index is mapped). Never beside this
     * worker's background checkpoint, whose lock would make it wait and fail: it is left for the next
     * group, unless the WAL has reached {@link #CATCH_UP_LIMIT}, when the writer waits for that
     * checkpoint to end. Writes faster than a checkpoint copies (8 kB rows from four threads) took
     * the WAL to 43,000 frames while a single checkpoint ran.
     */
    private void catchUpIfDue() {
        long frames = readers.walFrames();
        if (!catchUpWanted && frames < CATCH_UP_FRAMES) {
            return;
        }
        boolean turn = checkpointing.compareAndSet(false, true);
        if (!turn && frames >= CATCH_UP_LIMIT) {
            long deadline = System.nanoTime() + CATCH_UP_WAIT_FOR_CHECKPOINT.toNanos();
            while (!(turn = checkpointing.compareAndSet(false, true)) && System.nanoTime() < deadline && !closed.getAsBoolean()) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }
        if (turn) {
            try {
                catchUp();
            } finally {
                checkpointing.set(false);
            }
        }
    }
}
