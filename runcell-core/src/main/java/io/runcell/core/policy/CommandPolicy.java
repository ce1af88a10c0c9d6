package io.runcell.core.policy;

import io.runcell.core.account.Principal;
import io.runcell.core.execution.ExecCommand;

/** One rule set. Throws {@link io.runcell.core.error.RuncellException} to refuse a command. */
public interface CommandPolicy {

    /** Called once per execution request after ownership is checked and before the sandbox is touched. */
    void check(Principal caller, String sandboxId, ExecCommand command);
}
