package dev.hivelite.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code net.ipv4.tcp_migrate_req}: with it on (Linux ≥ 5.14), connections queued on a listener that
 * closes move to another worker's listener; with it off, every worker stop or crash resets them.
 */
final class Sysctl {

    /** What the coordinator found, or made it. */
    enum MigrateReq {
        ON, OFF, UNSUPPORTED;

        String label() {
            return name().toLowerCase();
        }
    }

    private final Path file;

    Sysctl(Path file) {
        this.file = file;
    }

    static Sysctl system() {
        return new Sysctl(Path.of("/proc/sys/net/ipv4/tcp_migrate_req"));
    }

    MigrateReq read() {
        try {
            return "1".equals(Files.readString(file).trim()) ? MigrateReq.ON : MigrateReq.OFF;
        } catch (IOException e) {
            return MigrateReq.UNSUPPORTED;
        }
    }

    /** Turns it on; false when not permitted (not root, read-only /proc in a container). */
    boolean enable() {
        try {
            Files.writeString(file, "1");
            return read() == MigrateReq.ON;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
