package dev.hivelite.node.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void anUnusableHashIsWellFormedAndNoPasswordMatchesIt() {
        String a = PasswordHasher.unusable();
        String b = PasswordHasher.unusable();
        assertNotEquals(a, b);
        for (String hash : List.of(a, b)) {
            assertTrue(hash.matches("\\$2a\\$10\\$[./A-Za-z0-9]{53}"), hash);
            for (String attempt : List.of("", "password", "12345678", a, b)) {
                assertFalse(PasswordHasher.verify(attempt, hash), attempt);
            }
        }
    }

    @Test
    void aHashIsMadeAtTheCostAskedForAndZeroIsTheDefault() {
        String cheap = PasswordHasher.hash("password-1", 4);
        assertTrue(cheap.startsWith("$2a$04$"), cheap);
        assertTrue(PasswordHasher.verify("password-1", cheap));
        assertFalse(PasswordHasher.verify("password-2", cheap));
        assertTrue(PasswordHasher.hash("password-1", 0).startsWith("$2a$10$"));
        assertTrue(PasswordHasher.hash("password-1").startsWith("$2a$10$"));
    }

    /**
     * As many hashes as the virtual-thread scheduler has carriers, each long (cost 13), from virtual
     * threads: another virtual thread still runs while they hash. Were bcrypt run on the calling
     * virtual thread, every carrier would be held until a hash ended, and the other thread would run
     * only after one did.
     */
    @Test
    void hashingFromVirtualThreadsLeavesTheirCarriersToOtherVirtualThreads() throws Exception {
        int carriers = Runtime.getRuntime().availableProcessors();
        CountDownLatch hashing = new CountDownLatch(carriers);
        AtomicLong firstHashDone = new AtomicLong(Long.MAX_VALUE);
        List<Thread> hashers = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            hashers.add(Thread.ofVirtual().start(() -> {
                hashing.countDown();
                PasswordHasher.hash("password-1", 13);
                firstHashDone.accumulateAndGet(System.nanoTime(), Math::min);
            }));
        }
        hashing.await();
        long[] otherRan = new long[1];
        Thread other = Thread.ofVirtual().start(() -> otherRan[0] = System.nanoTime());
        other.join();
        for (Thread t : hashers) {
            t.join();
        }
        assertTrue(otherRan[0] < firstHashDone.get(), "the other virtual thread ran only after a hash ended");
    }
}
