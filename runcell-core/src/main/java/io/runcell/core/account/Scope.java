package io.runcell.core.account;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an API key may do. {@code admin} implies the other two, and {@code write:vm} implies {@code read:vm}: an
 * operation that changes a sandbox has to find it first, and the Hostup seed names {@code write:vm} alone for its
 * whole flow (list, probe, exec, poll).
 */
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

    /** Whether a key holding this scope may do what {@code required} allows. */
    public boolean implies(Scope required) {
        return switch (this) {
            case ADMIN -> true;
            case WRITE_VM -> required == WRITE_VM || required == READ_VM;
            case READ_VM -> required == READ_VM;
        };
    }

    public static Optional<Scope> fromWire(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
    }
}
