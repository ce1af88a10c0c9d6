package io.runcell.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runcell sandbox create|list|show|start|stop|rm}. */
@Command(
        name = "sandbox",
        description = "Manage sandboxes.",
        mixinStandardHelpOptions = true,
        subcommands = {
            SandboxCommand.Create.class,
            SandboxCommand.ListAll.class,
            SandboxCommand.Show.class,
            SandboxCommand.Start.class,
            SandboxCommand.Stop.class,
            SandboxCommand.Remove.class
        })
final class SandboxCommand {

    @Command(name = "create", description = "Create and start a sandbox.")
    static final class Create implements Runnable {
        @Mixin
        ClientOptions client;

        @Option(names = "--label")
        String label;

        @Option(names = "--backend", description = "namespace (default) or microvm")
        String backend;

        @Option(names = "--memory-mb")
        Integer memoryMb;

        @Option(names = "--vcpus")
        Integer vcpus;

        @Option(names = "--lifetime-seconds")
        Integer lifetime;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (label != null) body.put("label", label);
            if (backend != null) body.put("backend", backend);
            if (memoryMb != null) body.put("memory_mb", memoryMb);
            if (vcpus != null) body.put("vcpus", vcpus);
            if (lifetime != null) body.put("lifetime_seconds", lifetime);
            Output.print(client.client().createSandbox(body));
        }
    }

    @Command(name = "list", description = "List your sandboxes.")
    static final class ListAll implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            Output.print(client.client().listSandboxes());
        }
    }

    @Command(name = "show", description = "Show one sandbox.")
    static final class Show implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "SANDBOX")
        String id;

        @Override
        public void run() {
            Output.print(client.client().getSandbox(id));
        }
    }

    @Command(name = "start", description = "Start a stopped sandbox.")
    static final class Start implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "SANDBOX")
        String id;

        @Override
        public void run() {
            Output.print(client.client().startSandbox(id));
        }
    }

    @Command(name = "stop", description = "Stop a sandbox (keeps /workspace).")
    static final class Stop implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "SANDBOX")
        String id;

        @Override
        public void run() {
            Output.print(client.client().stopSandbox(id));
        }
    }

    @Command(name = "rm", description = "Destroy a sandbox and its workspace.")
    static final class Remove implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "SANDBOX")
        String id;

        @Override
        public void run() {
            client.client().destroySandbox(id);
            System.out.println("destroyed " + id);
        }
    }
}
