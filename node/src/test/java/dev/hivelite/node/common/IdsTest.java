package dev.hivelite.node.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class IdsTest {

    /** Ids from the buffered generator: the alphabet, no repeats, every character in use about equally. */
    @Test
    void idsAreDistinctAndSpreadOverTheAlphabet() throws Exception {
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int[] counts = new int[128];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 25_000; i++) {
                    String id = Ids.newId();
                    assertTrue(id.matches("[a-z0-9]{15}"), id);
                    assertTrue(seen.add(id), "repeated id " + id);
                    synchronized (counts) {
                        id.chars().forEach(c -> counts[c]++);
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(100_000, seen.size());
        // 1.5 million characters over 36: each ~41,667; a stuck or repeated buffer would skew this far.
        for (char c : "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray()) {
            assertTrue(Math.abs(counts[c] - 41_667) < 2_500, c + ": " + counts[c]);
        }
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertTrue(secrets.add(Ids.secret(3000)), "a secret longer than the buffer repeated");
        }
    }
}
