package io.runcell.store.jdbc;

import java.sql.SQLException;

/** An unexpected database failure (connection lost, disk full, bad SQL): a 500 at the boundary, never a 4xx. */
public final class StoreException extends RuntimeException {

    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
