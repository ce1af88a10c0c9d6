package io.runcell.server;

import io.runcell.core.policy.AllowlistCommandPolicy;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything a server start needs. Defaults: 127.0.0.1:8080, data in {@code ./data}, embedded SQLite there,
 * the namespace backend. Flags of {@code runcell serve} and {@code RUNCELL_*} environment variables override them.
 *
 * @param bind address to listen on
 * @param port TCP port (0 picks a free one)
 * @param dataDir data directory
 * @param dbUrl null for embedded SQLite in the data dir, else {@code postgresql://...}
 * @param nodeId name of this node
 * @param defaultBackend backend of sandboxes that do not ask
 * @param publicUrl base URL clients reach this server at (absolute URLs such as Vast's result_url), or null to derive it from each request's Host header
 * @param adminKey becomes the first admin key on first start, or null for a random one
 * @param sandboxHelper path of the namespace helper binary, or null to extract the bundled one
 * @param uidBase a sandbox's host uid is {@code uidBase + number}
 * @param tmpSizeMb size of each sandbox's private /tmp
 * @param microvmPool idle pre-booted VMs kept per VM shape by the microvm backend (0: none)
 * @param microvmImages cache of the built microvm guest images (content-hashed, shareable)
 * @param blockedCommands rule file of the GUARDED policy (Hostup exec), or null for the shipped default list
 * @param commandAllowlist programs a constrained command (Vast execute) may run, bare names
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
        int microvmPool,
        Path microvmImages,
        Path blockedCommands,
        Set<String> commandAllowlist) {

    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        commandAllowlist = Set.copyOf(commandAllowlist);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(
                "127.0.0.1",
                DEFAULT_PORT,
                Path.of("data"),
                null,
                "local",
                "namespace",
                null,
                null,
                null,
                200_000,
                64,
                0,
                Path.of("/var/tmp/runcell-microvm-images"),
                null,
                AllowlistCommandPolicy.DEFAULT_PROGRAMS);
    }

    /** Applies {@code RUNCELL_*} environment variables over these values. */
    public ServerConfig withEnvironment(Map<String, String> env) {
        ServerConfig c = this;
        String v;
        if ((v = env.get("RUNCELL_BIND")) != null) {
            c = c.withBind(v);
        }
        if ((v = env.get("RUNCELL_PORT")) != null) {
            c = c.withPort(Integer.parseInt(v.strip()));
        }
        if ((v = env.get("RUNCELL_DATA_DIR")) != null) {
            c = c.withDataDir(Path.of(v));
        }
        if ((v = env.get("RUNCELL_DB")) != null) {
            c = c.withDbUrl(v);
        }
        if ((v = env.get("RUNCELL_NODE_ID")) != null) {
            c = c.withNodeId(v);
        }
        if ((v = env.get("RUNCELL_DEFAULT_BACKEND")) != null) {
            c = c.withDefaultBackend(v);
        }
        if ((v = env.get("RUNCELL_PUBLIC_URL")) != null) {
            c = c.withPublicUrl(v);
        }
        if ((v = env.get("RUNCELL_ADMIN_KEY")) != null) {
            c = c.withAdminKey(v);
        }
        if ((v = env.get("RUNCELL_MICROVM_POOL")) != null) {
            c = c.withMicrovmPool(Integer.parseInt(v.strip()));
        }
        if ((v = env.get("RUNCELL_MICROVM_IMAGE_CACHE")) != null) {
            c = c.withMicrovmImages(Path.of(v));
        }
        if ((v = env.get("RUNCELL_BLOCKED_COMMANDS")) != null) {
            c = c.withBlockedCommands(Path.of(v));
        }
        if ((v = env.get("RUNCELL_COMMAND_ALLOWLIST")) != null) {
            c = c.withCommandAllowlist(parseList(v));
        }
        return c;
    }

    /** Splits a comma- or blank-separated list. */
    public static Set<String> parseList(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : text.split("[,\\s]+")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    public ServerConfig withBind(String value) {
        return new ServerConfig(
                value,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(
                bind,
                value,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withDataDir(Path value) {
        return new ServerConfig(
                bind,
                port,
                value,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withDbUrl(String value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                value,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withNodeId(String value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                value,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withDefaultBackend(String value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                value,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withPublicUrl(String value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                value,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withAdminKey(String value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                value,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withSandboxHelper(Path value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                value,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withUidBase(int value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                value,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withTmpSizeMb(int value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                value,
                microvmPool,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withMicrovmPool(int value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                value,
                microvmImages,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withMicrovmImages(Path value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                value,
                blockedCommands,
                commandAllowlist);
    }

    public ServerConfig withBlockedCommands(Path value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                value,
                commandAllowlist);
    }

    public ServerConfig withCommandAllowlist(Set<String> value) {
        return new ServerConfig(
                bind,
                port,
                dataDir,
                dbUrl,
                nodeId,
                defaultBackend,
                publicUrl,
                adminKey,
                sandboxHelper,
                uidBase,
                tmpSizeMb,
                microvmPool,
                microvmImages,
                blockedCommands,
                value);
    }
}
