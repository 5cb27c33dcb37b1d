package dev.hivelite.node.cluster;

import java.util.List;

/**
 * Where this worker's Hazelcast member listens and whom it asks to join.
 *
 * @param clusterName unique per coordinator run, so two clusters on one host never merge
 * @param port        this member's loopback port
 * @param members     {@code host:port} of the other members believed alive (absent ones cost ~1 s of
 *                    join time each, so the coordinator lists only ports in use)
 * @param size        how many members the whole cluster has (the coordinator's workers): a member
 *                    that sees fewer is cut off from some, or one is restarting
 */
public record ClusterConfig(String clusterName, String host, int port, List<String> members, int size) {
    public ClusterConfig {
        members = List.copyOf(members);
        if (size < 1) {
            throw new IllegalArgumentException("a cluster has at least one member, got " + size);
        }
    }

    /** A cluster of one: this member alone is all of it. */
    public ClusterConfig(String clusterName, String host, int port, List<String> members) {
        this(clusterName, host, port, members, 1);
    }
}
