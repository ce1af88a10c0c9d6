package io.runcell.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void postgresUrlMovesCredentialsOutOfTheJdbcUrl() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://run%40cell:p%3Ass+w@db.example:6543/runcell?sslmode=require");
        assertThat(u.postgres()).isTrue();
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/runcell?sslmode=require");
        assertThat(u.user()).isEqualTo("run@cell");
        assertThat(u.password()).isEqualTo("p:ss+w");
        assertThat(u.toString()).doesNotContain("p:ss");
    }

    @Test
    void postgresSchemeWithoutPortOrCredentials() {
        DatabaseUrl u = DatabaseUrl.parse("postgres://localhost/runcell");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/runcell");
        assertThat(u.user()).isNull();
        assertThat(u.password()).isNull();
    }

    @Test
    void jdbcPostgresUrlPassesThrough() {
        String url = "jdbc:postgresql://h:5432/db?user=u&password=p";
        assertThat(DatabaseUrl.parse(url)).isEqualTo(new DatabaseUrl(true, url, null, null, null));
    }

    @Test
    void sqliteFormsNameAnAbsoluteFile() {
        Path abs = Path.of("/var/lib/runcell/runcell.db");
        assertThat(DatabaseUrl.parse("/var/lib/runcell/runcell.db").sqliteFile())
                .isEqualTo(abs);
        assertThat(DatabaseUrl.parse("sqlite:/var/lib/runcell/runcell.db").sqliteFile())
                .isEqualTo(abs);
        assertThat(DatabaseUrl.parse("jdbc:sqlite:/var/lib/runcell/runcell.db").jdbcUrl())
                .isEqualTo("jdbc:sqlite:/var/lib/runcell/runcell.db");
        DatabaseUrl relative = DatabaseUrl.parse("sqlite:data/r.db");
        assertThat(relative.postgres()).isFalse();
        assertThat(relative.sqliteFile()).isAbsolute().endsWithRaw(Path.of("data/r.db"));
    }

    @Test
    void inMemoryAndEmptyUrlsAreRejected() {
        assertThatThrownBy(() -> DatabaseUrl.parse("sqlite::memory:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseUrl.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///nohost"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
