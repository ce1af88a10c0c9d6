package io.runcell.api.instavm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.api.common.Json;
import io.runcell.core.execution.Execution;
import io.runcell.core.id.Ids;
import io.runcell.core.sandbox.Sandbox;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** InstaVM's JSON for sessions and tasks. Times are ISO-8601 strings, durations seconds as numbers. */
final class InstaVmJson {

    private InstaVmJson() {}

    static String sessionId(Sandbox s) {
        return Ids.sandboxIdToUuid(s.id());
    }

    static String vmStatus(Sandbox s) {
        return switch (s.state()) {
            case PENDING -> "pending";
            case PROVISIONING, RUNNING -> "active";
            case STOPPED -> "stopped";
            case EXPIRED -> "expired";
            case FAILED -> "failed";
            case DESTROYED -> "killed";
            case UNKNOWN -> "unknown";
        };
    }

    static ObjectNode session(Sandbox s) {
        ObjectNode o = Json.object();
        o.put("session_id", sessionId(s));
        o.put("vm_status", vmStatus(s));
        o.put("status", vmStatus(s));
        if (s.lifetimeSeconds() == null) {
            o.putNull("vm_lifetime_seconds");
        } else {
            o.put("vm_lifetime_seconds", s.lifetimeSeconds());
        }
        o.put("memory_mb", s.memoryMb());
        o.put("vcpu_count", s.vcpus());
        ObjectNode metadata = o.putObject("metadata");
        s.metadata().forEach(metadata::put);
        o.put("created_at", time(s.createdAt()));
        o.put("started_at", time(s.startedAt()));
        o.put("expires_at", time(s.expiresAt()));
        return o;
    }

    /** One row of {@code GET /v1/sessions/sandboxes}, in the names the SDK's {@code InstaVM.list} reads. */
    static ObjectNode sandboxRow(Sandbox s) {
        ObjectNode o = Json.object();
        o.put("sandbox_id", sessionId(s));
        o.put("session_id", sessionId(s));
        o.putNull("template_id");
        o.put("name", s.label() == null ? "runcell" : s.label());
        ObjectNode metadata = o.putObject("metadata");
        s.metadata().forEach(metadata::put);
        o.put("status", vmStatus(s));
        o.put("started_at", time(s.startedAt()));
        o.put("end_at", time(s.expiresAt()));
        return o;
    }

    static String taskStatus(Execution e) {
        return switch (e.status()) {
            case QUEUED -> "queued";
            case RUNNING -> "running";
            case SUCCEEDED -> "completed";
            case FAILED -> "failed";
            case TIMED_OUT -> "timeout";
            case CANCELLED -> "cancelled";
            case LOST -> "lost";
        };
    }

    /** The answer of a synchronous {@code /execute}. */
    static ObjectNode result(Execution e, Instant now) {
        ObjectNode o = Json.object();
        o.put("stdout", e.stdout());
        o.put("stderr", e.stderr());
        exitCode(o, e);
        o.put("execution_time", seconds(e.executionTimeMillis(now)));
        o.put("cpu_time", seconds(e.cpuTimeMillis()));
        o.put("session_id", Ids.sandboxIdToUuid(e.sandboxId()));
        o.put("task_id", e.id());
        o.put("status", taskStatus(e));
        return o;
    }

    /** {@code GET /v1/executions/{task_id}}: partial output while it runs. */
    static ObjectNode task(Execution e, Instant now) {
        ObjectNode o = Json.object();
        o.put("task_id", e.id());
        o.put("session_id", Ids.sandboxIdToUuid(e.sandboxId()));
        o.put("is_complete", e.status().terminal());
        o.put("status", taskStatus(e));
        o.put("serialized_stdout", e.stdout());
        o.put("serialized_stderr", e.stderr());
        exitCode(o, e);
        o.put("cpu_time", seconds(e.cpuTimeMillis()));
        o.put("execution_time", seconds(e.executionTimeMillis(now)));
        o.put("created_at", time(e.createdAt()));
        o.put("completed_at", time(e.finishedAt()));
        return o;
    }

    private static void exitCode(ObjectNode o, Execution e) {
        if (e.exitCode() == null) {
            o.putNull("exit_code");
        } else {
            o.put("exit_code", e.exitCode());
        }
    }

    static double seconds(long millis) {
        return millis / 1000.0;
    }

    static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
