package dev.hivelite.node.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work against one connection; runs on a storage thread, never on the caller's. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
