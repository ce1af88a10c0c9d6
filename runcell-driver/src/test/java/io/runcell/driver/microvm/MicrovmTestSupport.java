package io.runcell.driver.microvm;

import java.io.IOException;
import java.nio.file.Path;

final class MicrovmTestSupport {

    private MicrovmTestSupport() {}

    static boolean qemuOnPath() {
        return Executables.find("qemu-system-x86_64").isPresent();
    }

    /**
     * Driver config for tests: the guest image is cached outside {@code target/} (a rebuild costs ~30 s), in
     * {@code -Druncell.microvm.imageCache=DIR} or {@code $RUNCELL_MICROVM_IMAGE_CACHE}, else
     * {@code /var/tmp/runcell-microvm-images}.
     */
    static MicrovmConfig config(Path data) {
        String cache = System.getProperty(
                "runcell.microvm.imageCache",
                System.getenv().getOrDefault("RUNCELL_MICROVM_IMAGE_CACHE", "/var/tmp/runcell-microvm-images"));
        return MicrovmConfig.defaults(data).withImageCacheDir(Path.of(cache));
    }

    /** Closes a test's driver (its VMs) and deletes its data directory; either may be null (set-up failed early). */
    static void closeAndDelete(MicrovmDriver driver, Path data) throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (data != null) {
            QemuProcesses.deleteTree(data);
        }
    }
}
