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
 * @param microvmSnapshots start microvm VMs by restoring a per-shape snapshot template instead of booting each
 * @param blockedCommands rule file of the GUARDED policy (Hostup exec), or null for the shipped default list
 * @param commandAllowlist programs a constrained command (Vast execute) may run, bare names
 * @param advertiseUrl where the other nodes of a cluster reach this one, or null for {@code http://bind:port}
 * @param nodeCapacity the most sandboxes this node holds in a cluster; new ones go to other nodes beyond it
 * @param drainSeconds how long a graceful shutdown waits for running executions to finish
 * @param maxUploadBytes largest upload request body (InstaVM's multipart {@code /upload}, held in memory whole)
 * @param maxDownloadBytes largest file a download returns (InstaVM's {@code /download}); larger ones are 413
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
        boolean microvmSnapshots,
        Path blockedCommands,
        Set<String> commandAllowlist,
        String advertiseUrl,
        int nodeCapacity,
        int drainSeconds,
        long maxUploadBytes,
        long maxDownloadBytes) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_NODE_CAPACITY = 1000;
    public static final int DEFAULT_DRAIN_SECONDS = 30;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 100L * 1024 * 1024;
    /** Both transfer caps stay below this: a transfer is held in memory whole (base64 on the way out). */
    public static final long MAX_TRANSFER_BYTES = 1024L * 1024 * 1024;

    public ServerConfig {
        commandAllowlist = Set.copyOf(commandAllowlist);
        requireTransferCap("max upload bytes", maxUploadBytes);
        requireTransferCap("max download bytes", maxDownloadBytes);
    }

    private static void requireTransferCap(String name, long value) {
        if (value < 1 || value > MAX_TRANSFER_BYTES) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_TRANSFER_BYTES + ": " + value);
        }
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
                true,
                null,
                AllowlistCommandPolicy.DEFAULT_PROGRAMS,
                null,
                DEFAULT_NODE_CAPACITY,
                DEFAULT_DRAIN_SECONDS,
                DEFAULT_MAX_UPLOAD_BYTES,
                DEFAULT_MAX_DOWNLOAD_BYTES);
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
        if ((v = env.get("RUNCELL_MICROVM_SNAPSHOTS")) != null) {
            c = c.withMicrovmSnapshots(parseSwitch("RUNCELL_MICROVM_SNAPSHOTS", v));
        }
        if ((v = env.get("RUNCELL_BLOCKED_COMMANDS")) != null) {
            c = c.withBlockedCommands(Path.of(v));
        }
        if ((v = env.get("RUNCELL_COMMAND_ALLOWLIST")) != null) {
            c = c.withCommandAllowlist(parseList(v));
        }
        if ((v = env.get("RUNCELL_ADVERTISE_URL")) != null) {
            c = c.withAdvertiseUrl(v);
        }
        if ((v = env.get("RUNCELL_NODE_CAPACITY")) != null) {
            c = c.withNodeCapacity(Integer.parseInt(v.strip()));
        }
        if ((v = env.get("RUNCELL_DRAIN_SECONDS")) != null) {
            c = c.withDrainSeconds(Integer.parseInt(v.strip()));
        }
        if ((v = env.get("RUNCELL_MAX_UPLOAD_BYTES")) != null) {
            c = c.withMaxUploadBytes(Long.parseLong(v.strip()));
        }
        if ((v = env.get("RUNCELL_MAX_DOWNLOAD_BYTES")) != null) {
            c = c.withMaxDownloadBytes(Long.parseLong(v.strip()));
        }
        return c;
    }

    /** {@code true}/{@code on}/{@code 1} or {@code false}/{@code off}/{@code 0}; anything else is an error. */
    static boolean parseSwitch(String name, String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + text + "'");
        };
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
        return edit(b -> b.bind = value);
    }

    public ServerConfig withPort(int value) {
        return edit(b -> b.port = value);
    }

    public ServerConfig withDataDir(Path value) {
        return edit(b -> b.dataDir = value);
    }

    public ServerConfig withDbUrl(String value) {
        return edit(b -> b.dbUrl = value);
    }

    public ServerConfig withNodeId(String value) {
        return edit(b -> b.nodeId = value);
    }

    public ServerConfig withDefaultBackend(String value) {
        return edit(b -> b.defaultBackend = value);
    }

    public ServerConfig withPublicUrl(String value) {
        return edit(b -> b.publicUrl = value);
    }

    public ServerConfig withAdminKey(String value) {
        return edit(b -> b.adminKey = value);
    }

    public ServerConfig withSandboxHelper(Path value) {
        return edit(b -> b.sandboxHelper = value);
    }

    public ServerConfig withUidBase(int value) {
        return edit(b -> b.uidBase = value);
    }

    public ServerConfig withTmpSizeMb(int value) {
        return edit(b -> b.tmpSizeMb = value);
    }

    public ServerConfig withMicrovmPool(int value) {
        return edit(b -> b.microvmPool = value);
    }

    public ServerConfig withMicrovmImages(Path value) {
        return edit(b -> b.microvmImages = value);
    }

    public ServerConfig withMicrovmSnapshots(boolean value) {
        return edit(b -> b.microvmSnapshots = value);
    }

    public ServerConfig withBlockedCommands(Path value) {
        return edit(b -> b.blockedCommands = value);
    }

    public ServerConfig withCommandAllowlist(Set<String> value) {
        return edit(b -> b.commandAllowlist = value);
    }

    public ServerConfig withAdvertiseUrl(String value) {
        return edit(b -> b.advertiseUrl = value);
    }

    public ServerConfig withNodeCapacity(int value) {
        return edit(b -> b.nodeCapacity = value);
    }

    public ServerConfig withDrainSeconds(int value) {
        return edit(b -> b.drainSeconds = value);
    }

    public ServerConfig withMaxUploadBytes(long value) {
        return edit(b -> b.maxUploadBytes = value);
    }

    public ServerConfig withMaxDownloadBytes(long value) {
        return edit(b -> b.maxDownloadBytes = value);
    }

    /** Mutable copy of the components, so each wither names only the component it changes. */
    private static final class Draft {
        String bind;
        int port;
        Path dataDir;
        String dbUrl;
        String nodeId;
        String defaultBackend;
        String publicUrl;
        String adminKey;
        Path sandboxHelper;
        int uidBase;
        int tmpSizeMb;
        int microvmPool;
        Path microvmImages;
        boolean microvmSnapshots;
        Path blockedCommands;
        Set<String> commandAllowlist;
        String advertiseUrl;
        int nodeCapacity;
        int drainSeconds;
        long maxUploadBytes;
        long maxDownloadBytes;

        Draft(ServerConfig c) {
            bind = c.bind;
            port = c.port;
            dataDir = c.dataDir;
            dbUrl = c.dbUrl;
            nodeId = c.nodeId;
            defaultBackend = c.defaultBackend;
            publicUrl = c.publicUrl;
            adminKey = c.adminKey;
            sandboxHelper = c.sandboxHelper;
            uidBase = c.uidBase;
            tmpSizeMb = c.tmpSizeMb;
            microvmPool = c.microvmPool;
            microvmImages = c.microvmImages;
            microvmSnapshots = c.microvmSnapshots;
            blockedCommands = c.blockedCommands;
            commandAllowlist = c.commandAllowlist;
            advertiseUrl = c.advertiseUrl;
            nodeCapacity = c.nodeCapacity;
            drainSeconds = c.drainSeconds;
            maxUploadBytes = c.maxUploadBytes;
            maxDownloadBytes = c.maxDownloadBytes;
        }

        ServerConfig build() {
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
                    microvmSnapshots,
                    blockedCommands,
                    commandAllowlist,
                    advertiseUrl,
                    nodeCapacity,
                    drainSeconds,
                    maxUploadBytes,
                    maxDownloadBytes);
        }
    }

    private ServerConfig edit(java.util.function.Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }
}
