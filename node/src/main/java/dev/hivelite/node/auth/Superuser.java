package dev.hivelite.node.auth;

/** A superuser row (never with its hash outside the store). */
public record Superuser(String id, String email, String created, String updated) {
}
