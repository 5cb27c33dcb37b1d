package dev.hivelite.node.storage;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What another worker does to a database, in a process of its own (started by
 * {@link CrossProcessTest}): opens {@code args[0]} as a worker does, inserts {@code args[1]} rows
 * tagged {@code args[2]}, one write each with a read after each, then closes. Exit status 0 when
 * every write returned.
 */
public final class OtherProcess {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        String tag = args[2];
        ExecutorService readPool = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon(true).factory());
        try (SqliteDatabase db = SqliteDatabase.open(file, SqliteOptions.defaults(), readPool)) {
            for (int i = 0; i < rows; i++) {
                int n = i;
                db.write(c -> {
                    try (var ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                        ps.setString(1, tag + "-" + n);
                        return ps.executeUpdate();
                    }
                });
                db.read(c -> {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                        return rs.next() ? rs.getLong(1) : 0;
                    }
                });
            }
        }
        readPool.shutdownNow();
        System.exit(0);
    }
}
