package dev.hivelite.node.auth;

import java.nio.charset.StandardCharsets;

import at.favre.lib.crypto.bcrypt.BCrypt;

import dev.hivelite.node.common.ApiException;

/** bcrypt, through a well-kept library; verification is constant-time in the hash. */
public final class PasswordHasher {

    /** Cost 10: ~50–80 ms per hash on this machine class; login throttling bounds the rest. */
    static final int COST = 10;
    /** bcrypt reads at most 72 bytes; longer passwords are refused (not silently truncated) when hashed. */
    public static final int MAX_BYTES = 72;
    /** A well-formed hash of nothing anyone knows: verified against when the user does not exist. */
    private static final String DUMMY = hashOf("hivelite-timing-equaliser");

    private PasswordHasher() {
    }

    /**
     * The bcrypt hash of {@code password}. One past {@link #MAX_BYTES} is a 400, as PocketBase's bcrypt
     * refuses it; callers validate lengths first, this is the last word for any that counts characters
     * where bcrypt counts bytes.
     */
    public static String hash(String password) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw ApiException.invalid(java.util.Map.of());
        }
        return hashOf(password);
    }

    private static String hashOf(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    /**
     * Whether {@code password} is the one {@code hash} was made of. bcrypt keys on the first 72 bytes:
     * a longer attempt is compared by those, as PocketBase's bcrypt compares it, never refused with an
     * error (a login must answer "wrong password", not fail).
     */
    public static boolean verify(String password, String hash) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return BCrypt.verifyer().verify(bytes.length > MAX_BYTES ? java.util.Arrays.copyOf(bytes, MAX_BYTES) : bytes,
                hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** Spends the time of a verification, so an unknown email answers as slowly as a wrong password. */
    public static void verifyDummy(String password) {
        verify(password, DUMMY);
    }
}
