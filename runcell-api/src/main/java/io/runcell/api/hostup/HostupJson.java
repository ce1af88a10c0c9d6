package io.runcell.api.hostup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.api.common.Json;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionStatus;
import io.runcell.core.power.Operation;
import io.runcell.core.sandbox.ExecReadiness;
import io.runcell.core.sandbox.Sandbox;
import java.util.Map;

/** Hostup's JSON renderings of core records (camelCase). */
final class HostupJson {

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 14,
            "SIGALRM", 15, "SIGTERM");

    private HostupJson() {}

    static ObjectNode vps(Sandbox s) {
        ObjectNode o = Json.object();
        o.put("id", HostupApi.vpsId(s.id()));
        o.put("name", s.label() != null && !s.label().isBlank() ? s.label() : "vps-" + s.number());
        o.putNull("primaryIp");
        o.put("serviceStatus", "active");
        o.put("powerState", powerState(s));
        ObjectNode r = o.putObject("resources");
        r.put("vcpus", s.vcpus());
        r.put("memoryMb", s.memoryMb());
        r.put("pidsMax", s.pidsMax());
        o.put("createdAt", s.createdAt().toString());
        return o;
    }

    static String powerState(Sandbox s) {
        return switch (s.state()) {
            case RUNNING -> "running";
            case PENDING, STOPPED, EXPIRED, DESTROYED -> "stopped";
            case PROVISIONING -> "starting";
            case FAILED -> "error";
            case UNKNOWN -> "unknown";
        };
    }

    static ObjectNode readiness(ExecReadiness r) {
        ObjectNode o = Json.object();
        o.put("available", r.available());
        o.put("reason", r.reason());
        o.put("vmRunning", r.running());
        return o;
    }

    static ObjectNode started(String vpsId, Execution e) {
        ObjectNode o = Json.object();
        o.put("pid", e.seq());
        o.put("pollUrl", execPollUrl(vpsId, e.seq()));
        return o;
    }

    static String execPollUrl(String vpsId, long pid) {
        return HostupApi.PREFIX + "/vps/" + vpsId + "/agent/exec?pid=" + pid;
    }

    /** A process's state as the guest agent reports it: a signal death has no exit code. */
    static ObjectNode process(Execution e) {
        ObjectNode o = Json.object();
        o.put("pid", e.seq());
        o.put("exited", e.status().terminal());
        boolean timedOut = e.status() == ExecutionStatus.TIMED_OUT;
        if (e.status().terminal() && e.signal() == null && !timedOut && e.exitCode() != null) {
            o.put("exitCode", e.exitCode());
        } else {
            o.putNull("exitCode");
        }
        o.put("signal", e.signal() == null ? null : SIGNALS.getOrDefault(e.signal(), "SIG" + e.signal()));
        o.put("timedOut", timedOut);
        o.put("stdout", e.stdout());
        o.put("stderr", e.stderr());
        o.put("stdoutTruncated", e.stdoutTruncated());
        o.put("stderrTruncated", e.stderrTruncated());
        return o;
    }

    static ObjectNode operation(String vpsId, Operation op) {
        ObjectNode body = Json.object();
        ObjectNode o = body.putObject("operation");
        o.put("id", op.id());
        o.put("action", op.action().wire());
        o.put("status", op.status().wire());
        o.put("pollUrl", HostupApi.PREFIX + "/vps/" + vpsId + "/operations/" + op.id());
        o.put("error", op.error());
        o.put("createdAt", op.createdAt().toString());
        o.put("updatedAt", op.updatedAt().toString());
        return body;
    }
}
