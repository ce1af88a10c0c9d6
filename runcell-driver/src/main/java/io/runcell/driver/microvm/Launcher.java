package io.runcell.driver.microvm;

import io.runcell.driver.qga.QgaClient;
import io.runcell.driver.qga.QgaException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host end of one VM's exec launcher ({@code sandbox-launcher.c}): hands it requests through the agent
 * ({@code guest-file-write} + {@code guest-file-flush} to its FIFO, opened once with mode {@code r+}). Saves the
 * agent's fork and the status polling of {@code guest-exec} (17-19 ms instead of 35-42 ms for {@code true} under
 * TCG here); when it cannot be used, {@link #send} says so and the driver uses {@code guest-exec}.
 *
 * <p>Threading: {@link #send} is serialised, so each frame is written and flushed before the next.
 */
final class Launcher {

    static final String FIFO = "/run/runcell-launcher.fifo";
    /** Where the launcher puts a result when it cannot post to the host's notice export. */
    static final String LOCAL_RESULTS = "/run/runcell-results";
    /** How long after a failed open (no launcher yet, or an image without one) the next request tries again. */
    static final long REOPEN_AFTER_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One request handed to the launcher: its id, the token its result must carry, and its guest cgroup. */
    record Launch(long id, String token) {
        String cgroup() {
            return "x" + id + "-" + token;
        }
    }

    private final QgaClient qga;
    private long lastId;

    private Long handle;
    private long reopenAt;
    private boolean broken;

    Launcher(QgaClient qga) {
        this.qga = qga;
    }

    /**
     * Hands the request to the launcher, or returns empty if the caller should use {@code guest-exec}: the frame
     * would not fit, the FIFO cannot be opened (yet), or an earlier write failed.
     *
     * @throws IOException the agent did not answer, or the launcher did not take a frame that was sent (it may
     *     run later, so it must not also be run through {@code guest-exec})
     */
    synchronized Optional<Launch> send(List<String> argv, List<String> env, byte[] stdin) throws IOException {
        if (broken || System.currentTimeMillis() < reopenAt) {
            return Optional.empty();
        }
        Launch launch = new Launch(++lastId, HexFormat.of().toHexDigits(RANDOM.nextLong()));
        Optional<byte[]> frame = LaunchFrame.encode(launch.id(), launch.token(), argv, env, stdin);
        if (frame.isEmpty()) {
            return Optional.empty();
        }
        if (handle == null) {
            try {
                handle = qga.fileOpen(FIFO, "r+");
            } catch (QgaException e) {
                if (e.errorClass() == null) {
                    throw e;
                }
                reopenAt = System.currentTimeMillis() + REOPEN_AFTER_MS;
                LOG.debug("no launcher FIFO in the guest yet: {}", e.getMessage());
                return Optional.empty();
            }
        }
        try {
            qga.fileWrite(handle, frame.get());
            qga.fileFlush(handle);
        } catch (QgaException e) {
            // The agent's stdio buffer may still hold the frame and deliver it on a later flush (its own exit
            // flushes): never use this handle again, and do not run the request another way, so it cannot run twice.
            broken = true;
            LOG.warn(
                    "the guest's exec launcher did not take a request; using guest-exec from now on: {}",
                    e.getMessage());
            throw e;
        }
        return Optional.of(launch);
    }
}
