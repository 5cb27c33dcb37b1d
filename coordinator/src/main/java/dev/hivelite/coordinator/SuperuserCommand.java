package dev.hivelite.coordinator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.hivelite.node.auth.SuperuserInput;
import dev.hivelite.node.auth.SuperuserStore;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.SqliteOptions;
import dev.hivelite.node.storage.SystemDb;

/**
 * {@code superuser upsert|create|update|delete EMAIL [PASSWORD] [--dir DIR]}, PocketBase's words. Works
 * whether or not the cluster runs: it writes system.db through SQLite's own locking (WAL, BEGIN
 * IMMEDIATE), like any other writer. A password change made here revokes the superuser's sessions;
 * workers that cached one notice within {@code 30 s} (changes made over HTTP apply at once).
 */
final class SuperuserCommand {

    static final String USAGE = """
            Usage: java -jar coordinator.jar superuser upsert EMAIL PASSWORD [--dir DIR]
                   java -jar coordinator.jar superuser create EMAIL PASSWORD [--dir DIR]
                   java -jar coordinator.jar superuser update EMAIL PASSWORD [--dir DIR]
                   java -jar coordinator.jar superuser delete EMAIL [--dir DIR]
            The data directory defaults to $HIVELITE_DATA_DIR, else ./hivelite_data.
            """;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    SuperuserCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        List<String> positional = new ArrayList<>();
        Path dir = Path.of(env.getOrDefault("HIVELITE_DATA_DIR", ServeConfig.DEFAULT_DATA_DIR.toString()));
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--dir") && i + 1 < args.size()) {
                dir = Path.of(args.get(++i));
            } else if (arg.startsWith("--dir=")) {
                dir = Path.of(arg.substring("--dir=".length()));
            } else if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE);
                return 0;
            } else if (arg.startsWith("--")) {
                return usage("unknown flag " + arg);
            } else {
                positional.add(arg);
            }
        }
        if (positional.isEmpty()) {
            return usage("missing action");
        }
        String action = positional.getFirst();
        boolean needsPassword = !action.equals("delete");
        if (positional.size() != (needsPassword ? 3 : 2)) {
            return usage(action + ": expected EMAIL" + (needsPassword ? " PASSWORD" : ""));
        }
        String email = positional.get(1).trim();
        String password = needsPassword ? positional.get(2) : null;
        var errors = new SuperuserInput(email, password).errors(needsPassword);
        if (!errors.isEmpty()) {
            errors.forEach((field, e) -> err.println("hivelite: " + field + ": " + e.message()));
            return 2;
        }
        ExecutorService readPool = Executors.newFixedThreadPool(1, Thread.ofPlatform().daemon(true).factory());
        try (SqliteDatabase systemDb = SystemDb.open(dir.toAbsolutePath(), SqliteOptions.defaults(), readPool)) {
            return apply(new SuperuserStore(systemDb, Clock.systemUTC()), action, email, password);
        } catch (RuntimeException e) {
            err.println("hivelite: " + e.getMessage());
            return 1;
        } finally {
            readPool.shutdownNow();
        }
    }

    private int apply(SuperuserStore store, String action, String email, String password) {
        switch (action) {
            case "upsert" -> {
                store.upsert(email, password);
                out.println("Successfully saved superuser \"" + email + "\"!");
            }
            case "create" -> {
                if (store.create(email, password).isEmpty()) {
                    err.println("hivelite: superuser \"" + email + "\" already exists");
                    return 1;
                }
                out.println("Successfully created new superuser \"" + email + "\"!");
            }
            case "update" -> {
                if (store.credentials(email).isEmpty()) {
                    err.println("hivelite: superuser \"" + email + "\" does not exist");
                    return 1;
                }
                store.upsert(email, password);
                out.println("Successfully changed superuser \"" + email + "\" password!");
            }
            case "delete" -> {
                if (!store.deleteByEmail(email)) {
                    err.println("hivelite: superuser \"" + email + "\" does not exist");
                    return 1;
                }
                out.println("Successfully deleted superuser \"" + email + "\"!");
            }
            default -> {
                return usage("unknown action '" + action + "'");
            }
        }
        return 0;
    }

    private int usage(String problem) {
        err.println("hivelite: superuser: " + problem);
        err.print(USAGE);
        return 2;
    }
}
