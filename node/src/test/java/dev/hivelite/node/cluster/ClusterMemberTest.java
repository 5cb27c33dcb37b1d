package dev.hivelite.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.hivelite.node.common.ForgettingCache;

/**
 * A member is whole only while it sees as many members as the cluster has, through real Hazelcast
 * members on loopback: caches stay off while one is missing, and are emptied before they come back on.
 */
class ClusterMemberTest {

    private static final Duration JOIN = Duration.ofSeconds(60);
    private final List<ClusterMember> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ClusterMember::close);
    }

    @Test
    void aMemberAloneInAClusterOfTwoIsJoinedButNotWholeUntilTheOtherComes() throws Exception {
        String name = "whole-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int portA = freePort();
        int portB = freePort();
        ClusterMember a = start(new ClusterConfig(name, "127.0.0.1", portA, List.of("127.0.0.1:" + portB), 2), "a");
        Invalidations invalidations = new Invalidations(a);
        ForgettingCache<String> cache = new ForgettingCache<>(Duration.ofMinutes(5), 100);
        invalidations.flushOnReunion(cache);

        assertTrue(a.awaitJoin(JOIN));
        assertEquals(1, a.memberCount());
        assertFalse(a.complete(), "one member of two");
        assertFalse(invalidations.delivered(), "caches stay off while a worker is missing");

        ClusterMember b = start(new ClusterConfig(name, "127.0.0.1", portB, List.of("127.0.0.1:" + portA), 2), "b");
        assertTrue(b.awaitJoin(JOIN));
        Awaitility.await().atMost(JOIN).until(() -> a.complete() && b.complete());
        assertTrue(invalidations.delivered());

        // Cached while whole; the other worker goes away: this one may no longer trust what it caches.
        cache.fill("schema", "v1", cache.epoch());
        b.close();
        Awaitility.await().atMost(JOIN).until(() -> !a.complete());
        assertFalse(invalidations.delivered());
        assertEquals("v1", cache.get("schema"), "kept, but unused while apart");

        // A member comes (a replacement, or the other side of a split merging): what was kept is dropped
        // before the caches are used again, since it may have changed unannounced meanwhile.
        int portC = freePort();
        ClusterMember c = start(new ClusterConfig(name, "127.0.0.1", portC, List.of("127.0.0.1:" + portA), 2), "c");
        assertTrue(c.awaitJoin(JOIN));
        Awaitility.await().atMost(JOIN).until(() -> a.complete() && c.complete());
        assertNull(cache.get("schema"));
        assertTrue(invalidations.delivered());
    }

    @Test
    void aClusterOfOneIsWholeOnceJoined() throws Exception {
        int port = freePort();
        ClusterMember alone = start(new ClusterConfig("alone-" + port, "127.0.0.1", port, List.of()), "alone");
        assertFalse(alone.complete(), "not before the join");
        assertTrue(alone.awaitJoin(JOIN));
        assertTrue(alone.complete());
        alone.close();
        assertFalse(alone.complete(), "not once stopped");
    }

    @Test
    void aClusterHasAtLeastOneMember() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterConfig("c", "127.0.0.1", 1, List.of(), 0));
    }

    private ClusterMember start(ClusterConfig config, String name) {
        ClusterMember member = new ClusterMember(config, config.clusterName() + "-" + name);
        started.add(member);
        member.start();
        return member;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
