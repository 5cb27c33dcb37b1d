/**
 * Routing and the filter chain of the public port: one place registers every service
 * ({@link dev.hivelite.node.http.PublicRouting#routing}), errors are mapped once to
 * {@code {status, message, data}}, and each cross-cutting concern is a small filter of its own.
 */
package dev.hivelite.node.http;
