package dev.hivelite.node.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.sqlite.ProgressHandler;

/**
 * A deadline for the statements a thread runs: every connection has a progress handler (SQLite calls
 * it every {@link #INSTRUCTIONS} VM instructions) that interrupts the running statement once the
 * deadline of the thread running it has passed. Reads get {@link #READS} unless the work sets its own
 * (the SQL endpoint's {@code timeout}); a thread without a deadline runs unbounded (the writer).
 * JDBC's {@code setQueryTimeout} does not stop a running statement in sqlite-jdbc.
 */
public final class QueryDeadline {

    /** How long one read of the API may run: a list over a view that never ends must not hold a reader. */
    public static final Duration READS = Duration.ofSeconds(10);
    static final int INSTRUCTIONS = 10_000;

    /** {@code [set (0/1), deadline in System.nanoTime() terms]} of the current thread. */
    private static final ThreadLocal<long[]> CURRENT = ThreadLocal.withInitial(() -> new long[2]);

    private QueryDeadline() {
    }

    static void install(Connection connection) throws SQLException {
        ProgressHandler.setHandler(connection, INSTRUCTIONS, new ProgressHandler() {
            @Override
            protected int progress() {
                return passed() ? 1 : 0;
            }
        });
    }

    /** The statements this thread runs from now on stop after {@code limit}; returns what to {@link #restore}. */
    public static long[] start(Duration limit) {
        long[] current = CURRENT.get();
        long[] previous = current.clone();
        current[0] = 1;
        current[1] = System.nanoTime() + limit.toNanos();
        return previous;
    }

    public static void restore(long[] previous) {
        long[] current = CURRENT.get();
        current[0] = previous[0];
        current[1] = previous[1];
    }

    /** Whether this thread's deadline has passed (a statement interrupted now was stopped by it). */
    public static boolean passed() {
        long[] current = CURRENT.get();
        return current[0] == 1 && System.nanoTime() - current[1] > 0;
    }
}
