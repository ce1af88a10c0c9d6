package io.runcell.testing.cluster;

import io.runcell.store.PostgresServer;
import io.runcell.testing.Cleanup;
import io.runcell.testing.ForkedServer;
import io.runcell.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real cluster on 127.0.0.1: one PostgreSQL server (Debian's binaries) and Runcell nodes, each its own JVM
 * ({@code runcell serve --db postgresql://... --node-id NAME}) with its own data dir, sharing the master key and a
 * preset admin key.
 */
final class ClusterFixture implements AutoCloseable {

    final String adminKey = "rc_cluster_test_" + random(18);
    private final PostgresServer postgres;
    private final String dbUrl;
    private final Path root;
    private final Map<String, String> env;
    private final Map<String, ForkedServer> nodes = new LinkedHashMap<>();
    private final Map<String, List<String>> extraArgs = new LinkedHashMap<>();

    private ClusterFixture() throws Exception {
        this.postgres = PostgresServer.start();
        this.dbUrl = postgres.newDatabaseUrl();
        this.root = Files.createTempDirectory("runcell-cluster-");
        this.env = Map.of("RUNCELL_MASTER_KEY", random(32), "RUNCELL_ADMIN_KEY", adminKey);
    }

    /** PostgreSQL plus nodes {@code names}, started one after another. */
    static ClusterFixture start(String... names) throws Exception {
        ClusterFixture f = new ClusterFixture();
        try {
            for (String name : names) {
                f.startNode(name);
            }
            return f;
        } catch (Exception | Error e) {
            f.close();
            throw e;
        }
    }

    /** Starts (or restarts, same data dir) node {@code name} with {@code args} added to its command line. */
    ForkedServer startNode(String name, String... args) {
        List<String> all = new ArrayList<>(List.of("--db", dbUrl, "--node-id", name, "--drain-seconds", "20"));
        all.addAll(List.of(args));
        extraArgs.put(name, all);
        ForkedServer node = ForkedServer.start(root.resolve(name), env, all.toArray(String[]::new));
        nodes.put(name, node);
        return node;
    }

    ForkedServer node(String name) {
        return nodes.get(name);
    }

    /** The admin's client of node {@code name}. */
    Http api(String name) {
        return nodes.get(name).http().bearer(adminKey);
    }

    /**
     * The cluster's shared relay-credential key, read from PostgreSQL as a node reads it: a test signs with it to
     * send a request as if another node relayed it.
     */
    byte[] relayKey() {
        try (io.runcell.store.Database db = io.runcell.store.Database.open(dbUrl, 2)) {
            return java.util.Base64.getDecoder().decode(db.nodes().settingOrCreate("relay-credential-key", "absent"));
        }
    }

    String url(String name) {
        return nodes.get(name).url();
    }

    @Override
    public void close() throws Exception {
        try {
            for (ForkedServer node : nodes.values()) {
                node.kill();
            }
        } finally {
            try {
                postgres.close();
            } finally {
                Cleanup.deleteTree(root);
            }
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
