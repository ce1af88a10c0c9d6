package io.runcell.server;

import io.runcell.core.sandbox.Drivers;
import io.runcell.driver.namespace.NamespaceDriver;
import io.runcell.driver.namespace.NamespaceDriverConfig;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.SandboxDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Builds the sandbox backends this node runs from its configuration. */
final class Backends {

    private Backends() {}

    static Drivers create(ServerConfig config, Path dataDir) throws IOException {
        try {
            SandboxDriver namespace = new NamespaceDriver(new NamespaceDriverConfig(dataDir.resolve("namespace"),
                    instanceKey(dataDir), config.sandboxHelper(), null, null));
            return new Drivers(List.of(namespace), config.defaultBackend());
        } catch (DriverException e) {
            throw new IOException("the namespace backend is unavailable: " + e.getMessage(), e);
        }
    }

    /** One cgroup pool per data directory, so several servers on one host keep separate pools. */
    private static String instanceKey(Path dataDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
            return "rc-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
