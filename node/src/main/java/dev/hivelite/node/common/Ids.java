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

    /** Random bytes drawn ahead from each stripe, handed out in order: one generator call per 2 KiB. */
    private static final byte[][] BUFFERS = new byte[STRIPES.length][2048];
    /** How much of each stripe's buffer is handed out already (full: none drawn yet). */
    private static final int[] USED = new int[STRIPES.length];

    static {
        java.util.Arrays.fill(USED, 2048);
    }

    /**
     * Fills {@code bytes} from a cryptographically strong generator. A generator call costs the same
     * for 30 bytes as for far more (an id was ~5 % of the writer thread's time), so each stripe draws
     * 2 KiB at once and hands them out, every byte once.
     */
    private static void randomBytes(byte[] bytes) {
        int stripe = (int) (Thread.currentThread().threadId() & (STRIPES.length - 1));
        byte[] buffer = BUFFERS[stripe];
        if (bytes.length > buffer.length) {
            STRIPES[stripe].nextBytes(bytes);
            return;
        }
        synchronized (buffer) {
            if (USED[stripe] + bytes.length > buffer.length) {
                STRIPES[stripe].nextBytes(buffer);
                USED[stripe] = 0;
            }
            System.arraycopy(buffer, USED[stripe], bytes, 0, bytes.length);
            USED[stripe] += bytes.length;
        }
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
