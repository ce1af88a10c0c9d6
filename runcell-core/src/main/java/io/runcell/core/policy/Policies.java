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

    /** {@link CommandPolicy#check} of the command's profile. */
    public void check(Principal caller, String sandboxId, ExecCommand command) {
        policyOf(command).check(caller, sandboxId, command);
    }

    /** {@link CommandPolicy#admitted} of the command's profile: call right before the execution is recorded. */
    public void admitted(Principal caller, String sandboxId, ExecCommand command) {
        policyOf(command).admitted(caller, sandboxId, command);
    }

    private CommandPolicy policyOf(ExecCommand command) {
        CommandPolicy policy = byProfile.get(command.policy());
        if (policy == null) {
            throw new RuncellException(ErrorCode.COMMAND_NOT_ALLOWED, "No command policy is configured for this API.");
        }
        return policy;
    }
}
