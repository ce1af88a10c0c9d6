package io.runcell.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runcell plans list|create|update|assign}. */
@Command(
        name = "plans",
        description = "List, create and assign plans (limits, rates and quotas).",
        mixinStandardHelpOptions = true,
        subcommands = {
            PlansCommand.ListAll.class,
            PlansCommand.Create.class,
            PlansCommand.Update.class,
            PlansCommand.Assign.class
        })
final class PlansCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Command(name = "list", description = "List the plans.")
    static final class ListAll implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            Output.print(client.client().call("GET", "/runcell/v1/plans", null));
        }
    }

    /** The limits a create or update may set; unset options keep the base plan's values. */
    static class Limits {
        @Option(names = "--max-sandboxes")
        Integer maxSandboxes;

        @Option(names = "--max-concurrent-executions")
        Integer maxConcurrentExecutions;

        @Option(names = "--default-lifetime-seconds")
        Integer defaultLifetimeSeconds;

        @Option(names = "--max-lifetime-seconds")
        Integer maxLifetimeSeconds;

        @Option(names = "--default-memory-mb")
        Integer defaultMemoryMb;

        @Option(names = "--max-memory-mb")
        Integer maxMemoryMb;

        @Option(names = "--default-vcpus")
        Integer defaultVcpus;

        @Option(names = "--max-vcpus")
        Integer maxVcpus;

        @Option(names = "--default-exec-timeout-seconds")
        Integer defaultExecTimeoutSeconds;

        @Option(names = "--max-exec-timeout-seconds")
        Integer maxExecTimeoutSeconds;

        @Option(names = "--output-cap-bytes")
        Integer outputCapBytes;

        @Option(names = "--exec-rate", description = "execution starts per second (0 = unlimited)")
        Double execRate;

        @Option(names = "--manage-rate", description = "sandbox changes per second (0 = unlimited)")
        Double manageRate;

        @Option(names = "--read-rate", description = "reads per second (0 = unlimited)")
        Double readRate;

        @Option(names = "--command-allowlist", split = ",", description = "programs of the allowlist policy")
        List<String> allowlist;

        ObjectNode body(String name) {
            ObjectNode b = MAPPER.createObjectNode();
            if (name != null) {
                b.put("name", name);
            }
            put(b, "max_sandboxes", maxSandboxes);
            put(b, "max_concurrent_executions", maxConcurrentExecutions);
            put(b, "default_lifetime_seconds", defaultLifetimeSeconds);
            put(b, "max_lifetime_seconds", maxLifetimeSeconds);
            put(b, "default_memory_mb", defaultMemoryMb);
            put(b, "max_memory_mb", maxMemoryMb);
            put(b, "default_vcpus", defaultVcpus);
            put(b, "max_vcpus", maxVcpus);
            put(b, "default_exec_timeout_seconds", defaultExecTimeoutSeconds);
            put(b, "max_exec_timeout_seconds", maxExecTimeoutSeconds);
            put(b, "output_cap_bytes", outputCapBytes);
            if (execRate != null) {
                b.put("exec_rate_per_second", execRate);
            }
            if (manageRate != null) {
                b.put("manage_rate_per_second", manageRate);
            }
            if (readRate != null) {
                b.put("read_rate_per_second", readRate);
            }
            if (allowlist != null) {
                allowlist.forEach(b.putArray("command_allowlist")::add);
            }
            return b;
        }

        private static void put(ObjectNode b, String field, Integer value) {
            if (value != null) {
                b.put(field, value);
            }
        }
    }

    @Command(name = "create", description = "Create a plan (admin); unset limits come from the default plan.")
    static final class Create extends Limits implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            Output.print(client.client().call("POST", "/runcell/v1/plans", body(name)));
        }
    }

    @Command(name = "update", description = "Change a plan's limits (admin); unset limits stay as they are.")
    static final class Update extends Limits implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            Output.print(client.client().call("PUT", "/runcell/v1/plans/" + name, body(null)));
        }
    }

    @Command(name = "assign", description = "Put an account on a plan (admin).")
    static final class Assign implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ACCOUNT_ID")
        String account;

        @Parameters(index = "1", paramLabel = "PLAN")
        String plan;

        @Override
        public void run() {
            Output.print(client.client()
                    .call(
                            "PUT",
                            "/runcell/v1/accounts/" + account + "/plan",
                            MAPPER.createObjectNode().put("plan", plan)));
        }
    }
}
