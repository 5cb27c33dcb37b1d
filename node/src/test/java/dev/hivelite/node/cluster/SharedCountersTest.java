package dev.hivelite.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Counters through a real Hazelcast member: each increment counts, within the window. */
class SharedCountersTest {

    @Test
    void everyIncrementWithinTheWindowCountsOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClusterMember member = new ClusterMember(new ClusterConfig("counters-" + port, "127.0.0.1", port, List.of()),
                "counters-" + port);
        member.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> member.state() == ClusterMember.State.JOINED);
            SharedCounters counters = new SharedCounters(member, "hivelite.throttle.test");
            for (int i = 1; i <= 12; i++) {
                assertEquals(i, counters.increment("k", Duration.ofMinutes(3)), "increment " + i);
                assertEquals(i, counters.get("k"));
            }
            assertEquals(1, counters.increment("other", Duration.ofMinutes(5)));
        } finally {
            member.close();
        }
    }
}
