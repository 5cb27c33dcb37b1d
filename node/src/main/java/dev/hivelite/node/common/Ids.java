package dev.hivelite.node.common;

import java.security.SecureRandom;

/** Random identifiers: PocketBase-style record ids and secrets. */
public final class Ids {

    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /**
     * DRBG generators seeded by the OS, a few so that request threads rarely queue on one: the
     * default {@code NativePRNG} reads /dev/urandom under one global lock, which showed up on the
     * create path at a few thousand records per second.
     */
    private static final SecureRandom[] STRIPES = new SecureRandom[8];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            try {
                STRIPES[i] = SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                STRIPES[i] = new SecureRandom();
            }
        }
    }

    private Ids() {
    }

    /** A 15-character lower-case alphanumeric id, as PocketBase generates for records. */
    public static String newId() {
        return random(15, ALPHANUMERIC);
    }

    /** {@code length} random characters from [A-Za-z0-9]: secrets such as API keys. */
    public static String secret(int length) {
        return random(length, MIXED);
    }

    /** Fills {@code bytes} from a cryptographically strong generator. */
    private static void randomBytes(byte[] bytes) {
        STRIPES[(int) (Thread.currentThread().threadId() & (STRIPES.length - 1))].nextBytes(bytes);
    }

    /**
     * {@code length} characters of {@code alphabet}, uniformly: each from two random bytes modulo the
     * alphabet's size (for alphabets of up to 256 characters the bias is under 0.4 %).
     */
    public static String random(int length, String alphabet) {
        byte[] bytes = new byte[length * 2];
        randomBytes(bytes);
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            int r = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
            out[i] = alphabet.charAt(r % alphabet.length());
        }
        return new String(out);
    }
}
