package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerSlotTest {

    @Test
    void backoffDoublesFromOneSecondAndStopsAtThirty() {
        List<Long> waits = IntStream.rangeClosed(1, 8)
                .mapToObj(n -> WorkerSlot.backoff(n, Supervisor.INITIAL_BACKOFF, Supervisor.MAX_BACKOFF).toSeconds())
                .toList();
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), waits);
    }

    @Test
    void backoffNeverOverflowsAfterManyFailures() {
        assertEquals(Duration.ofSeconds(30), WorkerSlot.backoff(10_000, Supervisor.INITIAL_BACKOFF, Supervisor.MAX_BACKOFF));
    }

    @Test
    void eachWorkerGetsItsShareOfTheCores() {
        assertEquals(java.util.Optional.empty(), WorkerLauncher.coreShare(1, 8, List.of()), "one worker: the whole host");
        assertEquals(java.util.Optional.of("-XX:ActiveProcessorCount=1"), WorkerLauncher.coreShare(2, 2, List.of()));
        assertEquals(java.util.Optional.of("-XX:ActiveProcessorCount=4"), WorkerLauncher.coreShare(2, 8, List.of()));
        assertEquals(java.util.Optional.of("-XX:ActiveProcessorCount=1"), WorkerLauncher.coreShare(4, 2, List.of()),
                "never below one");
        assertEquals(java.util.Optional.empty(), WorkerLauncher.coreShare(2, 2, List.of("-XX:ActiveProcessorCount=2")),
                "the user's own setting wins");
    }

    @Test
    void eachSlotKeepsAStartupArchiveInTheDataDirUnlessTheUserNamesOne(@TempDir Path tmp) {
        Path data = tmp.resolve("data");
        assertEquals(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + data.resolve(".cache/worker-2.jsa"),
                "-XX:+VerifySharedSpaces", "-Xlog:cds*=error"), WorkerLauncher.startupArchive(data, 2, List.of("-Xlog:gc")));
        assertTrue(Files.isDirectory(data.resolve(".cache")), "the JVM writes the file, not its folder");
        for (String own : List.of("-Xshare:off", "-XX:SharedArchiveFile=/tmp/x.jsa", "-XX:AOTCache=app.aot",
                "-XX:ArchiveClassesAtExit=x.jsa")) {
            assertEquals(List.of(), WorkerLauncher.startupArchive(data, 1, List.of(own)), own);
        }
    }

    @Test
    void aDataDirWhereNoFolderCanBeMadeGetsNoArchive(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        assertEquals(List.of(), WorkerLauncher.startupArchive(file, 1, List.of()));
    }

    @Test
    void workersRunG1UnlessTheUserNamesACollector() {
        assertEquals(java.util.Optional.of("-XX:+UseG1GC"), WorkerLauncher.collector(List.of()));
        assertEquals(java.util.Optional.of("-XX:+UseG1GC"), WorkerLauncher.collector(List.of("-Xlog:gc", "-XX:MaxGCPauseMillis=50")),
                "a GC setting that names no collector keeps G1");
        assertEquals(java.util.Optional.empty(), WorkerLauncher.collector(List.of("-XX:+UseZGC")));
        assertEquals(java.util.Optional.empty(), WorkerLauncher.collector(List.of("-XX:+UseParallelGC")));
        assertEquals(java.util.Optional.empty(), WorkerLauncher.collector(List.of("-XX:-UseG1GC", "-XX:+UseSerialGC")));
    }

    @Test
    void threeFailuresInARowAreACrashLoopUntilTheWorkerIsStable() {
        WorkerSlot slot = new WorkerSlot(1);
        slot.recordExit(1, "exited");
        slot.recordExit(1, "exited");
        assertFalse(slot.crashLooping());
        slot.recordExit(3, "exited before it was ready");
        assertTrue(slot.crashLooping());
        assertEquals(3, slot.lastExitCode());
        slot.markStable();
        assertFalse(slot.crashLooping());
        assertEquals(1, WorkerSlot.backoff(slot.consecutiveFailures() + 1, Supervisor.INITIAL_BACKOFF,
                Supervisor.MAX_BACKOFF).toSeconds(), "after a stable minute the back-off starts over");
    }
}
