package io.runcell.core.power;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a power action does to a sandbox. {@code shutdown} and {@code stop} both end its processes and keep
 * {@code /workspace} (a sandbox has no guest OS to shut down gracefully); {@code restart} and {@code reset} stop
 * it and start it again.
 */
public enum PowerAction {
    START,
    SHUTDOWN,
    STOP,
    RESTART,
    RESET;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PowerAction> fromWire(String text) {
        return Arrays.stream(values()).filter(a -> a.wire().equals(text)).findFirst();
    }
}
