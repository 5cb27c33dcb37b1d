/**
 * Superusers: passwords (bcrypt), sessions, the tokens that name them, and login throttling.
 *
 * <p>A token is an HS256 JWT (the PocketBase SDKs read its {@code exp}) whose {@code sid} claim names
 * a server-side session row in system.db. Every worker validates a token by its signature and by the
 * session, looked up in a Hazelcast map shared by all workers and filled from system.db on a miss. A
 * logout, password change or revoke deletes the rows and the map entries, so every worker refuses the
 * token from the next request on.
 */
package dev.hivelite.node.auth;
