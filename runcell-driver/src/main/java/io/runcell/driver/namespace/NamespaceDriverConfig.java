package io.runcell.driver.namespace;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of a {@link NamespaceDriver}.
 *
 * @param dataDir      root of the driver's files: {@code sandboxes/<key>/{workspace,etc}}, {@code state/} (pidfiles,
 *                     holder logs) and {@code bin/} (the extracted helper)
 * @param instanceKey  names this server's cgroup pool ({@code <cgroupRoot>/<controller>/runcell/<instanceKey>/slot-N}),
 *                     so several servers on one host keep separate pools; {@code [a-z0-9_-]{1,32}}
 * @param helperBinary the {@code runcell-sandbox} helper to run, or null to extract the one on the classpath into
 *                     {@code <dataDir>/bin}
 * @param bwrap        the bubblewrap binary, or null for {@code /usr/bin/bwrap}
 * @param cgroupRoot   where cgroup hierarchies are mounted, or null for {@code /sys/fs/cgroup}
 */
public record NamespaceDriverConfig(Path dataDir, String instanceKey, Path helperBinary, Path bwrap, Path cgroupRoot) {

    public NamespaceDriverConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(instanceKey, "instanceKey");
        if (!instanceKey.matches("[a-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("instanceKey must match [a-z0-9_-]{1,32}: " + instanceKey);
        }
        dataDir = dataDir.toAbsolutePath();
        bwrap = bwrap == null ? Path.of("/usr/bin/bwrap") : bwrap;
        cgroupRoot = cgroupRoot == null ? Path.of("/sys/fs/cgroup") : cgroupRoot;
    }

    /** The defaults: extracted helper, {@code /usr/bin/bwrap}, cgroups under {@code /sys/fs/cgroup}. */
    public static NamespaceDriverConfig of(Path dataDir, String instanceKey) {
        return new NamespaceDriverConfig(dataDir, instanceKey, null, null, null);
    }
}
