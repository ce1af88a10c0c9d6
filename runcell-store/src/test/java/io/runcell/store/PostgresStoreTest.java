package io.runcell.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server (Debian's binaries, started by the test; never skipped). */
class PostgresStoreTest extends StoreContract {

    private static PostgresServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String newDatabaseUrl() throws Exception {
        return server.newDatabaseUrl();
    }

    @Test
    void reportsPostgres() {
        assertThat(db.isPostgres()).isTrue();
    }
}
