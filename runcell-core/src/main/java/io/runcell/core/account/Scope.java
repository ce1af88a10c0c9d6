package io.runcell.core.account;

import java.util.Arrays;
import java.util.Optional;

/** What an API key may do. {@code admin} implies the other two. */
public enum Scope {
    READ_VM("read:vm"),
    WRITE_VM("write:vm"),
    ADMIN("admin");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Scope> fromWire(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
    }
}
