package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PocketBase compatibility suite in {@code conformance/}: the official {@code pocketbase} npm
 * SDK against the real coordinator with two workers (see conformance/run.sh). Needs Node 20 and
 * the npm registry (for {@code npm ci}) on the machine, as CI has them.
 */
class SdkConformanceIT {

    /** Every test file of the suite (node runs them in name order: worker-failover, which kills workers, last). */
    static final String SUITES = "superusers*,health*,cluster*,collections*,records*,rules*,auth*,batch*,databases*,files*,realtime*,worker-failover*";
    static final long TIMEOUT_MINUTES = 10;

    @TempDir
    Path tmp;

    @Test
    void officialSdkSuitePasses() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path log = tmp.resolve("conformance.log");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", root.resolve("conformance/run.sh").toString()))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("CONFORMANCE_ONLY", SUITES);
        Process process = pb.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        String summary = output.lines().filter(l -> l.startsWith("# ") || l.contains("not ok")).reduce("",
                (a, b) -> a + b + "\n");
        assertEquals(0, process.exitValue(), "conformance suite failed:\n" + summary + "\n--- full log: " + log
                + "\n" + output.substring(Math.max(0, output.length() - 20_000)));
    }
}
