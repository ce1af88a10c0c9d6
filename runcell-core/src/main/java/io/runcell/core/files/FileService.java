package io.runcell.core.files;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.cluster.Locality;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxService;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Uploads and downloads. Both run as the sandbox's own user inside the sandbox ({@code cat}), so a symlink the
 * sandbox planted cannot make the server read or write a host file.
 */
public final class FileService {

    private static final long TIMEOUT_MILLIS = 120_000;

    private final SandboxService sandboxes;
    private final long maxDownloadBytes;

    private final io.runcell.core.ratelimit.RateLimits rates;

    public FileService(SandboxService sandboxes, long maxDownloadBytes) {
        this(sandboxes, maxDownloadBytes, io.runcell.core.ratelimit.RateLimits.NONE);
    }

    /** With rate limiting: uploads charge {@code MANAGE}, downloads {@code READ}. */
    public FileService(SandboxService sandboxes, long maxDownloadBytes, io.runcell.core.ratelimit.RateLimits rates) {
        this.rates = rates;
        this.sandboxes = sandboxes;
        this.maxDownloadBytes = maxDownloadBytes;
    }

    public long maxDownloadBytes() {
        return maxDownloadBytes;
    }

    /** Writes {@code data} to {@code path} (parent directories created); starts the sandbox first if asked. */
    public void write(Principal caller, String sandboxId, WorkspacePath path, InputStream data, boolean autoStart) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        Sandbox owned = sandboxes.owned(caller, sandboxId, Locality.Access.ACT);
        rates.charge(caller, io.runcell.core.ratelimit.EndpointClass.MANAGE);
        Sandbox s = autoStart ? sandboxes.ensureRunning(owned) : sandboxes.requireRunning(owned);
        List<String> argv =
                List.of("sh", "-c", "mkdir -p -- \"$(dirname -- \"$1\")\" && cat > \"$1\"", "sh", path.absolute());
        Captured r = run(s, argv, data, 64 * 1024);
        if (r.result.exitCode() == null || r.result.exitCode() != 0) {
            throw new RuncellException(
                    ErrorCode.INVALID_REQUEST, "The file could not be written: " + firstLine(r.stderr));
        }
    }

    /** Reads {@code path}, at most {@link #maxDownloadBytes()}; starts the sandbox first if asked. */
    public byte[] read(Principal caller, String sandboxId, WorkspacePath path, boolean autoStart) {
        caller.require(Scope.READ_VM);
        caller.requireNotBlocked();
        Sandbox owned = sandboxes.owned(caller, sandboxId, Locality.Access.ACT);
        rates.charge(caller, io.runcell.core.ratelimit.EndpointClass.READ);
        Sandbox s = autoStart ? sandboxes.ensureRunning(owned) : sandboxes.requireRunning(owned);
        Captured r = run(s, List.of("cat", "--", path.absolute()), null, maxDownloadBytes + 1);
        if (r.result.exitCode() == null || r.result.exitCode() != 0) {
            throw new RuncellException(ErrorCode.FILE_NOT_FOUND, "No such file in the workspace: " + path.absolute());
        }
        if (r.stdout.size() > maxDownloadBytes) {
            throw new RuncellException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "The file is larger than the download limit of " + maxDownloadBytes + " bytes.");
        }
        return r.stdout.toByteArray();
    }

    private record Captured(ExecResult result, ByteArrayOutputStream stdout, String stderr) {}

    private Captured run(Sandbox s, List<String> argv, InputStream stdin, long stdoutCap) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputSink sink = new OutputSink() {
            @Override
            public synchronized void stdout(byte[] b, int off, int len) {
                int keep = (int) Math.max(0, Math.min(len, stdoutCap - out.size()));
                out.write(b, off, keep);
            }

            @Override
            public synchronized void stderr(byte[] b, int off, int len) {
                int keep = Math.max(0, Math.min(len, 4096 - err.size()));
                err.write(b, off, keep);
            }
        };
        try {
            var handle =
                    sandboxes.driverOf(s).exec(s.id(), new ExecRequest(argv, Map.of(), TIMEOUT_MILLIS, stdin), sink);
            ExecResult result = handle.completion().get(TIMEOUT_MILLIS + 30_000, TimeUnit.MILLISECONDS);
            if (result.error() != null) {
                throw new RuncellException(
                        ErrorCode.BACKEND_UNAVAILABLE, "The sandbox backend could not transfer the file.");
            }
            return new Captured(result, out, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (DriverException e) {
            throw RuncellException.of(
                    e.reason() == DriverException.Reason.NOT_RUNNING
                            ? ErrorCode.SANDBOX_NOT_RUNNING
                            : ErrorCode.BACKEND_UNAVAILABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RuncellException.of(ErrorCode.INTERNAL);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new RuncellException(ErrorCode.BACKEND_UNAVAILABLE, "The file transfer did not finish.");
        }
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
