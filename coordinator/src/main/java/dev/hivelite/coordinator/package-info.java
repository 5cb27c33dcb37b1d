/**
 * The coordinator: the process users run. It parses the configuration, starts N worker JVMs from its
 * own jar, keeps N of them alive (probes, back-off, crash-loop detection), replaces them one at a time
 * on a rolling restart, stops them gracefully, and serves the cluster's health and metrics on the
 * management port. It never touches SQLite while workers run.
 */
package dev.hivelite.coordinator;
