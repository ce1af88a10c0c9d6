package io.runcell.core.execution;

import io.runcell.core.policy.ConstrainedCommand;
import io.runcell.core.policy.PolicyProfile;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A request to run one command.
 *
 * @param argv           what to execute
 * @param display        the command as the caller wrote it, stored on the record
 * @param env            extra environment for this execution only
 * @param timeoutSeconds wall-clock limit of the command, or null for the plan's default
 * @param autoStart      start the sandbox first if it is not running (InstaVM); otherwise a stopped sandbox is
 *                       an error
 * @param stdin          input for the command, or null
 * @param policy         which pre-execution rules apply (the dialect's contract decides)
 * @param vaultIds       vaults of the caller whose secrets become environment variables of this execution only
 *                       (and are redacted from its output)
 */
public record ExecCommand(
        List<String> argv,
        String display,
        Map<String, String> env,
        Integer timeoutSeconds,
        boolean autoStart,
        InputStream stdin,
        PolicyProfile policy,
        List<String> vaultIds) {

    /** Longest accepted command text or argv (sum of lengths), in characters. */
    public static final int MAX_COMMAND_LENGTH = 128 * 1024;

    public ExecCommand {
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        policy = policy == null ? PolicyProfile.OPEN : policy;
        vaultIds = vaultIds == null ? List.of() : List.copyOf(vaultIds);
    }

    /** Without vaults. */
    public ExecCommand(
            List<String> argv,
            String display,
            Map<String, String> env,
            Integer timeoutSeconds,
            boolean autoStart,
            InputStream stdin,
            PolicyProfile policy) {
        this(argv, display, env, timeoutSeconds, autoStart, stdin, policy, List.of());
    }

    public static ExecCommand shell(String command, Integer timeoutSeconds) {
        return new ExecCommand(
                List.of("bash", "-c", command), command, Map.of(), timeoutSeconds, false, null, PolicyProfile.OPEN);
    }

    /**
     * A constrained command (Vast): {@code text} split into plain words and run without a shell under
     * {@link PolicyProfile#ALLOWLIST}. Throws {@code COMMAND_NOT_ALLOWED} if it is not a plain command.
     */
    public static ExecCommand constrained(String text) {
        return new ExecCommand(
                ConstrainedCommand.parse(text), text, Map.of(), null, false, null, PolicyProfile.ALLOWLIST);
    }
}
