package io.runcell.core.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Present values kept for a fixed time after they were read. Absent values are never kept (a flood of unknown keys
 * must not fill memory, and a key created a moment ago must be found). Bounded: when full it starts over, which
 * only costs reads. Thread-safe.
 */
public final class TtlCache<K, V> {

    private record Entry<V>(V value, long expiresAtNanos) {}

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    public TtlCache(Duration ttl, int maxEntries) {
        this(ttl, maxEntries, System::nanoTime);
    }

    /** With a clock (tests pass a manual one). */
    public TtlCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The cached value of {@code key} if it is still fresh, else {@code load}'s answer (kept if present). */
    public Optional<V> get(K key, Function<K, Optional<V>> load) {
        if (ttlNanos <= 0) {
            return load.apply(key);
        }
        long now = nanoTime.getAsLong();
        Entry<V> hit = entries.get(key);
        if (hit != null && now - hit.expiresAtNanos < 0) {
            return Optional.of(hit.value);
        }
        Optional<V> loaded = load.apply(key);
        if (loaded.isPresent()) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, new Entry<>(loaded.get(), now + ttlNanos));
        } else if (hit != null) {
            entries.remove(key);
        }
        return loaded;
    }

    /** Forgets everything: called on every write through the owning repository. */
    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
