package dev.hivelite.node.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The descriptors this process opens itself beside SQLite's for one database file: the writer lock
 * ({@code <file>-writer}) and the WAL index ({@code <file>-shm}), one of each per file and process,
 * shared by every {@link SqliteDatabase} open on it here.
 *
 * <p>Why shared and why kept: POSIX record locks belong to a process, and closing any descriptor of
 * a file drops every lock the process holds on it. SQLite keeps locks on {@code -shm} for as long as
 * it has a connection (among them the one that tells other processes this one uses the index), and
 * one instance's lock on {@code -writer} must survive another instance on the same file closing.
 * So a descriptor is closed only once no instance in this process is open on the file, when no
 * connection of this process holds a lock on it any more.
 */
final class SideFiles {

    /** Guarded by itself. */
    private static final Map<Path, SideFiles> OPEN = new HashMap<>();

    private final Path database;
    /** Instances open on the file in this process; guarded by {@link #OPEN}. */
    private int users;
    /** In this JVM, instances take turns on the writer lock through this first (see {@link #lockWriter}). */
    private final ReentrantLock writers = new ReentrantLock();
    private final FileChannel writerLock;
    /** Opened once {@code -shm} exists; guarded by {@code this}. */
    private FileChannel shm;
    private WalIndex walIndex;

    private SideFiles(Path database, FileChannel writerLock) {
        this.database = database;
        this.writerLock = writerLock;
    }

    /** The side files of {@code database}, opened if no instance here has them; {@link #release} once per call. */
    static SideFiles acquire(Path database) throws IOException {
        Path key = database.toAbsolutePath().normalize();
        synchronized (OPEN) {
            SideFiles files = OPEN.get(key);
            if (files == null) {
                FileChannel lock = FileChannel.open(key.resolveSibling(key.getFileName() + "-writer"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                files = new SideFiles(key, lock);
                OPEN.put(key, files);
            }
            files.users++;
            return files;
        }
    }

    /**
     * Ends one {@link #acquire}. The last closes the descriptors: its caller has closed every
     * connection to the file first, and so has every other instance here.
     */
    void release() {
        synchronized (OPEN) {
            if (--users > 0) {
                return;
            }
            OPEN.remove(database);
            // Still under the registry's lock: an instance opening the file meanwhile must not get its
            // descriptors before these are closed, or their closing would drop its connections' locks.
            closeQuietly(writerLock);
            synchronized (this) {
                closeQuietly(shm);
            }
        }
    }

    /**
     * Takes the writer lock: first in this JVM (the OS lock is the process's, and the JVM refuses
     * overlapping locks), then across processes, where the kernel wakes the next waiter at once.
     * Closing the returned turn releases both.
     */
    WriterTurn lockWriter() throws IOException {
        writers.lock();
        FileLock os;
        try {
            os = writerLock.lock();
        } catch (IOException | RuntimeException e) {
            writers.unlock();
            throw e;
        }
        return () -> {
            try {
                os.release();
            } catch (IOException e) {
                // Only when the channel is closed, which releases the lock too.
            } finally {
                writers.unlock();
            }
        };
    }

    /** The writer lock held, in this JVM and across processes. */
    interface WriterTurn extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The WAL index, mapped on first success; null while {@code -shm} does not exist or is too short,
     * which is so until a connection has read. Callers hold a connection to the file.
     */
    synchronized WalIndex walIndex() {
        if (walIndex == null) {
            try {
                if (shm == null) {
                    shm = FileChannel.open(database.resolveSibling(database.getFileName() + "-shm"), StandardOpenOption.READ);
                }
                walIndex = WalIndex.map(shm);
            } catch (IOException | UnsupportedOperationException e) {
                return null; // no index: every read runs in a transaction of its own
            }
        }
        return walIndex;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the descriptor is gone either way.
        }
    }
}
