package dev.hivelite.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The coordinator writes a worker's command line with toArgs; the worker reads it back with parse. */
class WorkerConfigTest {

    private static final WorkerConfig CONFIG = new WorkerConfig(2, "0.0.0.0", 8093, 41000, Path.of("/srv/hivelite"),
            Duration.ofSeconds(25), "hl-123", 42000, List.of("127.0.0.1:42001", "127.0.0.1:42002"), 3,
            OptionalLong.of(99), true, 64, 1L << 20, false);

    @Test
    void parseReadsBackWhatToArgsWrote() {
        assertEquals(CONFIG, WorkerConfig.parse(CONFIG.toArgs()));
    }

    @Test
    void aWorkerToldNoClusterSizeIsAClusterOfOne() {
        List<String> args = new ArrayList<>(CONFIG.toArgs());
        int at = args.indexOf("--cluster-size");
        args.subList(at, at + 2).clear();
        assertEquals(1, WorkerConfig.parse(args).clusterSize());
    }

    @Test
    void aClusterSizeBelowOneIsRefused() {
        List<String> args = new ArrayList<>(CONFIG.toArgs());
        args.set(args.indexOf("--cluster-size") + 1, "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse(args));
        assertEquals("worker: --cluster-size must be at least 1", e.getMessage());
    }
}
