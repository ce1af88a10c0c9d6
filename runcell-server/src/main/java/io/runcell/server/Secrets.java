package io.runcell.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** Per-server random secrets kept in the data directory, readable by the server's user only. */
final class Secrets {

    private Secrets() {}

    /** The secret in {@code file}, created with {@code length} random bytes (mode 0600) on first use. */
    static byte[] loadOrCreate(Path file, int length) throws IOException {
        if (Files.exists(file)) {
            byte[] secret = Files.readAllBytes(file);
            if (secret.length < length) {
                throw new IOException("secret file " + file + " is shorter than " + length + " bytes");
            }
            return secret;
        }
        byte[] secret = new byte[length];
        new SecureRandom().nextBytes(secret);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, secret);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            return Files.readAllBytes(file);
        }
        return secret;
    }
}
