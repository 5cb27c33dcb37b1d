package dev.hivelite.node.cluster;

import java.util.List;

/**
 * Where this worker's Hazelcast member listens and whom it asks to join.
 *
 * @param clusterName unique per coordinator run, so two clusters on one host never merge
 * @param port        this member's loopback port
 * @param members     {@code host:port} of the other members believed alive (absent ones cost ~1 s of
 *                    join time each, so the coordinator lists only ports in use)
 */
public record ClusterConfig(String clusterName, String host, int port, List<String> members) {
    public ClusterConfig {
        members = List.copyOf(members);
    }
}
