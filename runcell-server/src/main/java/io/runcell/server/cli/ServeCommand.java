package io.runcell.server.cli;

import io.runcell.core.account.AccountService;
import io.runcell.server.RuncellServer;
import io.runcell.server.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runcell serve}: runs the server until SIGTERM/SIGINT. */
@Command(name = "serve", description = "Run the Runcell server.", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "TCP port (env RUNCELL_PORT, default 8080; 0 picks a free one)")
    Integer port;

    @Option(names = "--bind", description = "address to listen on (env RUNCELL_BIND, default 127.0.0.1)")
    String bind;

    @Option(names = "--data-dir", description = "data directory (env RUNCELL_DATA_DIR, default ./data)")
    Path dataDir;

    @Option(
            names = "--db",
            description = "postgresql://user:pass@host:port/db (env RUNCELL_DB); default embedded SQLite")
    String db;

    @Option(names = "--node-id", description = "node name (env RUNCELL_NODE_ID, default local)")
    String nodeId;

    @Option(names = "--default-backend", description = "namespace or microvm (env RUNCELL_DEFAULT_BACKEND)")
    String backend;

    @Option(
            names = "--command-allowlist",
            description =
                    "programs Vast's constrained execute may run, comma-separated (env RUNCELL_COMMAND_ALLOWLIST, default ls,rm,du)")
    String commandAllowlist;

    @Option(names = "--public-url", description = "base URL clients reach this server at (env RUNCELL_PUBLIC_URL)")
    String publicUrl;

    @Option(
            names = "--microvm-pool",
            description = "idle pre-booted VMs per shape for the microvm backend (env RUNCELL_MICROVM_POOL, default 0)")
    Integer microvmPool;

    @Option(
            names = "--microvm-snapshots",
            arity = "1",
            paramLabel = "true|false",
            description = "start microvm VMs from a per-shape snapshot template instead of booting each"
                    + " (env RUNCELL_MICROVM_SNAPSHOTS, default true)")
    Boolean microvmSnapshots;

    @Option(
            names = "--blocked-commands",
            description =
                    "rule file of blocked commands for Hostup exec (env RUNCELL_BLOCKED_COMMANDS); default: the shipped list")
    Path blockedCommands;

    @Option(
            names = "--advertise-url",
            description = "URL the other nodes of a cluster reach this one at (env RUNCELL_ADVERTISE_URL,"
                    + " default http://BIND:PORT)")
    String advertiseUrl;

    @Option(
            names = "--node-capacity",
            description = "most sandboxes this node holds in a cluster (env RUNCELL_NODE_CAPACITY, default 1000)")
    Integer nodeCapacity;

    @Option(
            names = "--drain-seconds",
            description = "on SIGTERM, how long to let running executions finish (env RUNCELL_DRAIN_SECONDS,"
                    + " default 30)")
    Integer drainSeconds;

    @Option(
            names = "--max-upload-bytes",
            description = "largest upload request body (env RUNCELL_MAX_UPLOAD_BYTES, default 67108864 = 64 MiB)")
    Long maxUploadBytes;

    @Option(
            names = "--max-download-bytes",
            description =
                    "largest file a download returns (env RUNCELL_MAX_DOWNLOAD_BYTES, default 104857600 = 100 MiB)")
    Long maxDownloadBytes;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = config(System.getenv());
        RuncellServer server = RuncellServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "runcell-shutdown"));
        printWelcome(server, config);
        stopped.await();
        return 0;
    }

    /** The defaults, then {@code RUNCELL_*} variables of {@code env}, then the flags given: the last one wins. */
    ServerConfig config(Map<String, String> env) {
        ServerConfig config = ServerConfig.defaults().withEnvironment(env);
        if (port != null) config = config.withPort(port);
        if (bind != null) config = config.withBind(bind);
        if (dataDir != null) config = config.withDataDir(dataDir);
        if (db != null) config = config.withDbUrl(db);
        if (nodeId != null) config = config.withNodeId(nodeId);
        if (backend != null) config = config.withDefaultBackend(backend);
        if (publicUrl != null) config = config.withPublicUrl(publicUrl);
        if (microvmPool != null) config = config.withMicrovmPool(microvmPool);
        if (microvmSnapshots != null) config = config.withMicrovmSnapshots(microvmSnapshots);
        if (commandAllowlist != null) config = config.withCommandAllowlist(ServerConfig.parseList(commandAllowlist));
        if (blockedCommands != null) config = config.withBlockedCommands(blockedCommands);
        if (advertiseUrl != null) config = config.withAdvertiseUrl(advertiseUrl);
        if (nodeCapacity != null) config = config.withNodeCapacity(nodeCapacity);
        if (drainSeconds != null) config = config.withDrainSeconds(drainSeconds);
        if (maxUploadBytes != null) config = config.withMaxUploadBytes(maxUploadBytes);
        if (maxDownloadBytes != null) config = config.withMaxDownloadBytes(maxDownloadBytes);
        return config;
    }

    // The key goes to the terminal once, never to the log.
    private static void printWelcome(RuncellServer server, ServerConfig config) {
        String url = server.baseUrl();
        System.out.println();
        System.out.println("Runcell is running at " + url);
        server.bootstrap()
                .ifPresentOrElse(
                        b -> printKey(b, url, config),
                        () -> System.out.println("Your admin key is in "
                                + config.dataDir().resolve("admin.key") + " (created on first start)."));
        System.out.println();
        System.out.flush();
    }

    private static void printKey(AccountService.Bootstrap b, String url, ServerConfig config) {
        System.out.println("First start: created the admin account and this API key (shown once; also saved 0600 in "
                + config.dataDir().resolve("admin.key") + "):");
        System.out.println();
        System.out.println("  " + b.key().token());
        System.out.println();
        System.out.println("Try it:");
        System.out.println("  export RUNCELL_API_KEY=" + b.key().token());
        System.out.println("  curl -s -X POST " + url
                + "/runcell/v1/sandboxes -H \"Authorization: Bearer $RUNCELL_API_KEY\" -d '{}'");
        System.out.println(
                "  curl -s -X POST " + url
                        + "/runcell/v1/sandboxes/SANDBOX_ID/executions -H \"Authorization: Bearer $RUNCELL_API_KEY\" -d '{\"command\":\"echo hello\",\"wait\":true}'");
    }
}
