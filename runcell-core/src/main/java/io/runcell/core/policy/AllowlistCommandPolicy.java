package io.runcell.core.policy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import java.util.List;
import java.util.Set;

/**
 * {@link PolicyProfile#ALLOWLIST}: the program must be one of a fixed set of bare names (no paths) and every
 * argument a plain word as {@link ConstrainedCommand} defines it. The argv is checked itself, not the display
 * text, so a command built any other way than {@link ConstrainedCommand#parse} is held to the same rule.
 *
 * <p>Threading: immutable.
 */
public final class AllowlistCommandPolicy implements CommandPolicy {

    /** Vast's constrained remote command: listing, removing and measuring files. */
    public static final Set<String> DEFAULT_PROGRAMS = Set.of("ls", "rm", "du");

    private final Set<String> programs;

    public AllowlistCommandPolicy(Set<String> programs) {
        for (String p : programs) {
            if (!ConstrainedCommand.plainWord(p) || p.contains("/")) {
                throw new IllegalArgumentException("allowlisted programs must be bare names: " + p);
            }
        }
        this.programs = Set.copyOf(programs);
    }

    public static AllowlistCommandPolicy defaults() {
        return new AllowlistCommandPolicy(DEFAULT_PROGRAMS);
    }

    public Set<String> programs() {
        return programs;
    }

    @Override
    public void check(Principal caller, String sandboxId, ExecCommand command) {
        if (!allowed(command.argv())) {
            throw RuncellException.of(ErrorCode.COMMAND_NOT_ALLOWED);
        }
    }

    /** Whether {@code argv} may run under this policy. */
    public boolean allowed(List<String> argv) {
        if (argv.isEmpty() || !programs.contains(argv.get(0))) {
            return false;
        }
        int length = 0;
        for (String word : argv) {
            if (!ConstrainedCommand.plainWord(word)) {
                return false;
            }
            length += word.length() + 1;
        }
        return length - 1 <= ConstrainedCommand.MAX_LENGTH;
    }
}
