package io.runcell.core.power;

import java.util.Locale;

/** {@code pending → running → succeeded | failed}. */
public enum OperationStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
