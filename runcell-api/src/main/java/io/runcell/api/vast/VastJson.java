package io.runcell.api.vast;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.api.common.Json;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Renders sandboxes as Vast instance objects. Numeric columns are numbers or null: the CLI formats them. */
final class VastJson {

    static final String DEFAULT_IMAGE = "runcell/sandbox";

    private VastJson() {}

    static ObjectNode instance(Sandbox s, Instant now) {
        ObjectNode o = Json.object();
        o.put("id", s.number());
        o.put("actual_status", actualStatus(s.state()));
        o.put("intended_status", intendedStatus(s.state()));
        o.put("cur_state", s.state() == SandboxState.RUNNING ? "running" : "stopped");
        o.put("next_state", intendedStatus(s.state()));
        o.put("status_msg", s.statusMessage() == null ? statusMessage(s.state()) : s.statusMessage());
        o.put("label", s.label());
        o.put("image_uuid", s.metadata().getOrDefault("image", DEFAULT_IMAGE));
        o.put("onstart", s.metadata().get("onstart"));
        o.put("start_date", seconds(s.startedAt() != null ? s.startedAt() : s.createdAt()));
        if (s.state() == SandboxState.RUNNING && s.startedAt() != null) {
            o.put("uptime_mins", Duration.between(s.startedAt(), now).toMillis() / 60000.0);
        } else {
            o.putNull("uptime_mins");
        }
        ArrayNode env = o.putArray("extra_env");
        new TreeMap<>(s.env()).forEach((k, v) -> env.add(Json.array().add(k).add(v)));
        o.put("cpu_cores", s.vcpus());
        o.put("cpu_cores_effective", (double) s.vcpus());
        o.put("cpu_ram", s.memoryMb());
        putNumber(o, "disk_space", s.metadata().get("disk"));
        o.putNull("disk_usage");
        o.put("num_gpus", 0);
        o.putNull("gpu_name");
        o.putNull("gpu_util");
        o.put("dph_total", 0.0);
        o.putNull("inet_up");
        o.putNull("inet_down");
        o.putNull("reliability2");
        o.putNull("machine_id");
        o.putNull("ssh_host");
        o.putNull("ssh_port");
        o.put("verification", "verified");
        o.put("runcell_id", s.id());
        return o;
    }

    /** Vast's {@code actual_status}: a failed sandbox is {@code exited} and never becomes running. */
    static String actualStatus(SandboxState state) {
        return switch (state) {
            case PENDING -> null;
            case PROVISIONING -> "loading";
            case RUNNING -> "running";
            case STOPPED, EXPIRED -> "stopped";
            case FAILED, DESTROYED -> "exited";
            // Vast's word for a machine whose host stopped answering: here, the sandbox's node is dead
            case UNKNOWN -> "offline";
        };
    }

    static String intendedStatus(SandboxState state) {
        return switch (state) {
            case PENDING, PROVISIONING, RUNNING, FAILED, UNKNOWN -> "running";
            case STOPPED, EXPIRED, DESTROYED -> "stopped";
        };
    }

    private static String statusMessage(SandboxState state) {
        return switch (state) {
            case PENDING -> "Created";
            case PROVISIONING -> "Starting";
            case RUNNING -> "Running";
            case STOPPED -> "Stopped";
            case EXPIRED -> "Stopped: lifetime expired";
            case FAILED -> "Failed to start";
            case DESTROYED -> "Destroyed";
            case UNKNOWN -> "Node unreachable";
        };
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    private static void putNumber(ObjectNode o, String field, String text) {
        try {
            o.put(field, text == null ? null : Double.valueOf(text));
        } catch (NumberFormatException e) {
            o.putNull(field);
        }
    }

    /** A Vast {@code env} object: names that are environment variable names (port maps like "-p 80:80" are not). */
    static Map<String, String> envOf(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        if (env != null) {
            env.forEach((k, v) -> {
                if (k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }
}
