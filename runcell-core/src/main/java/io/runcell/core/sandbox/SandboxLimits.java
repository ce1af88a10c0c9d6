package io.runcell.core.sandbox;

import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.plan.Plan;
import java.util.Map;

/**
 * The checks a sandbox request passes before anything is stored: sizes and lifetime within the plan's bounds (or
 * the plan's defaults), label, environment and metadata within their limits. Pure: a violation throws
 * {@link RuncellException} naming the field at fault.
 */
final class SandboxLimits {

    static final int MAX_LABEL = 1024;
    static final int MAX_ENV_ENTRIES = 256;
    static final int MAX_ENV_VALUE = 32 * 1024;

    /** What a request resolves to under its plan; a null lifetime is unlimited. */
    record Sized(int memoryMb, int vcpus, int pidsMax, Integer lifetimeSeconds) {}

    private SandboxLimits() {}

    static Sized check(SandboxRequest request, Plan plan) {
        int memory = bounded("memory_mb", request.memoryMb(), plan.defaultMemoryMb(), 64, plan.maxMemoryMb());
        int vcpus = bounded("vcpus", request.vcpus(), plan.defaultVcpus(), 1, plan.maxVcpus());
        int pids = bounded("pids_max", request.pidsMax(), plan.defaultPidsMax(), 16, plan.maxPidsMax());
        Integer lifetime = lifetimeOf(request.lifetimeSeconds(), plan);
        checkLabel(request.label());
        checkStrings("env", request.env());
        checkStrings("metadata", request.metadata());
        return new Sized(memory, vcpus, pids, lifetime);
    }

    private static Integer lifetimeOf(Integer requested, Plan plan) {
        if (requested == null) {
            return plan.defaultLifetimeSeconds() > 0 ? plan.defaultLifetimeSeconds() : null;
        }
        return bounded("lifetime_seconds", requested, 0, 1, plan.maxLifetimeSeconds());
    }

    static int bounded(String field, Integer value, int dflt, int min, int max) {
        if (value == null) {
            return dflt;
        }
        if (value < min) {
            throw RuncellException.invalid(
                    new FieldError(field, FieldError.Kind.TOO_SMALL, field + " must be at least " + min, (long) min));
        }
        if (value > max) {
            throw RuncellException.invalid(
                    new FieldError(field, FieldError.Kind.TOO_LARGE, field + " must be at most " + max, (long) max));
        }
        return value;
    }

    static void checkLabel(String label) {
        if (label != null && label.length() > MAX_LABEL) {
            throw RuncellException.invalid(new FieldError(
                    "label", FieldError.Kind.TOO_LONG, "label must be at most " + MAX_LABEL + " characters", (long)
                            MAX_LABEL));
        }
    }

    private static void checkStrings(String field, Map<String, String> map) {
        if (map.size() > MAX_ENV_ENTRIES) {
            throw RuncellException.invalid(new FieldError(
                    field, FieldError.Kind.TOO_LARGE, field + " has at most " + MAX_ENV_ENTRIES + " entries", (long)
                            MAX_ENV_ENTRIES));
        }
        for (var e : map.entrySet()) {
            if (e.getKey().isEmpty()
                    || e.getKey().contains("=")
                    || e.getKey().indexOf('\0') >= 0
                    || e.getValue().indexOf('\0') >= 0
                    || e.getValue().length() > MAX_ENV_VALUE) {
                throw RuncellException.invalid(FieldError.of(
                        field,
                        FieldError.Kind.INVALID_VALUE,
                        field + " names must be non-empty without '=' and values at most 32 KiB without NUL"));
            }
        }
    }
}
