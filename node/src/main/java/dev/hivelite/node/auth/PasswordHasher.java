package dev.hivelite.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import at.favre.lib.crypto.bcrypt.BCrypt;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.CpuWork;

/**
 * bcrypt, through a well-kept library; verification is constant-time in the hash. A hash or a check
 * is ~60 ms of CPU, run as {@link CpuWork} so that it holds no virtual thread's carrier.
 */
public final class PasswordHasher {

    /** Cost 10: ~50–80 ms per hash on this machine class; login throttling bounds the rest. */
    public static final int COST = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** bcrypt reads at most 72 bytes; longer passwords are refused (not silently truncated) when hashed. */
    public static final int MAX_BYTES = 72;
    /**
     * A well-formed hash of nothing anyone knows: verified against when the user does not exist.
     * Made in place, not as CpuWork: its threads would wait for this class to finish initialising.
     */
    private static final String DUMMY = BCrypt.withDefaults().hashToString(COST, "hivelite-timing-equaliser".toCharArray());

    private PasswordHasher() {
    }

    /**
     * The bcrypt hash of {@code password}. One past {@link #MAX_BYTES} is a 400, as PocketBase's bcrypt
     * refuses it; callers validate lengths first, this is the last word for any that counts characters
     * where bcrypt counts bytes.
     */
    public static String hash(String password) {
        return hash(password, COST);
    }

    /** {@link #hash} at a bcrypt cost of its own (a password field's {@code cost}; 0 is {@link #COST}). */
    public static String hash(String password, int cost) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw ApiException.invalid(java.util.Map.of());
        }
        return CpuWork.run(() -> BCrypt.withDefaults().hashToString(cost > 0 ? cost : COST, password.toCharArray()));
    }

    /**
     * A well-formed bcrypt hash that no known password makes: a random salt and a random digest, put
     * together without hashing. It stands where an account gets a password nobody knows (an OAuth2
     * sign-up, a verification that turns password sign-in off): finding a password that matches it is
     * as hard as for any hash, and it costs nothing, where hashing a random secret took ~60 ms (on the
     * writer thread, holding up the database's other writes).
     */
    public static String unusable() {
        byte[] salt = new byte[16];
        byte[] digest = new byte[23];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(digest);
        BCrypt.Version version = BCrypt.Version.VERSION_2A;
        return new String(version.formatter.createHashMessage(new BCrypt.HashData(COST, version, salt, digest)),
                StandardCharsets.US_ASCII);
    }

    /**
     * Whether {@code password} is the one {@code hash} was made of. bcrypt keys on the first 72 bytes:
     * a longer attempt is compared by those, as PocketBase's bcrypt compares it, never refused with an
     * error (a login must answer "wrong password", not fail).
     */
    public static boolean verify(String password, String hash) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        byte[] key = bytes.length > MAX_BYTES ? java.util.Arrays.copyOf(bytes, MAX_BYTES) : bytes;
        return CpuWork.run(() -> BCrypt.verifyer().verify(key, hash.getBytes(StandardCharsets.UTF_8)).verified);
    }

    /** Spends the time of a verification, so an unknown email answers as slowly as a wrong password. */
    public static void verifyDummy(String password) {
        verify(password, DUMMY);
    }
}
