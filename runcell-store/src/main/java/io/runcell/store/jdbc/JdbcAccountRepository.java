package io.runcell.store.jdbc;

import io.runcell.core.account.Account;
import io.runcell.core.account.AccountRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Accounts in the {@code accounts} table; names are unique. */
public final class JdbcAccountRepository implements AccountRepository {

    private static final String COLUMNS = "id, name, plan, blocked, created_at";

    private final Jdbc jdbc;

    public JdbcAccountRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Account a) {
        jdbc.update(
                "INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                a.id(),
                a.name(),
                a.plan(),
                a.blocked(),
                a.createdAt());
    }

    @Override
    public void update(Account a) {
        jdbc.update(
                "UPDATE accounts SET name = ?, plan = ?, blocked = ? WHERE id = ?",
                a.name(),
                a.plan(),
                a.blocked(),
                a.id());
    }

    @Override
    public Optional<Account> findById(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM accounts WHERE id = ?", JdbcAccountRepository::map, id);
    }

    @Override
    public Optional<Account> findByName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM accounts WHERE name = ?", JdbcAccountRepository::map, name);
    }

    @Override
    public List<Account> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM accounts ORDER BY id", JdbcAccountRepository::map);
    }

    @Override
    public long count() {
        return jdbc.queryLong("SELECT COUNT(*) FROM accounts");
    }

    private static Account map(ResultSet rs) throws SQLException {
        return new Account(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("plan"),
                rs.getBoolean("blocked"),
                Jdbc.instant(rs, "created_at"));
    }
}
