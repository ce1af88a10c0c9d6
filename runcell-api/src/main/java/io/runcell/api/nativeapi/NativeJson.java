package io.runcell.api.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.api.common.Json;
import io.runcell.core.account.Account;
import io.runcell.core.account.ApiKey;
import io.runcell.core.account.Scope;
import io.runcell.core.execution.Execution;
import io.runcell.core.plan.Plan;
import io.runcell.core.sandbox.Sandbox;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The native API's JSON renderings of core records (snake_case). */
final class NativeJson {

    private NativeJson() {}

    static ObjectNode sandbox(Sandbox s) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        o.put("number", s.number());
        o.put("state", s.state().wire());
        o.put("backend", s.backend());
        o.put("label", s.label());
        o.put("memory_mb", s.memoryMb());
        o.put("vcpus", s.vcpus());
        o.put("pids_max", s.pidsMax());
        o.put("network", s.network());
        if (s.lifetimeSeconds() == null) {
            o.putNull("lifetime_seconds");
        } else {
            o.put("lifetime_seconds", s.lifetimeSeconds());
        }
        o.put("expires_at", time(s.expiresAt()));
        o.put("status_message", s.statusMessage());
        ObjectNode env = o.putObject("env");
        s.env().keySet().forEach(k -> env.put(k, s.env().get(k)));
        ObjectNode meta = o.putObject("metadata");
        s.metadata().forEach(meta::put);
        o.put("node_id", s.nodeId());
        o.put("created_at", time(s.createdAt()));
        o.put("started_at", time(s.startedAt()));
        o.put("updated_at", time(s.updatedAt()));
        return o;
    }

    static ObjectNode execution(Execution e, Instant now) {
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("sandbox_id", e.sandboxId());
        o.put("seq", e.seq());
        o.put("command", e.command());
        var argv = o.putArray("argv");
        e.argv().forEach(argv::add);
        o.put("status", e.status().wire());
        if (e.exitCode() == null) {
            o.putNull("exit_code");
        } else {
            o.put("exit_code", e.exitCode());
        }
        if (e.signal() == null) {
            o.putNull("signal");
        } else {
            o.put("signal", e.signal());
        }
        o.put("oom_killed", e.oomKilled());
        o.put("stdout", e.stdout());
        o.put("stderr", e.stderr());
        o.put("stdout_truncated", e.stdoutTruncated());
        o.put("stderr_truncated", e.stderrTruncated());
        o.put("created_at", time(e.createdAt()));
        o.put("started_at", time(e.startedAt()));
        o.put("finished_at", time(e.finishedAt()));
        o.put("execution_time_ms", e.executionTimeMillis(now));
        o.put("cpu_time_ms", e.cpuTimeMillis());
        o.put("error", e.error());
        return o;
    }

    /** The native list envelope: {@code {"data": [...]}}, each item rendered by {@code render}. */
    static <T> ObjectNode data(List<T> items, Function<T, ObjectNode> render) {
        ObjectNode body = Json.object();
        var data = body.putArray("data");
        items.forEach(item -> data.add(render.apply(item)));
        return body;
    }

    static ObjectNode account(Account a) {
        ObjectNode o = Json.object();
        o.put("id", a.id());
        o.put("name", a.name());
        o.put("plan", a.plan());
        o.put("blocked", a.blocked());
        o.put("created_at", time(a.createdAt()));
        return o;
    }

    static ObjectNode key(ApiKey k) {
        ObjectNode o = Json.object();
        o.put("id", k.id());
        o.put("account_id", k.accountId());
        o.put("name", k.name());
        o.put("prefix", k.prefix());
        var scopes = o.putArray("scopes");
        k.scopes().stream().map(Scope::wire).sorted().forEach(scopes::add);
        o.put("created_at", time(k.createdAt()));
        o.put("revoked_at", time(k.revokedAt()));
        return o;
    }

    static ObjectNode plan(Plan p) {
        ObjectNode o = Json.object();
        o.put("name", p.name());
        o.put("max_sandboxes", p.maxSandboxes());
        o.put("max_concurrent_executions", p.maxConcurrentExecutions());
        o.put("default_lifetime_seconds", p.defaultLifetimeSeconds());
        o.put("max_lifetime_seconds", p.maxLifetimeSeconds());
        o.put("default_memory_mb", p.defaultMemoryMb());
        o.put("max_memory_mb", p.maxMemoryMb());
        o.put("default_vcpus", p.defaultVcpus());
        o.put("max_vcpus", p.maxVcpus());
        o.put("default_pids_max", p.defaultPidsMax());
        o.put("max_pids_max", p.maxPidsMax());
        o.put("default_exec_timeout_seconds", p.defaultExecTimeoutSeconds());
        o.put("max_exec_timeout_seconds", p.maxExecTimeoutSeconds());
        o.put("output_cap_bytes", p.outputCapBytes());
        o.put("exec_rate_per_second", p.execRatePerSecond());
        o.put("manage_rate_per_second", p.manageRatePerSecond());
        o.put("read_rate_per_second", p.readRatePerSecond());
        if (p.commandAllowlist() == null) {
            o.putNull("command_allowlist"); // the server's configured allowlist
        } else {
            p.commandAllowlist().forEach(o.putArray("command_allowlist")::add);
        }
        return o;
    }

    static ObjectNode vault(io.runcell.core.vault.Vault v) {
        ObjectNode o = Json.object();
        o.put("id", v.id());
        o.put("name", v.name());
        var names = o.putArray("secret_names");
        v.secretNames().forEach(names::add);
        o.put("created_at", time(v.createdAt()));
        return o;
    }

    static String time(Instant t) {
        return t == null
                ? null
                : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }
}
