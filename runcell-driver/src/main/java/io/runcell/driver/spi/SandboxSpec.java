package io.runcell.driver.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a driver needs to start one sandbox.
 *
 * @param key         stable, filesystem-safe identifier of the sandbox ({@code [a-z0-9_-]+})
 * @param uid         host uid (and gid) the sandbox's processes run as; never 0
 * @param memoryMb    memory limit of the whole sandbox, in MiB
 * @param vcpus       CPU limit in cores (a CFS quota for the namespace backend, vCPUs for a VM)
 * @param pidsMax     maximum number of processes and threads in the sandbox
 * @param tmpSizeMb   size of the private {@code /tmp}, in MiB
 * @param network     whether the sandbox may reach the host's network (loopback only when false)
 * @param env         environment given to every execution of this sandbox
 */
public record SandboxSpec(
        String key,
        int uid,
        int memoryMb,
        int vcpus,
        int pidsMax,
        int tmpSizeMb,
        boolean network,
        Map<String, String> env) {

    public SandboxSpec {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[a-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("sandbox key must match [a-z0-9_-]{1,64}: " + key);
        }
        if (uid <= 0) {
            throw new IllegalArgumentException("sandbox uid must not be root");
        }
        if (memoryMb <= 0 || vcpus <= 0 || pidsMax <= 0 || tmpSizeMb <= 0) {
            throw new IllegalArgumentException("sandbox limits must be positive");
        }
        env = Map.copyOf(env);
    }
}
