package io.runcell.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.runcell.core.account.AccountRepository;
import io.runcell.core.account.ApiKeyRepository;
import io.runcell.core.audit.AuditRepository;
import io.runcell.core.cluster.NodeRepository;
import io.runcell.core.execution.ExecutionRepository;
import io.runcell.core.plan.PlanRepository;
import io.runcell.core.power.OperationRepository;
import io.runcell.core.sandbox.SandboxRepository;
import io.runcell.core.vault.VaultRepository;
import io.runcell.store.jdbc.Jdbc;
import io.runcell.store.jdbc.JdbcAccountRepository;
import io.runcell.store.jdbc.JdbcApiKeyRepository;
import io.runcell.store.jdbc.JdbcAuditRepository;
import io.runcell.store.jdbc.JdbcExecutionRepository;
import io.runcell.store.jdbc.JdbcNodeRepository;
import io.runcell.store.jdbc.JdbcOperationRepository;
import io.runcell.store.jdbc.JdbcPlanRepository;
import io.runcell.store.jdbc.JdbcSandboxRepository;
import io.runcell.store.jdbc.JdbcVaultRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The store: a pooled connection to SQLite (embedded default) or PostgreSQL (cluster), migrated on open, exposing
 * the core's repository ports. Thread-safe; open one per process and {@link #close()} it on shutdown.
 *
 * <p>SQLite connections run in WAL mode with {@code synchronous=NORMAL}, foreign keys on and a 10 s busy timeout;
 * writes from this process go through one writer (SQLite has one), which commits the writes that queue up while
 * another runs together (group commit), instead of failing with {@code SQLITE_BUSY}. PostgreSQL writes run
 * concurrently.
 */
public final class Database implements AutoCloseable {

    /** Connections kept by default: SQLite needs few (one writer); PostgreSQL is shared by virtual threads. */
    public static final int DEFAULT_SQLITE_POOL_SIZE = 4;

    public static final int DEFAULT_POSTGRES_POOL_SIZE = 10;

    static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;

    private final HikariDataSource dataSource;
    private final Jdbc jdbc;
    private final boolean postgres;
    private final JdbcAccountRepository accounts;
    private final JdbcApiKeyRepository apiKeys;
    private final JdbcPlanRepository plans;
    private final JdbcSandboxRepository sandboxes;
    private final JdbcExecutionRepository executions;
    private final JdbcVaultRepository vaults;
    private final JdbcAuditRepository audit;
    private final JdbcOperationRepository operations;
    private final JdbcNodeRepository nodes;

    private Database(HikariDataSource dataSource, DataSource sqliteWriter) {
        this.dataSource = dataSource;
        this.postgres = sqliteWriter == null;
        this.jdbc = new Jdbc(dataSource, sqliteWriter, postgres ? Database::pgUnique : Database::sqliteUnique);
        this.accounts = new JdbcAccountRepository(jdbc);
        this.apiKeys = new JdbcApiKeyRepository(jdbc);
        this.plans = new JdbcPlanRepository(jdbc);
        this.sandboxes = new JdbcSandboxRepository(jdbc);
        this.executions =
                new JdbcExecutionRepository(jdbc, postgres ? JdbcExecutionRepository.POSTGRES_QUOTA_LOCK : null);
        this.vaults = new JdbcVaultRepository(jdbc);
        this.audit = new JdbcAuditRepository(jdbc);
        this.operations = new JdbcOperationRepository(jdbc);
        this.nodes = new JdbcNodeRepository(
                jdbc, postgres ? JdbcNodeRepository.POSTGRES_NOW : JdbcNodeRepository.SQLITE_NOW);
    }

    /** Opens with the default pool size; see {@link #open(String, int)}. */
    public static Database open(String url) {
        return open(url, 0);
    }

    /**
     * Opens the database at {@code url} and applies pending migrations.
     *
     * @param url          a file path or {@code sqlite:PATH} (parent directories are created), or
     *                     {@code postgresql://user:pass@host:port/db} or {@code jdbc:postgresql://...}
     * @param maxPoolSize  connections to keep, or 0 for the default of the database kind
     * @throws IllegalArgumentException if the URL cannot be understood
     * @throws org.flywaydb.core.api.FlywayException if a migration fails (the pool is closed again)
     */
    public static Database open(String url, int maxPoolSize) {
        DatabaseUrl target = DatabaseUrl.parse(url);
        HikariConfig config = target.postgres() ? postgresConfig(target) : sqliteConfig(target);
        int defaultSize = target.postgres() ? DEFAULT_POSTGRES_POOL_SIZE : DEFAULT_SQLITE_POOL_SIZE;
        config.setMaximumPoolSize(maxPoolSize > 0 ? maxPoolSize : defaultSize);
        config.setConnectionTimeout(10_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return new Database(dataSource, target.postgres() ? null : sqliteWriterSource(target));
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    public AccountRepository accounts() {
        return accounts;
    }

    public ApiKeyRepository apiKeys() {
        return apiKeys;
    }

    public PlanRepository plans() {
        return plans;
    }

    public SandboxRepository sandboxes() {
        return sandboxes;
    }

    public ExecutionRepository executions() {
        return executions;
    }

    public VaultRepository vaults() {
        return vaults;
    }

    public AuditRepository audit() {
        return audit;
    }

    public OperationRepository operations() {
        return operations;
    }

    /** The cluster's node registry (used when several nodes share a PostgreSQL database). */
    public NodeRepository nodes() {
        return nodes;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Readiness: whether a pooled connection answers within two seconds. Never throws. */
    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Closes the pool; repositories fail afterwards. Idempotent. */
    @Override
    public void close() {
        jdbc.close();
        dataSource.close();
    }

    /**
     * The pool itself. Public for the cluster's shared rate limiter ({@code PostgresRateLimiter}), whose Bucket4j
     * proxy manager runs its own SQL on the {@code rate_limit_buckets} table; everything else goes through the
     * repositories. Closed by {@link #close()}.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Unpooled: the single writer opens one connection and keeps it. */
    private static DataSource sqliteWriterSource(DatabaseUrl target) {
        SQLiteDataSource writer = new SQLiteDataSource(sqliteSettings());
        writer.setUrl(target.jdbcUrl());
        return writer;
    }

    private static SQLiteConfig sqliteSettings() {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
        sqlite.enforceForeignKeys(true);
        return sqlite;
    }

    private static HikariConfig sqliteConfig(DatabaseUrl target) {
        Path file = target.sqliteFile();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SQLiteConfig sqlite = sqliteSettings();
        HikariConfig config = new HikariConfig();
        config.setPoolName("runcell-sqlite");
        config.setDriverClassName("org.sqlite.JDBC");
        config.setJdbcUrl(target.jdbcUrl());
        // Applied by the driver to every new connection (pragmas are per connection).
        config.setDataSourceProperties(sqlite.toProperties());
        return config;
    }

    private static HikariConfig postgresConfig(DatabaseUrl target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("runcell-postgres");
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(target.jdbcUrl());
        if (target.user() != null) {
            config.setUsername(target.user());
        }
        if (target.password() != null) {
            config.setPassword(target.password());
        }
        return config;
    }

    private static boolean pgUnique(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    private static boolean sqliteUnique(SQLException e) {
        return e instanceof SQLiteException s
                && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                        || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
    }
}
