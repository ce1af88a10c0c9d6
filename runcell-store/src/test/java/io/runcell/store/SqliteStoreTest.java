package io.runcell.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    protected String newDatabaseUrl() {
        return "sqlite:" + dir.resolve("data/runcell.db");
    }

    @Test
    void everyPooledConnectionUsesWalNormalSyncForeignKeysAndABusyTimeout() throws SQLException {
        assertThat(db.isPostgres()).isFalse();
        for (int i = 0; i < Database.DEFAULT_SQLITE_POOL_SIZE; i++) {
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
                assertThat(pragma(c, "synchronous")).isEqualTo("1");
                assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
                assertThat(pragma(c, "busy_timeout")).isEqualTo(String.valueOf(Database.SQLITE_BUSY_TIMEOUT_MILLIS));
            }
        }
    }

    @Test
    void aPlainPathOpensTheSameFileAsTheSqliteScheme() {
        db.accounts().insert(account("alice"));
        db.close();
        db = Database.open(dir.resolve("data/runcell.db").toString());
        assertThat(db.accounts().findByName("alice")).isPresent();
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
