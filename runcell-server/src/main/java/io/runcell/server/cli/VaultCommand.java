package io.runcell.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runcell vault create|list|put|rm|rotate-master-key}. Secret values are read from standard input (one
 * line each) or from the environment variable of the same name, never from the command line, so they do not
 * land in shell history or process listings.
 */
@Command(
        name = "vault",
        description = "Manage vaults of secrets injected into executions.",
        mixinStandardHelpOptions = true,
        subcommands = {
            VaultCommand.Create.class,
            VaultCommand.ListAll.class,
            VaultCommand.Put.class,
            VaultCommand.Remove.class,
            VaultCommand.RotateMasterKey.class
        })
final class VaultCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String valueOf(String name, boolean fromEnv, BufferedReader stdin) {
        if (fromEnv) {
            String v = System.getenv(name);
            if (v == null) {
                throw new IllegalArgumentException("environment variable " + name + " is not set");
            }
            return v;
        }
        try {
            String line = stdin.readLine();
            if (line == null) {
                throw new IllegalArgumentException("no value on standard input for " + name);
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedReader stdin() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    @Command(
            name = "create",
            description = "Create a vault; each secret's value is read from stdin (one line each, in order).")
    static final class Create implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--secret", paramLabel = "SECRET_NAME", description = "a secret to store (repeatable)")
        List<String> secrets;

        @Option(
                names = "--from-env",
                description = "take each value from the environment variable of the secret's name")
        boolean fromEnv;

        @Override
        public void run() {
            ObjectNode body = MAPPER.createObjectNode().put("name", name);
            ObjectNode s = body.putObject("secrets");
            BufferedReader in = stdin();
            if (secrets != null) {
                for (String n : secrets) {
                    s.put(n, valueOf(n, fromEnv, in));
                }
            }
            Output.print(client.client().call("POST", "/runcell/v1/vaults", body));
        }
    }

    @Command(name = "list", description = "List your vaults and their secrets' names (never values).")
    static final class ListAll implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            Output.print(client.client().call("GET", "/runcell/v1/vaults", null));
        }
    }

    @Command(name = "put", description = "Set one secret; the value is read from stdin (or --from-env).")
    static final class Put implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "VAULT_ID")
        String vault;

        @Parameters(index = "1", paramLabel = "SECRET_NAME")
        String name;

        @Option(names = "--from-env")
        boolean fromEnv;

        @Override
        public void run() {
            String value = valueOf(name, fromEnv, stdin());
            client.client()
                    .call(
                            "PUT",
                            "/runcell/v1/vaults/" + vault + "/secrets/" + name,
                            MAPPER.createObjectNode().put("value", value));
            System.out.println("stored " + name + " in " + vault);
        }
    }

    @Command(name = "rm", description = "Delete a secret, or the whole vault when no secret is named.")
    static final class Remove implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "VAULT_ID")
        String vault;

        @Parameters(index = "1", paramLabel = "SECRET_NAME", arity = "0..1")
        String name;

        @Override
        public void run() {
            if (name == null) {
                client.client().call("DELETE", "/runcell/v1/vaults/" + vault, null);
                System.out.println("deleted " + vault);
            } else {
                client.client().call("DELETE", "/runcell/v1/vaults/" + vault + "/secrets/" + name, null);
                System.out.println("deleted " + name + " from " + vault);
            }
        }
    }

    @Command(name = "rotate-master-key", description = "Re-encrypt every secret under a new master key (admin).")
    static final class RotateMasterKey implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            JsonNode r = client.client().call("POST", "/runcell/v1/admin/master-key/rotate", null);
            System.out.println("re-encrypted " + r.path("rotated_secrets").asLong() + " secrets");
            if (r.hasNonNull("operator_message")) {
                System.out.println(r.get("operator_message").asText());
            }
        }
    }
}
