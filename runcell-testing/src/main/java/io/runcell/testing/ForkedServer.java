package io.runcell.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Runcell server in its own JVM ({@code runcell serve}), for tests that kill the process (crash recovery) or
 * need several nodes. Its output goes to {@code server.log} in the data dir.
 */
public final class ForkedServer implements AutoCloseable {

    private static final Pattern RUNNING = Pattern.compile("Runcell is running at (http://\\S+)");

    private final Process process;
    private final Path dataDir;
    private final String url;

    private ForkedServer(Process process, Path dataDir, String url) {
        this.process = process;
        this.dataDir = dataDir;
        this.url = url;
    }

    /** Starts {@code serve --port 0 --data-dir dataDir extraArgs...} and waits until it answers. */
    public static ForkedServer start(Path dataDir, Map<String, String> env, String... extraArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.runcell.server.cli.RuncellMain");
        cmd.add("serve");
        cmd.add("--port");
        cmd.add("0");
        cmd.add("--data-dir");
        cmd.add(dataDir.toString());
        cmd.addAll(List.of(extraArgs));
        try {
            Files.createDirectories(dataDir);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
            pb.environment().putAll(env);
            pb.redirectError(dataDir.resolve("server.log").toFile());
            Process p = pb.start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    Path out = dataDir.resolve("stdout.log");
                    while ((line = r.readLine()) != null) {
                        // the log lines too: kept beside server.log for a failing test to show
                        Files.writeString(
                                out,
                                line + "\n",
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.APPEND);
                        Matcher m = RUNNING.matcher(line);
                        if (m.find()) {
                            url.complete(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    url.completeExceptionally(e);
                }
                url.completeExceptionally(new IllegalStateException("server exited before it was ready"));
            });
            String u = url.get(90, TimeUnit.SECONDS);
            return new ForkedServer(p, dataDir, u);
        } catch (Exception e) {
            throw new IllegalStateException("forked server did not start; log: " + readLog(dataDir), e);
        }
    }

    public String url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    public Http http() {
        return new Http(url);
    }

    public String adminKey() {
        try {
            return Files.readString(dataDir.resolve("admin.key")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs (a crash). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP / SIGCONT: the process freezes without dying (its heartbeat stops, its sandboxes live on). */
    public void pause(boolean paused) throws Exception {
        Process p = new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kill -STOP/-CONT failed for " + process.pid());
        }
    }

    /** SIGTERM and wait for the process to end: a graceful shutdown. */
    public void terminate(java.time.Duration max) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("server did not stop within " + max + "; log: " + log());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        return readLog(dataDir);
    }

    private static String readLog(Path dataDir) {
        try {
            Path out = dataDir.resolve("stdout.log");
            return Files.readString(dataDir.resolve("server.log"))
                    + (Files.exists(out) ? "\n--- stdout ---\n" + Files.readString(out) : "");
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
