package io.runcell.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.client.RuncellClient;
import io.runcell.server.RuncellServer;
import io.runcell.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real Runcell server in this JVM on a random port with a fresh data directory (deleted on close), with the
 * admin key of its first start.
 */
public final class TestServer implements AutoCloseable {

    private final RuncellServer server;
    private final Path dataDir;
    private final String adminKey;

    private TestServer(RuncellServer server, Path dataDir, String adminKey) {
        this.server = server;
        this.dataDir = dataDir;
        this.adminKey = adminKey;
    }

    public static TestServer start() {
        return start(UnaryOperator.identity());
    }

    public static TestServer start(UnaryOperator<ServerConfig> customize) {
        try {
            Path dir = Files.createTempDirectory("runcell-test-");
            ServerConfig config =
                    customize.apply(ServerConfig.defaults().withPort(0).withDataDir(dir));
            RuncellServer server = RuncellServer.start(config);
            String key = server.bootstrap().orElseThrow().key().token();
            return new TestServer(server, dir, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return server.baseUrl();
    }

    public int port() {
        return server.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String adminKey() {
        return adminKey;
    }

    public RuncellServer server() {
        return server;
    }

    public Http http() {
        return new Http(url());
    }

    public RuncellClient client(String key) {
        return new RuncellClient(url(), key);
    }

    public RuncellClient admin() {
        return client(adminKey);
    }

    /** Creates an account and returns a key of it with {@code scopes} (default read:vm + write:vm). */
    public String newAccountKey(String name, String... scopes) {
        RuncellClient admin = admin();
        JsonNode account = admin.call(
                "POST", "/runcell/v1/accounts", Http.JSON.createObjectNode().put("name", name));
        List<String> s = scopes.length == 0 ? List.of("read:vm", "write:vm") : List.of(scopes);
        return admin.createKey(account.get("id").asText(), name + "-key", s)
                .get("key")
                .asText();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            Cleanup.deleteTree(dataDir);
        }
    }
}
