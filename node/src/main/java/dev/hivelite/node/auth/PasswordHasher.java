package dev.hivelite.node.auth;

import java.nio.charset.StandardCharsets;

import at.favre.lib.crypto.bcrypt.BCrypt;

/** bcrypt, through a well-kept library; verification is constant-time in the hash. */
public final class PasswordHasher {

    /** Cost 10: ~50–80 ms per hash on this machine class; login throttling bounds the rest. */
    static final int COST = 10;
    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
    public static final int MAX_BYTES = 72;
    /** A well-formed hash of nothing anyone knows: verified against when the user does not exist. */
    private static final String DUMMY = hashOf("hivelite-timing-equaliser");

    private PasswordHasher() {
    }

    public static String hash(String password) {
        return hashOf(password);
    }

    private static String hashOf(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    public static boolean verify(String password, String hash) {
        return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** Spends the time of a verification, so an unknown email answers as slowly as a wrong password. */
    public static void verifyDummy(String password) {
        verify(password, DUMMY);
    }
}
