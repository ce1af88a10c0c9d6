package io.runcell.driver.microvm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One request to the guest's launcher, encoded as {@code sandbox-launcher.c} reads it:
 * {@code "RCX1 <id> <token> <argc> <envc> <stdinlen> <paylen>\n"}, then the arguments and the environment as
 * NUL-terminated strings, then standard input. At most {@value #MAX_BYTES} bytes (PIPE_BUF), so the agent's
 * write to the launcher's FIFO delivers all of it or nothing.
 */
final class LaunchFrame {

    static final int MAX_BYTES = 4096;

    private LaunchFrame() {}

    /**
     * The frame, or empty if it would not fit in {@value #MAX_BYTES} bytes or a string holds a NUL (the caller
     * then uses {@code guest-exec}).
     *
     * @param token 16 lower-case hex digits, echoed in the result's name
     */
    static Optional<byte[]> encode(long id, String token, List<String> argv, List<String> env, byte[] stdin) {
        if (id <= 0 || !token.matches("[0-9a-f]{16}") || argv.isEmpty()) {
            throw new IllegalArgumentException("bad frame id, token or argv");
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (List<String> strings : List.of(argv, env)) {
            for (String s : strings) {
                if (s.indexOf('\0') >= 0) {
                    return Optional.empty();
                }
                payload.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                payload.write(0);
                if (payload.size() > MAX_BYTES) {
                    return Optional.empty();
                }
            }
        }
        byte[] in = stdin == null ? new byte[0] : stdin;
        if (payload.size() + in.length > MAX_BYTES) {
            return Optional.empty();
        }
        payload.writeBytes(in);
        String header = "RCX1 " + id + " " + token + " " + argv.size() + " " + env.size() + " " + in.length + " "
                + payload.size() + "\n";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        if (head.length + payload.size() > MAX_BYTES) {
            return Optional.empty();
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(head.length + payload.size());
        frame.writeBytes(head);
        frame.writeBytes(payload.toByteArray());
        return Optional.of(frame.toByteArray());
    }
}
