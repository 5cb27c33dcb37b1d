package dev.hivelite.node.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import org.sqlite.SQLiteConfig;

import dev.hivelite.node.common.ApiException;

/**
 * One SQLite file with its writer and its read connections.
 *
 * <p>Writes are serialised in-process on a single platform thread that owns the only write
 * connection; each runs in its own {@code BEGIN IMMEDIATE} transaction, so a writer from another
 * process makes ours wait for the lock at the start instead of failing half-way. Reads borrow one
 * of {@link SqliteOptions#readConnections()} {@code query_only} connections and run on the shared
 * read pool given to the constructor.
 *
 * <p>Lifecycle: {@link #open} → {@link #read}/{@link #write} from any thread → {@link #close}.
 */
public final class SqliteDatabase implements AutoCloseable {

    private final Path file;
    /** Owned by the writer thread after open; never touched by any other thread. */
    private final Connection writeConnection;
    /** Single platform thread: the in-process queue that serialises writers. */
    private final ExecutorService writer;
    /** Idle read connections; a read task takes one and gives it back. */
    private final BlockingQueue<Connection> readConnections;
    /** Read connections that may exist at once; a reader opens lazily when none is idle. */
    private final java.util.concurrent.Semaphore readPermits;
    /** Every read connection opened, for close. Guarded by itself. */
    private final List<Connection> allReaders = new ArrayList<>();
    private final SqliteOptions options;
    /** Shared across databases, bounded, platform threads; not owned (not shut down by close). */
    private final ExecutorService readPool;
    private volatile boolean closed;

    private SqliteDatabase(Path file, Connection writeConnection, SqliteOptions options, ExecutorService readPool) {
        this.file = file;
        this.writeConnection = writeConnection;
        this.options = options;
        this.readConnections = new ArrayBlockingQueue<>(options.readConnections());
        this.readPermits = new java.util.concurrent.Semaphore(options.readConnections());
        this.readPool = readPool;
        this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("sqlite-writer-" + file.getParent().getFileName() + "/" + file.getFileName())
                .daemon(true).factory());
    }

    /**
     * Opens (creating if needed) the file with the pragmas every connection gets: WAL, foreign keys,
     * busy timeout, synchronous NORMAL or FULL.
     */
    public static SqliteDatabase open(Path file, SqliteOptions options, ExecutorService readPool) {
        try {
            // Read connections open on first use: a cold database costs one connection, not five.
            return new SqliteDatabase(file, connect(file, options, false), options, readPool);
        } catch (SQLException e) {
            throw new StorageException("cannot open " + file, e);
        }
    }

    private static Connection connect(Path file, SqliteOptions options, boolean reader) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Order matters: busy_timeout first so that switching to WAL waits for a concurrent opener.
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setSynchronous(options.synchronousFull()
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        if (reader) {
            execute(connection, "PRAGMA query_only = ON");
        }
        return connection;
    }

    /** Runs {@code work} on a read connection (no writes possible: {@code query_only}). */
    public <T> T read(SqlWork<T> work) {
        return await(submit(readPool, () -> {
            readPermits.acquire();
            Connection connection = null;
            try {
                connection = readConnections.poll();
                if (connection == null) {
                    connection = connect(file, options, true);
                    synchronized (allReaders) {
                        allReaders.add(connection);
                    }
                }
                return work.run(connection);
            } finally {
                if (connection != null) {
                    readConnections.add(connection);
                }
                readPermits.release();
            }
        }));
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
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction on the writer thread: committed
     * when it returns, rolled back when it throws, so nothing is half-written.
     */
    public <T> T write(SqlWork<T> work) {
        return await(submit(writer, () -> {
            // Explicit statements rather than setAutoCommit(false): sqlite-jdbc would open the next
            // transaction right after each commit, and an IMMEDIATE one holds the write lock while idle.
            Statements.prepare(writeConnection, "BEGIN IMMEDIATE").execute();
            try {
                T result = work.run(writeConnection);
                Statements.prepare(writeConnection, "COMMIT").execute();
                return result;
            } catch (Throwable t) {
                rollbackQuietly();
                throw t;
            }
        }));
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

    private static void execute(Connection connection, String sql) throws SQLException {
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
        writer.shutdown();
        try {
            writer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writeConnection);
        readConnections.clear();
        synchronized (allReaders) {
            allReaders.forEach(SqliteDatabase::closeQuietly);
            allReaders.clear();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is best effort; SQLite recovers from the WAL on the next open.
        }
    }
}
