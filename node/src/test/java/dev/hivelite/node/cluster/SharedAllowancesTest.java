package dev.hivelite.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Allowances as PocketBase's rate limiter keeps them: {@code max} takes, refilled once the duration
 * has passed since the last allowed take; shared by the members of a cluster, per member before it.
 */
class SharedAllowancesTest {

    /** One take at a second, and whether it must be allowed. */
    private record Step(long second, boolean allowed) {
    }

    /** Max 3 per 10 s, starting at second 100. */
    private static final List<Step> THREE_PER_TEN_SECONDS = List.of(
            new Step(100, true), new Step(100, true), new Step(100, true),
            new Step(100, false), // used up
            new Step(109, false), // 9 s after the last allowed take: still used up
            new Step(110, true), // 10 s after it: full again (2 left)
            new Step(115, true), new Step(119, true), // each allowed take moves the window on
            new Step(121, false), // 2 s after the last allowed one
            new Step(129, true)); // 10 s after it

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void run(List<Step> steps, SharedAllowances... takers) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            SharedAllowances taker = takers[i % takers.length];
            assertEquals(step.allowed(), taker.take("client|rule", 3, 10, step.second()),
                    "take " + i + " at second " + step.second());
        }
    }

    @Test
    void takesRefillOnlyOnceTheDurationHasPassedSinceTheLastAllowedOne() throws Exception {
        int port = freePort();
        ClusterMember member = new ClusterMember(new ClusterConfig("allowances-" + port, "127.0.0.1", port, List.of()),
                "allowances-" + port);
        member.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> member.state() == ClusterMember.State.JOINED);
            SharedAllowances allowances = new SharedAllowances(member, "hivelite.test-allowances");
            run(THREE_PER_TEN_SECONDS, allowances);
            assertEquals(true, allowances.take("another client|rule", 3, 10, 121), "another key has its own allowance");
        } finally {
            member.close();
        }
    }

    @Test
    void twoMembersShareOneAllowanceNotOneEach() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String cluster = "allowances-" + portA;
        ClusterMember a = new ClusterMember(new ClusterConfig(cluster, "127.0.0.1", portA, List.of()), cluster + "-a");
        ClusterMember b = new ClusterMember(new ClusterConfig(cluster, "127.0.0.1", portB,
                List.of("127.0.0.1:" + portA)), cluster + "-b");
        a.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> a.state() == ClusterMember.State.JOINED);
            b.start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> a.memberCount() == 2 && b.memberCount() == 2);
                // Until the partitions have migrated to the new member, a take may wait past its bound and
                // fall back to the member's own allowance, as it should in production; here it must not.
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        a.instance().orElseThrow().getPartitionService().isClusterSafe()
                                && b.instance().orElseThrow().getPartitionService().isClusterSafe());
                SharedAllowances onA = new SharedAllowances(a, "hivelite.test-allowances");
                SharedAllowances onB = new SharedAllowances(b, "hivelite.test-allowances");
                // A first take on each member pays for its first invocation (class loading, connections) on
                // keys of their own, so that no take of the run waits past its bound on a loaded machine.
                onA.take("warm-up a", 1, 1, 0);
                onB.take("warm-up b", 1, 1, 0);
                run(THREE_PER_TEN_SECONDS, onA, onB);
            } finally {
                b.close();
            }
        } finally {
            a.close();
        }
    }

    @Test
    void beforeTheJoinEachMemberKeepsTheSameAllowancesItself() throws Exception {
        int port = freePort();
        ClusterMember notStarted = new ClusterMember(new ClusterConfig("allowances-" + port, "127.0.0.1", port, List.of()),
                "allowances-" + port);
        run(THREE_PER_TEN_SECONDS, new SharedAllowances(notStarted, "hivelite.test-allowances"));
    }
}
