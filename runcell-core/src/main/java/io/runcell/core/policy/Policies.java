package io.runcell.core.policy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import java.util.EnumMap;
import java.util.Map;

/** Dispatches to the rule set of a command's profile. A profile with no rule set refuses everything (fail closed). */
public final class Policies {

    private final Map<PolicyProfile, CommandPolicy> byProfile = new EnumMap<>(PolicyProfile.class);

    public Policies() {
        byProfile.put(PolicyProfile.OPEN, (caller, sandboxId, command) -> {});
    }

    public Policies with(PolicyProfile profile, CommandPolicy policy) {
        byProfile.put(profile, policy);
        return this;
    }

    public void check(Principal caller, String sandboxId, ExecCommand command) {
        CommandPolicy policy = byProfile.get(command.policy());
        if (policy == null) {
            throw new RuncellException(ErrorCode.COMMAND_NOT_ALLOWED, "No command policy is configured for this API.");
        }
        policy.check(caller, sandboxId, command);
    }
}
