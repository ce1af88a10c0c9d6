package io.runcell.core.id;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Locale;
import java.util.UUID;

/**
 * A 128-bit ULID (48-bit millisecond time, 80 random bits), rendered lowercase in Crockford base32. Sorting the
 * text sorts by creation time, which gives stable list order and opaque but orderable cursors.
 */
public record Ulid(long msb, long lsb) {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Ulid next(InstantSource clock) {
        long time = clock.millis() & 0xFFFF_FFFF_FFFFL;
        // one draw of the 80 random bits: each SecureRandom call takes its lock (and may read /dev/urandom)
        byte[] r = new byte[10];
        RANDOM.nextBytes(r);
        long rand16 = (r[0] & 0xFFL) << 8 | (r[1] & 0xFFL);
        long lsb = 0;
        for (int i = 2; i < 10; i++) {
            lsb = lsb << 8 | (r[i] & 0xFFL);
        }
        return new Ulid((time << 16) | rand16, lsb);
    }

    /** Parses 26 base32 characters (either case); throws IllegalArgumentException otherwise. */
    public static Ulid parse(String text) {
        if (text == null || text.length() != 26) {
            throw new IllegalArgumentException("not a ULID");
        }
        String s = text.toLowerCase(Locale.ROOT);
        if (decode(s.charAt(0)) > 7) {
            throw new IllegalArgumentException("ULID overflow");
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 26; i++) {
            int v = decode(s.charAt(i));
            // shift the 130-bit accumulator (hi:lo) left by 5 and add v
            hi = (hi << 5) | (lo >>> 59);
            lo = (lo << 5) | v;
        }
        return new Ulid(hi, lo);
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int decode(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a ULID character: " + c);
    }

    @Override
    public String toString() {
        char[] out = new char[26];
        long hi = msb;
        long lo = lsb;
        for (int i = 25; i >= 0; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | (hi << 59);
            hi >>>= 5;
        }
        return new String(out);
    }

    public UUID toUuid() {
        return new UUID(msb, lsb);
    }

    public static Ulid fromUuid(UUID uuid) {
        return new Ulid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }
}
