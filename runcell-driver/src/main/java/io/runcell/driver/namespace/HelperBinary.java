package io.runcell.driver.namespace;

import io.runcell.driver.spi.DriverException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Extracts the {@code runcell-sandbox} helper built into the jar to a content-addressed file under the data dir. */
final class HelperBinary {

    static final String RESOURCE = "/io/runcell/driver/namespace/native/runcell-sandbox";

    private HelperBinary() {}

    /** Returns {@code <binDir>/runcell-sandbox-<sha256 prefix>}, writing it (0755, atomically) if missing. */
    static Path extract(Path binDir) throws DriverException {
        byte[] bytes;
        try (InputStream in = HelperBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DriverException(
                        DriverException.Reason.UNAVAILABLE,
                        "the runcell-sandbox helper is not on the classpath (built by src/main/c/build.sh)");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new DriverException(DriverException.Reason.UNAVAILABLE, "cannot read the runcell-sandbox helper", e);
        }
        Path target = binDir.resolve("runcell-sandbox-" + sha256(bytes).substring(0, 16));
        try {
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return target;
            }
            Files.createDirectories(binDir);
            Path temp = Files.createTempFile(binDir, "runcell-sandbox", ".tmp");
            try {
                Files.write(temp, bytes);
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return target;
        } catch (IOException e) {
            throw new DriverException(DriverException.Reason.UNAVAILABLE, "cannot install the helper to " + target, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
