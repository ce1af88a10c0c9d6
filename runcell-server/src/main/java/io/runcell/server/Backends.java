package io.runcell.server;

import io.runcell.core.sandbox.Drivers;
import io.runcell.driver.namespace.NamespaceDriver;
import io.runcell.driver.namespace.NamespaceDriverConfig;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.SandboxDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds the sandbox backends this node offers. */
final class Backends {

    private Backends() {}

    static Drivers create(ServerConfig config, Path dataDir) {
        List<SandboxDriver> drivers = new ArrayList<>();
        try {
            drivers.add(new NamespaceDriver(new NamespaceDriverConfig(dataDir.resolve("namespace"),
                    instanceKey(dataDir), config.sandboxHelper(), null, null)));
        } catch (DriverException e) {
            throw new IllegalStateException("the namespace backend cannot run here: " + e.getMessage(), e);
        }
        return new Drivers(drivers, config.defaultBackend());
    }

    /**
     * Names this server's cgroup pool after its data directory, so two servers on one host (tests, a cluster demo)
     * never share or reclaim each other's cgroups.
     */
    static String instanceKey(Path dataDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
            return "d" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
