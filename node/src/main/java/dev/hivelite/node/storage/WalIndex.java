package dev.hivelite.node.storage;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The header of a WAL database's shared-memory index ({@code <file>-shm}), mapped read-only: it
 * tells, in a few loads and without a system call, whether any connection of any process has
 * committed since a given moment.
 *
 * <p>SQLite's documented WAL-index format (walformat.html, stable since 3.7.0) starts with two copies
 * of a 48-byte header holding, among others, a counter incremented by every commit, the last valid
 * frame and the WAL's salts. A committing writer rewrites both copies before its commit returns, so a
 * commit that finished before {@link #read} is in what it returns, and one that finishes after makes
 * {@link #changedSince} true. A checkpoint that restarts the WAL changes it too (a harmless extra
 * change).
 *
 * <p>The mapping is taken while this process holds connections to the file: SQLite only truncates
 * the index when it opens it with no other connection anywhere, so it never shrinks under us. The
 * descriptor it is mapped from stays open as long as SQLite uses the file here (see {@link SideFiles}). Should
 * a read fault anyway (the JVM turns the signal into an {@link InternalError}), the index is given up
 * and every read goes back to its own transaction.
 */
final class WalIndex {

    /** Both copies of the header: 2 × 48 bytes. */
    static final int LONGS = 12;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** Where the first header copy keeps {@code mxFrame}, the last valid frame of the WAL (walformat.html). */
    private static final int MX_FRAME = 16;

    private final MappedByteBuffer header;
    private volatile boolean broken;

    private WalIndex(MappedByteBuffer header) {
        this.header = header;
    }

    /** The index whose {@code -shm} file is {@code shm} (left open), or null when it is too short yet. */
    static WalIndex map(FileChannel shm) throws IOException {
        // The header and the checkpoint information after it: 136 bytes of a 32 KiB first region.
        if (shm.size() < 136) {
            return null;
        }
        return new WalIndex(shm.map(FileChannel.MapMode.READ_ONLY, 0, LONGS * Long.BYTES));
    }

    /** Copies the header into {@code into}; false when the index can no longer be trusted. */
    boolean read(long[] into) {
        if (broken) {
            return false;
        }
        try {
            for (int i = 0; i < LONGS; i++) {
                into[i] = (long) LONG.getAcquire(header, i * Long.BYTES);
            }
            return true;
        } catch (InternalError e) {
            broken = true;
            return false;
        }
    }

    /** Frames in the WAL now, as its index tells; -1 when the index can no longer be trusted. */
    long frames() {
        if (broken) {
            return -1;
        }
        try {
            return Integer.toUnsignedLong((int) INT.getAcquire(header, MX_FRAME));
        } catch (InternalError e) {
            broken = true;
            return -1;
        }
    }

    /** Whether anything committed since {@code seen} was read (true too when that cannot be known). */
    boolean changedSince(long[] seen) {
        long[] now = new long[LONGS];
        return !read(now) || !java.util.Arrays.equals(now, seen);
    }
}
