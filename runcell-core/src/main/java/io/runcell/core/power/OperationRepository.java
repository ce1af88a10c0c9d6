package io.runcell.core.power;

import java.time.Instant;
import java.util.Optional;

/** Persistence of power {@link Operation}s. */
public interface OperationRepository {

    void insert(Operation operation);

    void update(Operation operation);

    Optional<Operation> findById(String id);

    /** After a restart: marks every pending or running operation failed with {@code error}; returns how many. */
    int failUnfinished(String error, Instant now);
}
