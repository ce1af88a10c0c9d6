package io.runcell.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlCacheTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger loads = new AtomicInteger();

    private Optional<String> load(String key) {
        loads.incrementAndGet();
        return key.startsWith("known") ? Optional.of("v-" + key + "-" + loads.get()) : Optional.empty();
    }

    @Test
    void aPresentValueIsReusedUntilItsTimeRunsOut() {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofNanos(100), 10, now::get);
        assertThat(cache.get("known", this::load)).contains("v-known-1");
        now.addAndGet(99);
        assertThat(cache.get("known", this::load)).contains("v-known-1");
        assertThat(loads).hasValue(1);
        now.addAndGet(1);
        assertThat(cache.get("known", this::load)).contains("v-known-2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void absentValuesAreNeverKept() {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofSeconds(1), 10, now::get);
        assertThat(cache.get("missing", this::load)).isEmpty();
        assertThat(cache.get("missing", this::load)).isEmpty();
        assertThat(loads).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void clearForgetsAndTheBoundStartsOver() {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofSeconds(1), 2, now::get);
        cache.get("known-a", this::load);
        cache.get("known-b", this::load);
        cache.get("known-c", this::load);
        assertThat(cache.size()).isEqualTo(1);
        cache.clear();
        assertThat(cache.size()).isZero();
        cache.get("known-c", this::load);
        assertThat(loads).hasValue(4);
    }

    @Test
    void aZeroTimeToLiveCachesNothing() {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ZERO, 10, now::get);
        cache.get("known", this::load);
        cache.get("known", this::load);
        assertThat(loads).hasValue(2);
    }
}
