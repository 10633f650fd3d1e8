package io.portcullis.logging;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: a caller's own {@code X-Request-Id} is kept when well-formed (1–128 characters of
 * {@code A-Z a-z 0-9 . _ -}), otherwise a new random one is made. Stateless and thread-safe.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** The id to use for a request that carried {@code inbound} (possibly null). */
    public static String accept(String inbound) {
        return isWellFormed(inbound) ? inbound : generate();
    }

    public static boolean isWellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 32 hex digits from 128 random bits: unique enough to correlate, cheap to make. */
    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[32];
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xF];
            out[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xF];
        }
        return new String(out);
    }
}
