package io.runcell.server.cli;

import io.runcell.client.RuncellClientException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Prints client failures as one line instead of a stack trace. */
final class ClientErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (ex instanceof RuncellClientException e) {
            cmd.getErr().println("error: HTTP " + e.status() + " " + e.body());
            return 1;
        }
        if (ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + ex.getMessage());
            return 1;
        }
        throw new RuntimeException(ex);
    }
}
