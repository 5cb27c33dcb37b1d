/**
 * The embedded Hazelcast member every worker runs: session caches, cache invalidation and realtime
 * broadcast between workers. Never the only copy of anything (ARCHITECTURE.md rule 1).
 */
package dev.hivelite.node.cluster;
