package io.runcell.server;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a server start needs. Defaults: 127.0.0.1:8080, data in {@code ./data}, embedded SQLite there,
 * the namespace backend.
 *
 * @param dbUrl          null for embedded SQLite in the data dir, else {@code postgresql://...}
 * @param publicUrl      base URL clients reach this server at (absolute URLs such as Vast's result_url), or
 *                       null to derive it from each request's Host header
 * @param adminKey       becomes the first admin key on first start, or null for a random one
 * @param sandboxHelper  path of the namespace helper binary, or null to extract the bundled one
 * @param blockedCommands rule file of the GUARDED policy (Hostup exec), or null for the shipped default list
 */
public record ServerConfig(
        String bind,
        int port,
        Path dataDir,
        String dbUrl,
        String nodeId,
        String defaultBackend,
        String publicUrl,
        String adminKey,
        Path sandboxHelper,
        int uidBase,
        int tmpSizeMb,
        Path blockedCommands) {

    public static final int DEFAULT_PORT = 8080;

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", DEFAULT_PORT, Path.of("data"), null, "local", "namespace", null, null,
                null, 200_000, 64, null);
    }

    /** Applies {@code RUNCELL_*} environment variables over these values. */
    public ServerConfig withEnvironment(Map<String, String> env) {
        ServerConfig c = this;
        if (env.containsKey("RUNCELL_BIND")) {
            c = c.withBind(env.get("RUNCELL_BIND"));
        }
        if (env.containsKey("RUNCELL_PORT")) {
            c = c.withPort(Integer.parseInt(env.get("RUNCELL_PORT").strip()));
        }
        if (env.containsKey("RUNCELL_DATA_DIR")) {
            c = c.withDataDir(Path.of(env.get("RUNCELL_DATA_DIR")));
        }
        if (env.containsKey("RUNCELL_DB")) {
            c = c.withDbUrl(env.get("RUNCELL_DB"));
        }
        if (env.containsKey("RUNCELL_NODE_ID")) {
            c = c.withNodeId(env.get("RUNCELL_NODE_ID"));
        }
        if (env.containsKey("RUNCELL_DEFAULT_BACKEND")) {
            c = c.withDefaultBackend(env.get("RUNCELL_DEFAULT_BACKEND"));
        }
        if (env.containsKey("RUNCELL_PUBLIC_URL")) {
            c = c.withPublicUrl(env.get("RUNCELL_PUBLIC_URL"));
        }
        if (env.containsKey("RUNCELL_ADMIN_KEY")) {
            c = c.withAdminKey(env.get("RUNCELL_ADMIN_KEY"));
        }
        if (env.containsKey("RUNCELL_BLOCKED_COMMANDS")) {
            c = c.withBlockedCommands(Path.of(env.get("RUNCELL_BLOCKED_COMMANDS")));
        }
        return c;
    }

    public ServerConfig withBind(String v) {
        return new ServerConfig(v, port, dataDir, dbUrl, nodeId, defaultBackend, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withPort(int v) {
        return new ServerConfig(bind, v, dataDir, dbUrl, nodeId, defaultBackend, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withDataDir(Path v) {
        return new ServerConfig(bind, port, v, dbUrl, nodeId, defaultBackend, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withDbUrl(String v) {
        return new ServerConfig(bind, port, dataDir, v, nodeId, defaultBackend, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withNodeId(String v) {
        return new ServerConfig(bind, port, dataDir, dbUrl, v, defaultBackend, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withDefaultBackend(String v) {
        return new ServerConfig(bind, port, dataDir, dbUrl, nodeId, v, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withPublicUrl(String v) {
        return new ServerConfig(bind, port, dataDir, dbUrl, nodeId, defaultBackend, v, adminKey, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withAdminKey(String v) {
        return new ServerConfig(bind, port, dataDir, dbUrl, nodeId, defaultBackend, publicUrl, v, sandboxHelper, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withSandboxHelper(Path v) {
        return new ServerConfig(bind, port, dataDir, dbUrl, nodeId, defaultBackend, publicUrl, adminKey, v, uidBase, tmpSizeMb, blockedCommands);
    }

    public ServerConfig withBlockedCommands(Path v) {
        return new ServerConfig(bind, port, dataDir, dbUrl, nodeId, defaultBackend, publicUrl, adminKey, sandboxHelper, uidBase, tmpSizeMb, v);
    }
}
