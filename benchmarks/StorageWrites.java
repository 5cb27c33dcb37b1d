import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.SqliteOptions;

/**
 * The storage layer's writes without HTTP: threads inserting rows shaped like records.sh's posts
 * (a text primary key, two indexed columns) through {@link SqliteDatabase#write}, as creates do.
 * Run by storage.sh with the coordinator jar on the class path.
 *
 * <p>{@code java StorageWrites.java FILE seed} creates the table with 10,000 rows;
 * {@code java StorageWrites.java FILE THREADS SECONDS INSTANCES} writes from THREADS virtual threads
 * spread over INSTANCES {@link SqliteDatabase}s open on FILE (each with its own writer connection),
 * unmeasured for 5 s, then prints the inserts per second and this process's CPU time per insert.
 */
public class StorageWrites {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        ExecutorService readPool = Executors.newFixedThreadPool(6, Thread.ofPlatform().daemon(true).factory());
        if (args[1].equals("seed")) {
            SqliteDatabase db = SqliteDatabase.open(file, SqliteOptions.defaults(), readPool);
            db.write(c -> {
                try (var s = c.createStatement()) {
                    s.execute("CREATE TABLE posts (id TEXT PRIMARY KEY NOT NULL, title TEXT, views NUMERIC, created TEXT, updated TEXT)");
                    s.execute("CREATE INDEX idx_posts_views ON posts (views)");
                    s.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000) "
                            + "INSERT INTO posts (id, title, views) SELECT substr(lower(hex(randomblob(8))), 1, 15), "
                            + "printf('post %d', x), abs(random() % 1000) FROM c");
                }
                return null;
            });
            db.close();
            return;
        }
        int threads = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        SqliteDatabase[] dbs = new SqliteDatabase[Integer.parseInt(args[3])];
        for (int i = 0; i < dbs.length; i++) {
            dbs[i] = SqliteDatabase.open(file, SqliteOptions.defaults(), readPool);
        }
        AtomicLong inserts = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] writers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            SqliteDatabase db = dbs[i % dbs.length];
            writers[i] = Thread.ofVirtual().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    String id = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                    int views = random.nextInt(1000);
                    db.write(c -> {
                        try (var insert = c.prepareStatement(
                                "INSERT INTO posts (id, title, views, created, updated) VALUES (?, ?, ?, ?, ?)")) {
                            insert.setString(1, id);
                            insert.setString(2, "a post");
                            insert.setInt(3, views);
                            insert.setString(4, "2026-12-03 10:00:00.000Z");
                            insert.setString(5, "2026-12-03 10:00:00.000Z");
                            return insert.executeUpdate();
                        }
                    });
                    inserts.incrementAndGet();
                }
            });
        }
        Thread.sleep(5_000);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long count0 = inserts.get(), cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        long count1 = inserts.get(), cpu1 = os.getProcessCpuTime(), t1 = System.nanoTime();
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        for (SqliteDatabase db : dbs) {
            db.close();
        }
        long n = count1 - count0;
        System.out.printf("inserts_per_second=%.0f cpu_us_per_insert=%.1f%n", n / ((t1 - t0) / 1e9), (cpu1 - cpu0) / 1e3 / n);
    }
}
