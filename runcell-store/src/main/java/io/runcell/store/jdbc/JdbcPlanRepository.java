package io.runcell.store.jdbc;

import io.runcell.core.plan.Plan;
import io.runcell.core.plan.PlanRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Plans in {@code plans}, keyed by name; the migration seeds {@code default}. */
public final class JdbcPlanRepository implements PlanRepository {

    private static final String COLUMNS = "name, max_sandboxes, max_concurrent_executions, default_lifetime_seconds,"
            + " max_lifetime_seconds, default_memory_mb, max_memory_mb, default_vcpus, max_vcpus, default_pids_max,"
            + " max_pids_max, default_exec_timeout_seconds, max_exec_timeout_seconds, output_cap_bytes,"
            + " exec_rate_per_second, manage_rate_per_second, read_rate_per_second, command_allowlist";

    private static final String UPSERT = "INSERT INTO plans (" + COLUMNS + ")"
            + " VALUES (" + Jdbc.placeholders(18) + ") ON CONFLICT (name) DO UPDATE SET"
            + " max_sandboxes = excluded.max_sandboxes,"
            + " max_concurrent_executions = excluded.max_concurrent_executions,"
            + " default_lifetime_seconds = excluded.default_lifetime_seconds,"
            + " max_lifetime_seconds = excluded.max_lifetime_seconds,"
            + " default_memory_mb = excluded.default_memory_mb,"
            + " max_memory_mb = excluded.max_memory_mb,"
            + " default_vcpus = excluded.default_vcpus,"
            + " max_vcpus = excluded.max_vcpus,"
            + " default_pids_max = excluded.default_pids_max,"
            + " max_pids_max = excluded.max_pids_max,"
            + " default_exec_timeout_seconds = excluded.default_exec_timeout_seconds,"
            + " max_exec_timeout_seconds = excluded.max_exec_timeout_seconds,"
            + " output_cap_bytes = excluded.output_cap_bytes,"
            + " exec_rate_per_second = excluded.exec_rate_per_second,"
            + " manage_rate_per_second = excluded.manage_rate_per_second,"
            + " read_rate_per_second = excluded.read_rate_per_second,"
            + " command_allowlist = excluded.command_allowlist";

    private final Jdbc jdbc;

    public JdbcPlanRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Plan> find(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM plans WHERE name = ?", JdbcPlanRepository::map, name);
    }

    @Override
    public List<Plan> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM plans ORDER BY name", JdbcPlanRepository::map);
    }

    @Override
    public void upsert(Plan p) {
        jdbc.update(
                UPSERT,
                p.name(),
                p.maxSandboxes(),
                p.maxConcurrentExecutions(),
                p.defaultLifetimeSeconds(),
                p.maxLifetimeSeconds(),
                p.defaultMemoryMb(),
                p.maxMemoryMb(),
                p.defaultVcpus(),
                p.maxVcpus(),
                p.defaultPidsMax(),
                p.maxPidsMax(),
                p.defaultExecTimeoutSeconds(),
                p.maxExecTimeoutSeconds(),
                p.outputCapBytes(),
                p.execRatePerSecond(),
                p.manageRatePerSecond(),
                p.readRatePerSecond(),
                JsonText.ofList(p.commandAllowlist()));
    }

    private static Plan map(ResultSet rs) throws SQLException {
        return new Plan(
                rs.getString("name"),
                rs.getInt("max_sandboxes"),
                rs.getInt("max_concurrent_executions"),
                rs.getInt("default_lifetime_seconds"),
                rs.getInt("max_lifetime_seconds"),
                rs.getInt("default_memory_mb"),
                rs.getInt("max_memory_mb"),
                rs.getInt("default_vcpus"),
                rs.getInt("max_vcpus"),
                rs.getInt("default_pids_max"),
                rs.getInt("max_pids_max"),
                rs.getInt("default_exec_timeout_seconds"),
                rs.getInt("max_exec_timeout_seconds"),
                rs.getLong("output_cap_bytes"),
                rs.getDouble("exec_rate_per_second"),
                rs.getDouble("manage_rate_per_second"),
                rs.getDouble("read_rate_per_second"),
                JsonText.toList(rs.getString("command_allowlist")));
    }
}
