package io.runcell.store.jdbc;

import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionRepository;
import io.runcell.core.execution.ExecutionStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Executions in {@code executions}, output stored inline as TEXT (up to the 16 MiB hard cap per stream). Statuses
 * are stored as wire names; argv as JSON text. {@code (sandbox_id, seq)} is unique.
 */
public final class JdbcExecutionRepository implements ExecutionRepository {

    private static final String COLUMNS = "id, sandbox_id, account_id, seq, command, argv, status, exit_code, signal,"
            + " oom_killed, stdout, stderr, stdout_truncated, stderr_truncated, created_at, started_at, finished_at,"
            + " cpu_time_ms, error, node_id";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM executions WHERE ";

    private static final String INSERT =
            "INSERT INTO executions (" + COLUMNS + ") VALUES (" + Jdbc.placeholders(20) + ")";

    /** PostgreSQL's transaction-scoped advisory lock, taken per account by {@link #insertIfActiveBelow}. */
    public static final String POSTGRES_QUOTA_LOCK = "SELECT pg_advisory_xact_lock(?)";

    private final Jdbc jdbc;
    private final String quotaLock;

    /**
     * @param quotaLock a statement taking a transaction-scoped lock on its one (long) parameter, or null where
     *                  writers are serialised anyway (SQLite)
     */
    public JdbcExecutionRepository(Jdbc jdbc, String quotaLock) {
        this.jdbc = jdbc;
        this.quotaLock = quotaLock;
    }

    @Override
    public void insert(Execution e) {
        jdbc.update(INSERT, values(e));
    }

    private static Object[] values(Execution e) {
        return new Object[] {
            e.id(),
            e.sandboxId(),
            e.accountId(),
            e.seq(),
            e.command(),
            JsonText.ofList(e.argv()),
            e.status().wire(),
            e.exitCode(),
            e.signal(),
            e.oomKilled(),
            e.stdout(),
            e.stderr(),
            e.stdoutTruncated(),
            e.stderrTruncated(),
            e.createdAt(),
            e.startedAt(),
            e.finishedAt(),
            e.cpuTimeMillis(),
            e.error(),
            e.nodeId()
        };
    }

    @Override
    public void update(Execution e) {
        int changed = jdbc.update(
                "UPDATE executions SET status = ?, exit_code = ?, signal = ?, oom_killed = ?,"
                        + " stdout = ?, stderr = ?, stdout_truncated = ?, stderr_truncated = ?, started_at = ?,"
                        + " finished_at = ?, cpu_time_ms = ?, error = ? WHERE id = ?",
                e.status().wire(),
                e.exitCode(),
                e.signal(),
                e.oomKilled(),
                e.stdout(),
                e.stderr(),
                e.stdoutTruncated(),
                e.stderrTruncated(),
                e.startedAt(),
                e.finishedAt(),
                e.cpuTimeMillis(),
                e.error(),
                e.id());
        if (changed == 0) {
            throw new NoSuchElementException("no execution " + e.id());
        }
    }

    @Override
    public void updateOutput(String id, Execution.Output out) {
        jdbc.update(
                "UPDATE executions SET stdout = ?, stderr = ?, stdout_truncated = ?, stderr_truncated = ?"
                        + " WHERE id = ?",
                out.stdout(),
                out.stderr(),
                out.stdoutTruncated(),
                out.stderrTruncated(),
                id);
    }

    @Override
    public Optional<Execution> findById(String id) {
        return jdbc.queryOne(SELECT + "id = ?", JdbcExecutionRepository::map, id);
    }

    @Override
    public Optional<Execution> findBySeq(String sandboxId, long seq) {
        return jdbc.queryOne(SELECT + "sandbox_id = ? AND seq = ?", JdbcExecutionRepository::map, sandboxId, seq);
    }

    @Override
    public List<Execution> listBySandbox(String sandboxId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.query(
                SELECT + "sandbox_id = ? ORDER BY seq DESC LIMIT ?", JdbcExecutionRepository::map, sandboxId, limit);
    }

    @Override
    public boolean insertIfActiveBelow(Execution e, int maxActive) {
        return jdbc.inTransaction(tx -> {
            if (quotaLock != null) {
                // one account's admissions queue here until the transaction ends, on every node
                tx.execute(quotaLock, quotaLockKey(e.accountId()));
            }
            long active = tx.queryLong(
                    "SELECT COUNT(*) FROM executions WHERE account_id = ? AND status IN (?, ?)",
                    e.accountId(),
                    ExecutionStatus.QUEUED.wire(),
                    ExecutionStatus.RUNNING.wire());
            if (active >= maxActive) {
                return false;
            }
            tx.update(INSERT, values(e));
            return true;
        });
    }

    /** A stable 64-bit lock key for the account (FNV-1a of its id). */
    static long quotaLockKey(String accountId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : ("runcell.exec-quota:" + accountId).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public int markLost(Set<ExecutionStatus> statuses, String nodeId, Instant now) {
        if (statuses.isEmpty()) {
            return 0;
        }
        List<Object> params = new ArrayList<>();
        params.add(ExecutionStatus.LOST.wire());
        params.add(now);
        List<String> wires =
                statuses.stream().map(ExecutionStatus::wire).sorted().toList();
        String sql = "UPDATE executions SET status = ?, finished_at = ? WHERE "
                + Jdbc.nodeMatch("node_id", nodeId, params) + " AND " + Jdbc.in("status", wires, params);
        return jdbc.update(sql, params.toArray());
    }

    private static Execution map(ResultSet rs) throws SQLException {
        return new Execution(
                rs.getString("id"),
                rs.getString("sandbox_id"),
                rs.getString("account_id"),
                rs.getLong("seq"),
                rs.getString("command"),
                JsonText.toList(rs.getString("argv")),
                ExecutionStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                Jdbc.integer(rs, "exit_code"),
                Jdbc.integer(rs, "signal"),
                rs.getBoolean("oom_killed"),
                rs.getString("stdout"),
                rs.getString("stderr"),
                rs.getBoolean("stdout_truncated"),
                rs.getBoolean("stderr_truncated"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "started_at"),
                Jdbc.instant(rs, "finished_at"),
                rs.getLong("cpu_time_ms"),
                rs.getString("error"),
                rs.getString("node_id"));
    }
}
