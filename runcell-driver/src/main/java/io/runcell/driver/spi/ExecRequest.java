package io.runcell.driver.spi;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command to run inside a sandbox.
 *
 * @param argv           program and arguments; {@code argv[0]} is looked up on the sandbox's PATH
 * @param env            environment added to the sandbox's own for this execution only
 * @param timeoutMillis  wall-clock limit; when it passes the whole process tree is killed
 * @param stdin          bytes given to the command's standard input, or null for an empty input
 */
public record ExecRequest(List<String> argv, Map<String, String> env, long timeoutMillis, InputStream stdin) {

    public ExecRequest {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be positive");
        }
    }

    public static ExecRequest of(List<String> argv, long timeoutMillis) {
        return new ExecRequest(argv, Map.of(), timeoutMillis, null);
    }
}
