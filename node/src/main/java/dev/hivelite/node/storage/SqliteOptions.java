package dev.hivelite.node.storage;

import java.time.Duration;

/**
 * How every SQLite connection is opened (ARCHITECTURE.md, "Rules that keep data safe", rule 2).
 *
 * @param synchronousFull {@code synchronous=FULL} instead of {@code NORMAL}: survives power loss
 *                        at the price of an fsync per commit
 * @param busyTimeout     how long SQLite waits on another process's lock before SQLITE_BUSY
 * @param readConnections read connections per database
 */
public record SqliteOptions(boolean synchronousFull, Duration busyTimeout, int readConnections) {

    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_READ_CONNECTIONS = 4;

    public static SqliteOptions defaults() {
        return new SqliteOptions(false, DEFAULT_BUSY_TIMEOUT, DEFAULT_READ_CONNECTIONS);
    }

    public SqliteOptions {
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1, was " + readConnections);
        }
    }
}
