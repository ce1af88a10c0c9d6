package io.runcell.server;

import io.runcell.core.sandbox.Drivers;
import io.runcell.driver.microvm.Executables;
import io.runcell.driver.microvm.MicrovmConfig;
import io.runcell.driver.microvm.MicrovmDriver;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the sandbox backends this node offers: always {@code namespace}; {@code microvm} when QEMU is installed
 * (or when it is the default backend, in which case its absence is an error at start).
 */
final class Backends {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    static final String QEMU = "qemu-system-x86_64";

    private Backends() {}

    static Drivers create(ServerConfig config, Path dataDir) {
        List<SandboxDriver> drivers = new ArrayList<>();
        try {
            drivers.add(new NamespaceDriver(new NamespaceDriverConfig(
                    dataDir.resolve("namespace"), instanceKey(dataDir), config.sandboxHelper(), null, null)));
        } catch (DriverException e) {
            throw new IllegalStateException("the namespace backend cannot run here: " + e.getMessage(), e);
        }
        boolean wantMicrovm = "microvm".equals(config.defaultBackend());
        if (Executables.find(QEMU).isPresent()) {
            MicrovmConfig microvm = MicrovmConfig.defaults(dataDir)
                    .withImageCacheDir(config.microvmImages())
                    .withPool(config.microvmPool(), 2048, List.of())
                    .withSnapshots(config.microvmSnapshots());
            drivers.add(new MicrovmDriver(microvm));
        } else if (wantMicrovm) {
            throw new IllegalStateException(
                    "the microvm backend needs " + QEMU + ": apt-get install qemu-system-x86 cpio xz-utils binutils");
        } else {
            LOG.info("microvm backend disabled: {} is not installed", QEMU);
        }
        return new Drivers(drivers, config.defaultBackend());
    }

    /**
     * Names this server's cgroup pool after its data directory, so two servers on one host (tests, a cluster demo)
     * never share or reclaim each other's cgroups.
     */
    static String instanceKey(Path dataDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
            return "d" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
