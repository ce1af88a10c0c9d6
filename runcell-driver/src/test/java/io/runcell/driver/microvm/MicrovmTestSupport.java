package io.runcell.driver.microvm;

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
}
