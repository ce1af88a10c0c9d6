package io.runcell.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./runcell}. */
@Command(
        name = "runcell",
        mixinStandardHelpOptions = true,
        version = "runcell 0.1.0",
        description = "Runs commands in isolated sandboxes behind the Vast.ai, InstaVM, Hostup and native APIs.",
        subcommands = {
            ServeCommand.class,
            SandboxCommand.class,
            ExecCommandLine.class,
            KeysCommand.class,
            PlansCommand.class,
            VaultCommand.class
        })
public final class RuncellMain {

    public static void main(String[] args) {
        int code = new CommandLine(new RuncellMain())
                .setExecutionExceptionHandler(new ClientErrors())
                .execute(args);
        System.exit(code);
    }
}
