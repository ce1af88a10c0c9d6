package io.runcell.core.policy;

import io.runcell.core.account.Principal;
import io.runcell.core.audit.AuditLog;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import java.util.List;
import java.util.Optional;

/**
 * The {@link PolicyProfile#GUARDED} rule set: anything runs except what a {@link BlockedCommands} rule hits, and
 * every decision, allowed or blocked, is appended to the {@link AuditLog} before the command can start. A blocked
 * command is recorded when it is refused ({@link #check}); an allowed one once it is admitted ({@link #admitted}),
 * so a command refused for another reason first (e.g. its sandbox is not running) leaves no "allowed" entry.
 *
 * <p>A command given as {@code [sh|bash, -c, TEXT]} is judged by its shell text; any other argv is judged both as
 * the argv itself and as the caller's display text. Thread-safe.
 */
public final class GuardedPolicy implements CommandPolicy {

    private static final String PROFILE = "guarded";

    private final BlockedCommands rules;
    private final AuditLog audit;

    public GuardedPolicy(BlockedCommands rules, AuditLog audit) {
        this.rules = rules;
        this.audit = audit;
    }

    @Override
    public void check(Principal caller, String sandboxId, ExecCommand command) {
        Optional<String> hit = judge(command);
        if (hit.isPresent()) {
            audit.record(caller, sandboxId, PROFILE, hit.get(), command.display());
            throw RuncellException.of(ErrorCode.COMMAND_BLOCKED);
        }
    }

    @Override
    public void admitted(Principal caller, String sandboxId, ExecCommand command) {
        audit.record(caller, sandboxId, PROFILE, null, command.display());
    }

    private Optional<String> judge(ExecCommand command) {
        List<String> argv = command.argv();
        if (argv.size() == 3
                && (argv.get(0).equals("bash") || argv.get(0).equals("sh"))
                && argv.get(1).equals("-c")) {
            Optional<String> hit = rules.firstHit(argv.get(2));
            return hit.isPresent() || command.display().equals(argv.get(2)) ? hit : rules.firstHit(command.display());
        }
        Optional<String> hit = rules.firstHit(argv);
        return hit.isPresent() ? hit : rules.firstHit(command.display());
    }
}
