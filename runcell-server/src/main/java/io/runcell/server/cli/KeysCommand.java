package io.runcell.server.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runcell keys create|list|revoke}. */
@Command(
        name = "keys",
        description = "Manage API keys.",
        mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Create.class, KeysCommand.ListAll.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @Command(name = "create", description = "Create a key (shown once).")
    static final class Create implements Runnable {
        @Mixin
        ClientOptions client;

        @Option(names = "--name", defaultValue = "cli")
        String name;

        @Option(names = "--account", description = "account id (admin only); default: your own")
        String account;

        @Option(
                names = "--scope",
                split = ",",
                defaultValue = "read:vm,write:vm",
                description = "read:vm, write:vm, admin")
        List<String> scopes;

        @Override
        public void run() {
            Output.print(client.client().createKey(account, name, scopes));
        }
    }

    @Command(name = "list", description = "List your keys (never the secret).")
    static final class ListAll implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            Output.print(client.client().listKeys());
        }
    }

    @Command(name = "revoke", description = "Revoke a key; it stops working at once.")
    static final class Revoke implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "KEY_ID")
        String id;

        @Override
        public void run() {
            client.client().revokeKey(id);
            System.out.println("revoked " + id);
        }
    }
}
