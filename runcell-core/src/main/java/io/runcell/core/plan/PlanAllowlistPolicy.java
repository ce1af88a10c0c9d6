package io.runcell.core.plan;

import io.runcell.core.account.Principal;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.policy.AllowlistCommandPolicy;
import io.runcell.core.policy.CommandPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ALLOWLIST} per plan: a plan that names a {@link Plan#commandAllowlist()} is held to its own programs,
 * whatever they are (even exactly {@code ls}, {@code rm}, {@code du} on a server configured wider); a plan that
 * names none (null) follows the server's configured allowlist. The argument rules are
 * {@link AllowlistCommandPolicy}'s.
 */
public final class PlanAllowlistPolicy implements CommandPolicy {

    private final PlanRepository plans;
    private final AllowlistCommandPolicy serverDefault;
    private final Map<List<String>, AllowlistCommandPolicy> byList = new ConcurrentHashMap<>();

    public PlanAllowlistPolicy(PlanRepository plans, AllowlistCommandPolicy serverDefault) {
        this.plans = plans;
        this.serverDefault = serverDefault;
    }

    @Override
    public void check(Principal caller, String sandboxId, ExecCommand command) {
        policyFor(caller).check(caller, sandboxId, command);
    }

    AllowlistCommandPolicy policyFor(Principal caller) {
        Plan plan = caller == null ? null : plans.find(caller.plan()).orElse(null);
        if (plan == null || plan.commandAllowlist() == null) {
            return serverDefault;
        }
        if (byList.size() > 1000) {
            byList.clear();
        }
        return byList.computeIfAbsent(plan.commandAllowlist(), l -> new AllowlistCommandPolicy(Set.copyOf(l)));
    }
}
