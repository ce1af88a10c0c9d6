package io.runcell.driver.namespace;

import io.runcell.driver.spi.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the command line of a sandbox's holder: the helper joining the slot's cgroups, then bubblewrap. */
final class HolderCommand {

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
                "--remount-ro",
                "/",
                "--chdir",
                "/workspace",
                "--hostname",
                hostname(spec.key()),
                "--",
                "/usr/bin/sleep",
                "infinity"));
        return cmd;
    }
}
