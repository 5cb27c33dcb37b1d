package dev.hivelite.node.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class CpuWorkTest {

    /** Runs {@code body} on a virtual thread and rethrows what it threw. */
    private static void onVirtualThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        }).join();
        if (failed.get() instanceof Exception e) {
            throw e;
        }
        if (failed.get() instanceof Error e) {
            throw e;
        }
    }

    @Test
    void aVirtualThreadsWorkRunsOnAPlatformThreadAndAPlatformThreadsInPlace() throws Exception {
        onVirtualThread(() -> {
            Thread ran = CpuWork.run(Thread::currentThread);
            assertFalse(ran.isVirtual());
            assertTrue(ran.getName().startsWith("cpu-work-"), ran.getName());
        });
        assertSame(Thread.currentThread(), CpuWork.run(Thread::currentThread));
    }

    @Test
    void whatTheWorkThrowsReachesTheCaller() throws Exception {
        onVirtualThread(() -> {
            ApiException refused = new ApiException.BadRequest("refused");
            assertSame(refused, assertThrows(ApiException.class, () -> CpuWork.run(() -> {
                throw refused;
            })));
            IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> CpuWork.run(() -> {
                throw new IOException("disk");
            }));
            assertInstanceOf(IOException.class, wrapped.getCause());
            assertEquals(42, CpuWork.run(() -> 42));
        });
    }
}
