package io.runcell.driver.spi;

import java.util.concurrent.CompletableFuture;

/** A started execution. */
public interface ExecHandle {

    /** Completes once the command has ended; never completes exceptionally (failures are in the result). */
    CompletableFuture<ExecResult> completion();

    /** Kills the command's whole process tree now (cancel). The completion then reports {@code killed}. */
    void kill();
}
