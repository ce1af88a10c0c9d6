package io.runcell.driver.namespace;

import io.runcell.driver.spi.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line of a sandbox's holder: the helper joining the slot's cgroups, then bubblewrap, whose
 * command is the helper again as the sandbox's pid 1 ({@code --as-pid-1}: no separate bubblewrap reaper), bound
 * read-only at {@link #INIT}, without capabilities. It reaps orphans and keeps the namespaces alive.
 */
final class HolderCommand {

    /** Where the sandbox's pid 1 binary is bound inside the sandbox. */
    static final String INIT = "/.runcell-init";

    /** Its {@code /proc/PID/comm}. */
    static final String INIT_COMM = ".runcell-init";

    private HolderCommand() {}

    static List<Path> hostSymlinkTargets() {
        return List.of(Path.of("/bin"), Path.of("/lib"), Path.of("/lib64"), Path.of("/sbin"));
    }

    /** The hostname a sandbox sees, derived from its key. */
    static String hostname(String key) {
        String name = "sbx-" + key.replace('_', '-');
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    static List<String> build(Path helper, String cgroupDirs, Path bwrap, SandboxSpec spec, Path workspace, Path etc) {
        List<String> cmd = new ArrayList<>(List.of(
                helper.toString(),
                "spawn",
                cgroupDirs,
                "--",
                bwrap.toString(),
                "--unshare-pid",
                spec.network() ? "--share-net" : "--unshare-net",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup",
                "--new-session",
                "--die-with-parent",
                "--as-pid-1",
                "--cap-drop",
                "ALL",
                "--info-fd",
                "1",
                "--ro-bind",
                "/usr",
                "/usr"));
        for (Path link : hostSymlinkTargets()) {
            cmd.addAll(List.of("--symlink", "usr" + link, link.toString()));
        }
        cmd.addAll(List.of(
                "--ro-bind",
                etc.toString(),
                "/etc",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--perms",
                "1777",
                "--size",
                Long.toString(spec.tmpSizeMb() * 1024L * 1024L),
                "--tmpfs",
                "/tmp",
                "--bind",
                workspace.toString(),
                "/workspace",
                "--ro-bind",
                helper.toString(),
                INIT,
                "--remount-ro",
                "/",
                // pid 1 stays in / (without capabilities it could not enter the sandbox user's /workspace)
                "--hostname",
                hostname(spec.key()),
                "--",
                INIT,
                "init"));
        return cmd;
    }
}
