package io.runcell.core.plan;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import java.util.List;
import java.util.regex.Pattern;

/** Plans as data: list (any key), create and replace (admin), with the consistency rules of a plan. */
public final class PlanService {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern PROGRAM = Pattern.compile("[A-Za-z0-9._+-]{1,128}");
    private static final int MAX_ALLOWLIST = 256;

    private final PlanRepository plans;

    public PlanService(PlanRepository plans) {
        this.plans = plans;
    }

    public List<Plan> list(Principal caller) {
        caller.require(Scope.READ_VM);
        return plans.list();
    }

    public Plan get(Principal caller, String name) {
        caller.require(Scope.READ_VM);
        return plans.find(name).orElseThrow(() -> RuncellException.of(ErrorCode.PLAN_NOT_FOUND));
    }

    /** Creates a plan; {@link ErrorCode#CONFLICT} if the name is taken. */
    public Plan create(Principal caller, Plan plan) {
        caller.require(Scope.ADMIN);
        validate(plan);
        if (plans.find(plan.name()).isPresent()) {
            throw new RuncellException(ErrorCode.CONFLICT, "A plan with this name exists.");
        }
        plans.upsert(plan);
        return plan;
    }

    /** Replaces the limits of an existing plan; accounts on it get them at their next request. */
    public Plan update(Principal caller, Plan plan) {
        caller.require(Scope.ADMIN);
        if (plan.name() == null || plans.find(plan.name()).isEmpty()) {
            throw RuncellException.of(ErrorCode.PLAN_NOT_FOUND);
        }
        validate(plan);
        plans.upsert(plan);
        return plan;
    }

    /** Throws {@link ErrorCode#INVALID_REQUEST} naming the first inconsistent field. */
    public static void validate(Plan p) {
        if (p.name() == null || !NAME.matcher(p.name()).matches()) {
            throw invalid("name", FieldError.Kind.INVALID_VALUE, "name must be 1-64 of a-z, 0-9, '-', '_'");
        }
        atLeast("max_sandboxes", p.maxSandboxes(), 0);
        atLeast("max_concurrent_executions", p.maxConcurrentExecutions(), 0);
        atLeast("max_lifetime_seconds", p.maxLifetimeSeconds(), 1);
        between("default_lifetime_seconds", p.defaultLifetimeSeconds(), 0, p.maxLifetimeSeconds());
        atLeast("max_memory_mb", p.maxMemoryMb(), 64);
        between("default_memory_mb", p.defaultMemoryMb(), 64, p.maxMemoryMb());
        atLeast("max_vcpus", p.maxVcpus(), 1);
        between("default_vcpus", p.defaultVcpus(), 1, p.maxVcpus());
        atLeast("max_pids_max", p.maxPidsMax(), 16);
        between("default_pids_max", p.defaultPidsMax(), 16, p.maxPidsMax());
        atLeast("max_exec_timeout_seconds", p.maxExecTimeoutSeconds(), 1);
        between("default_exec_timeout_seconds", p.defaultExecTimeoutSeconds(), 1, p.maxExecTimeoutSeconds());
        if (p.outputCapBytes() < 0 || p.outputCapBytes() > Plan.MAX_OUTPUT_CAP_BYTES) {
            throw new RuncellException(
                    ErrorCode.INVALID_REQUEST,
                    "output_cap_bytes must be between 0 and " + Plan.MAX_OUTPUT_CAP_BYTES,
                    List.of(new FieldError(
                            "output_cap_bytes",
                            FieldError.Kind.TOO_LARGE,
                            "output_cap_bytes must be between 0 and " + Plan.MAX_OUTPUT_CAP_BYTES,
                            Plan.MAX_OUTPUT_CAP_BYTES)),
                    0);
        }
        rate("exec_rate_per_second", p.execRatePerSecond());
        rate("manage_rate_per_second", p.manageRatePerSecond());
        rate("read_rate_per_second", p.readRatePerSecond());
        if (p.commandAllowlist() == null) {
            return;
        }
        if (p.commandAllowlist().size() > MAX_ALLOWLIST) {
            throw invalid(
                    "command_allowlist",
                    FieldError.Kind.TOO_LARGE,
                    "command_allowlist has at most " + MAX_ALLOWLIST + " entries");
        }
        for (int i = 0; i < p.commandAllowlist().size(); i++) {
            String program = p.commandAllowlist().get(i);
            if (program == null || !PROGRAM.matcher(program).matches()) {
                throw invalid(
                        "command_allowlist[" + i + "]",
                        FieldError.Kind.INVALID_VALUE,
                        "command_allowlist[" + i + "] must be a program name (letters, digits, . _ + -)");
            }
        }
    }

    private static void rate(String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value) || value < 0 || value > 1_000_000) {
            throw invalid(field, FieldError.Kind.INVALID_VALUE, field + " must be between 0 (unlimited) and 1000000");
        }
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw RuncellException.invalid(
                    new FieldError(field, FieldError.Kind.TOO_SMALL, field + " must be at least " + min, min));
        }
    }

    private static void between(String field, long value, long min, long max) {
        atLeast(field, value, min);
        if (value > max) {
            throw RuncellException.invalid(new FieldError(
                    field,
                    FieldError.Kind.TOO_LARGE,
                    field + " must be at most " + max + " (the plan's maximum)",
                    max));
        }
    }

    private static RuncellException invalid(String field, FieldError.Kind kind, String detail) {
        return RuncellException.invalid(FieldError.of(field, kind, detail));
    }
}
