package io.runcell.driver.namespace;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The exec helper's output protocol: frames of 1 type byte, a 4-byte big-endian length and the payload.
 * {@code p} = the command's host pid, {@code o}/{@code e} = stdout/stderr chunks, {@code x} = how it ended.
 */
final class Frames {

    /** The helper relays at most 64 KiB per frame; anything much larger means a corrupt stream. */
    static final int MAX_PAYLOAD = 1 << 20;

    /** One frame; {@code type} is the ASCII type byte. */
    record Frame(char type, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.US_ASCII);
        }
    }

    /**
     * The {@code x} frame: the raw wait status, the rusage CPU times of the command, and how many processes of the
     * sandbox's memory cgroup the OOM killer killed while it ran (0 if the helper could not tell).
     */
    record Exit(int status, long userMicros, long systemMicros, long oomKills) {

        static Exit parse(String text) {
            int status = 0;
            long user = 0;
            long system = 0;
            long oomKills = 0;
            for (String field : text.trim().split(" ")) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String value = field.substring(eq + 1);
                switch (field.substring(0, eq)) {
                    case "status" -> status = Integer.parseInt(value);
                    case "utime_us" -> user = Long.parseLong(value);
                    case "stime_us" -> system = Long.parseLong(value);
                    case "oom_kills" -> oomKills = Long.parseLong(value);
                    default -> {}
                }
            }
            return new Exit(status, user, system, oomKills);
        }

        boolean exited() {
            return (status & 0x7f) == 0;
        }

        int exitCode() {
            return (status >> 8) & 0xff;
        }

        int signal() {
            return status & 0x7f;
        }

        long cpuMicros() {
            return userMicros + systemMicros;
        }
    }

    private Frames() {}

    /** Reads the next frame, or returns null at a clean end of stream. */
    static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new IOException("truncated frame header from the helper", e);
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("bad frame length " + length + " from the helper");
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length != length) {
            throw new IOException("truncated frame from the helper");
        }
        return new Frame((char) type, payload);
    }
}
