package io.runcell.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.fakes.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UlidTest {

    @Test
    void textRoundTripsAndIsLowercaseBase32() {
        Ulid u = Ulid.next(new MutableClock());
        String text = u.toString();
        assertThat(text).hasSize(26).matches("[0-9a-hjkmnp-tv-z]{26}");
        assertThat(Ulid.parse(text)).isEqualTo(u);
        assertThat(Ulid.parse(text.toUpperCase())).isEqualTo(u);
    }

    @Test
    void uuidRenderingKeepsAll128Bits() {
        Ulid u = Ulid.next(new MutableClock());
        assertThat(Ulid.fromUuid(u.toUuid())).isEqualTo(u);
    }

    @Test
    void laterIdsSortAfterEarlierOnes() {
        MutableClock clock = new MutableClock();
        String a = Ulid.next(clock).toString();
        clock.advance(Duration.ofMillis(1));
        String b = Ulid.next(clock).toString();
        assertThat(a).isLessThan(b);
    }

    @Test
    void rejectsWrongLengthAlphabetAndOverflow() {
        assertThatThrownBy(() -> Ulid.parse("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ulid.parse("0000000000000000000000000u")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ulid.parse("80000000000000000000000000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sandboxIdsConvertBetweenDialectRenderings() {
        Ids ids = new Ids(new MutableClock());
        String id = ids.next(Ids.SANDBOX);
        String vps = Ids.convert(id, Ids.SANDBOX, Ids.VPS).orElseThrow();
        assertThat(vps).startsWith("vps_").endsWith(id.substring(4));
        assertThat(Ids.sandboxIdFromUuid(Ids.sandboxIdToUuid(id))).contains(id);
        assertThat(Ids.convert("vps_nonsense", Ids.VPS, Ids.SANDBOX)).isEmpty();
        assertThat(Ids.sandboxIdFromUuid("not-a-uuid")).isEmpty();
    }

    @Test
    void idsOfOneMillisecondShareTheTimePrefixAndDifferInTheirRandomBits() {
        java.time.InstantSource fixed =
                java.time.InstantSource.fixed(java.time.Instant.ofEpochMilli(1_700_000_000_123L));
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.Set<Character> firstRandomChars = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Ulid.next(fixed).toString();
            assertThat(id.substring(0, 10))
                    .isEqualTo(Ulid.next(fixed).toString().substring(0, 10));
            firstRandomChars.add(id.charAt(10));
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
        // the 16 random bits next to the time vary too
        assertThat(firstRandomChars.size()).isGreaterThan(10);
    }
}
