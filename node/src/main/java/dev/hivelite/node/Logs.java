package dev.hivelite.node;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One-line JUL logging to stderr for every library (Helidon, Hazelcast, sqlite-jdbc and Micrometer
 * all log through JUL). The coordinator prefixes each worker's lines with its id.
 */
public final class Logs {

    /**
     * Strong references to the loggers whose level we set: JUL holds loggers weakly, and a collected
     * logger forgets its level (Hazelcast's INFO chatter came back after the first GC).
     */
    private static final java.util.List<Logger> CONFIGURED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Logs() {
    }

    /**
     * Must run first in {@code main}, before any class touches JUL: installs {@link Manager} so the
     * lines a graceful stop writes from shutdown hooks are not lost.
     */
    public static void install() {
        System.setProperty("java.util.logging.manager", Manager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
    }

    public static void configure() {
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof Manager ours) {
            ours.resetNow();
        } else {
            manager.reset();
        }
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        level("com.hazelcast", Level.WARNING);
        level("io.helidon", Level.WARNING);
    }

    private static void level(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        CONFIGURED.add(logger);
    }

    /**
     * JUL's own shutdown hook resets every handler, racing ours: a worker's "draining"/"stopped"
     * lines would vanish. This manager ignores that reset; handlers go with the process.
     */
    public static final class Manager extends LogManager {
        @Override
        public void reset() {
            // Ignored: called by JUL's shutdown hook. configure() resets through resetNow().
        }

        void resetNow() {
            super.reset();
        }
    }
}
