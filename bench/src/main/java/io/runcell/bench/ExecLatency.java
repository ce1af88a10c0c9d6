package io.runcell.bench;

import io.runcell.core.plan.Plan;
import io.runcell.server.RuncellServer;
import io.runcell.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runcell's side of bench/exec-latency: starts a real server (in this JVM, HTTP over loopback), creates a
 * sandbox, runs sync executions of {@code true} through the native API (each with its durable record) with a plain
 * keep-alive HTTP/1.1 client ({@link PlainHttp}), then the same through {@code java.net.http} and a bare
 * {@code /healthz} through each (what the client itself costs), then creates idle sandboxes and reports create
 * latency and host memory per idle sandbox.
 *
 * <p>Args: {@code EXECS IDLE_SANDBOXES}. Prints {@code RESULT key=value} lines the script turns into a table.
 */
public final class ExecLatency {

    private static final Pattern ID = Pattern.compile("\"id\":\"(sbx_[0-9a-z]+)\"");

    public static void main(String[] args) throws Exception {
        int execs = Integer.parseInt(args[0]);
        int idle = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("runcell-bench-");
        try (RuncellServer server =
                RuncellServer.start(ServerConfig.defaults().withPort(0).withDataDir(dir))) {
            var boot = server.bootstrap().orElseThrow();
            // the benchmark account may hold many idle sandboxes
            Plan d = server.engine().plans().find(Plan.DEFAULT).orElseThrow();
            server.engine()
                    .plans()
                    .upsert(new Plan(
                            Plan.DEFAULT,
                            idle + 10,
                            d.maxConcurrentExecutions(),
                            d.defaultLifetimeSeconds(),
                            d.maxLifetimeSeconds(),
                            64,
                            d.maxMemoryMb(),
                            d.defaultVcpus(),
                            d.maxVcpus(),
                            64,
                            d.maxPidsMax(),
                            d.defaultExecTimeoutSeconds(),
                            d.maxExecTimeoutSeconds(),
                            d.outputCapBytes(),
                            d.execRatePerSecond(),
                            d.manageRatePerSecond(),
                            d.readRatePerSecond(),
                            d.commandAllowlist()));
            PlainHttp c = new PlainHttp(server.baseUrl(), boot.key().token());
            String sandbox = id(ok(c.post("/runcell/v1/sandboxes", "{}")));
            String body = "{\"argv\":[\"true\"],\"wait\":true}";
            String path = "/runcell/v1/sandboxes/" + sandbox + "/executions";
            // a server's steady state: the JIT has compiled the whole path before anything is timed
            for (int i = 0; i < Math.max(3000, execs); i++) {
                ok(c.post(path, body));
            }
            Stats exec = Stats.ofMillis(timeExecs(execs, () -> succeeded(ok(c.post(path, body)))));
            System.out.printf(
                    "RESULT runcell_exec_p50=%.3f runcell_exec_p90=%.3f runcell_exec_p99=%.3f n=%d%n",
                    exec.p50(), exec.p90(), exec.p99(), exec.n());
            // The same calls through java.net.http, and a bare /healthz through each client: what the client adds.
            JdkClient jdk = new JdkClient(server.baseUrl(), boot.key().token());
            for (int i = 0; i < 50; i++) {
                jdk.post(path, body);
            }
            Stats jdkExec = Stats.ofMillis(timeExecs(execs, () -> succeeded(jdk.post(path, body))));
            Stats plainHealth = Stats.ofMillis(timeExecs(execs, () -> ok(c.get("/healthz"))));
            Stats jdkHealth = Stats.ofMillis(timeExecs(execs, () -> jdk.get("/healthz")));
            System.out.printf(
                    "RESULT jdk_exec_p50=%.3f jdk_exec_p99=%.3f plain_healthz_p50=%.3f jdk_healthz_p50=%.3f%n",
                    jdkExec.p50(), jdkExec.p99(), plainHealth.p50(), jdkHealth.p50());

            if (idle > 0) {
                System.gc();
                Thread.sleep(2000);
                long before = memAvailableKb();
                List<Double> create = new ArrayList<>();
                for (int i = 0; i < idle; i++) {
                    long t0 = System.nanoTime();
                    id(ok(c.post("/runcell/v1/sandboxes", "{\"memory_mb\":64,\"pids_max\":64}")));
                    create.add((System.nanoTime() - t0) / 1e6);
                }
                Thread.sleep(5000);
                long after = memAvailableKb();
                Stats cs = Stats.ofMillis(create);
                System.out.printf(
                        "RESULT create_p50=%.3f create_p99=%.3f idle=%d mem_per_idle_kib=%.0f%n",
                        cs.p50(), cs.p99(), idle, (before - after) / (double) idle);
            }
        }
    }

    private static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no sandbox id in " + json);
        }
        return m.group(1);
    }

    private static long memAvailableKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no MemAvailable");
    }

    private interface Call {
        String run() throws Exception;
    }

    private static List<Double> timeExecs(int n, Call call) throws Exception {
        List<Double> lat = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            call.run();
            lat.add((System.nanoTime() - t0) / 1e6);
        }
        return lat;
    }

    private static String succeeded(String record) {
        if (!record.contains("\"status\":\"succeeded\"")) {
            throw new IllegalStateException("execution did not succeed: " + record);
        }
        return record;
    }

    private static String ok(PlainHttp.Response r) {
        if (r.status() >= 300) {
            throw new IllegalStateException("HTTP " + r.status() + " " + r.body());
        }
        return r.body();
    }

    /** java.net.http over HTTP/1.1 keep-alive, for comparison. */
    private record JdkClient(String base, String key, HttpClient http) {
        JdkClient(String base, String key) {
            this(
                    base,
                    key,
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }

        String get(String path) throws Exception {
            return check(http.send(
                    HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        String post(String path, String body) throws Exception {
            return check(http.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        private static String check(HttpResponse<String> r) {
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }
    }
}
