package dev.hivelite.node.common;

import java.security.SecureRandom;

/** Random identifiers: PocketBase-style record ids and secrets. */
public final class Ids {

    private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** Thread-safe; seeded by the OS. */
    private static final SecureRandom RANDOM = new SecureRandom();

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

    private static String random(int length, char[] alphabet) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
