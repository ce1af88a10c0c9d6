package io.runcell.core.policy;

import io.runcell.core.account.Principal;
import io.runcell.core.execution.ExecCommand;

/** One rule set. Throws {@link io.runcell.core.error.RuncellException} to refuse a command. */
public interface CommandPolicy {

    /**
     * Called once per execution request after ownership is checked and before the sandbox is touched; throws to
     * refuse the command (and records the refusal, if this policy keeps records).
     */
    void check(Principal caller, String sandboxId, ExecCommand command);

    /**
     * Called once a command this policy let through has passed every other check too (the sandbox runs, this node's
     * concurrency count has room) and is about to be recorded and started: a policy that records its allowed decisions does it here,
     * so a request refused afterwards leaves no "allowed" entry. A failure here refuses the command.
     */
    default void admitted(Principal caller, String sandboxId, ExecCommand command) {}
}
