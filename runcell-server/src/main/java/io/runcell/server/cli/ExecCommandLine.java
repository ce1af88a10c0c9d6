package io.runcell.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runcell exec SANDBOX -- CMD...}: runs a command, prints its output, exits with its exit code. */
@Command(
        name = "exec",
        description = "Run a command in a sandbox and print its output.",
        mixinStandardHelpOptions = true)
final class ExecCommandLine implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--timeout", description = "seconds")
    Integer timeout;

    @Option(names = "--json", description = "print the execution record")
    boolean json;

    @Parameters(index = "0", paramLabel = "SANDBOX")
    String sandbox;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*")
    List<String> argv;

    @Override
    public Integer call() {
        JsonNode record = client.client().exec(sandbox, argv, timeout);
        if (json) {
            Output.print(record);
        } else {
            System.out.print(record.path("stdout").asText());
            System.err.print(record.path("stderr").asText());
            System.out.flush();
        }
        JsonNode code = record.path("exit_code");
        return code.isNumber() ? code.asInt() : 1;
    }
}
