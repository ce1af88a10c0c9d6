package io.runcell.bench;

import io.runcell.driver.microvm.MicrovmDriver;
import io.runcell.driver.qga.GuestExecStatus;
import io.runcell.driver.qga.QgaClient;
import io.runcell.server.RuncellServer;
import io.runcell.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runcell's side of bench/microvm: real servers in this JVM (HTTP over loopback) with the microvm backend. At most
 * two VMs are booted at any time.
 * <ol>
 *   <li>Server A (no pool, snapshots off: every VM boots): the first microvm create after start (pays the KVM
 *       probe and the image check), then, after {@value #WARMUP_EXECS} warm-up executions, EXECS sync executions of
 *       {@code true} through the native API interleaved with as many bare {@code guest-exec} +
 *       {@code guest-exec-status} round trips on the same VM's agent connection, the idle
 *       RSS of that VM, then a second create (a plain cold boot) and its first execution.</li>
 *   <li>Server S (no pool, snapshots on): one create that makes the shape's template if the image cache has none,
 *       then {@value #RESTORES} creates, each restored from the template, timed to their first execution; then
 *       the idle memory of those VMs (their RAM is the template's file mapped copy-on-write, so PSS counts the
 *       shared pages once).</li>
 *   <li>Server B ({@code --microvm-pool 1}, snapshots on): one create to teach the pool the shape (destroyed at
 *       once), then {@value #HANDOUTS} times: a wait until a VM is pooled, then create + first execution from
 *       the pool; then the idle RSS of the VMs.</li>
 * </ol>
 * Args: {@code EXECS IMAGE_CACHE [DATA_DIR]} (the script passes a directory it deletes afterwards). Prints {@code RESULT key=value} lines the script turns into a table.
 */
public final class MicrovmBench {

    private static final Pattern ID = Pattern.compile("\"id\":\"(sbx_[0-9a-z]+)\"");
    /** Executions through the native API (and a quarter as many bare round trips) before the measured ones. */
    private static final int WARMUP_EXECS = 600;
    /** Sandboxes created from the pool, each after the pool has refilled. */
    private static final int HANDOUTS = 5;

    private static final String TRUE = "{\"argv\":[\"true\"],\"wait\":true}";
    private static final String CREATE = "{\"backend\":\"microvm\"}";
    private static final List<String> BARE_ENV = QgaClient.envList(java.util.Map.of(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME",
            "/root",
            "LANG",
            "C.UTF-8"));
    /** The shape of CREATE with the seeded default plan (512 MiB, 1 vCPU, no network). */
    private static final int MEMORY_MB = 512;

    private static final int RESTORES = 5;

    public static void main(String[] args) throws Exception {
        int execs = Integer.parseInt(args[0]);
        Path images = Path.of(args[1]);
        Path root = args.length > 2
                ? Files.createDirectories(Path.of(args[2]))
                : Files.createTempDirectory("runcell-bench-vm-");

        Path dirA = root.resolve("a");
        try (RuncellServer server = RuncellServer.start(ServerConfig.defaults()
                .withPort(0)
                .withDataDir(dirA)
                .withMicrovmImages(images)
                .withMicrovmSnapshots(false))) {
            Client c = new Client(
                    server.baseUrl(), server.bootstrap().orElseThrow().key().token());
            MicrovmDriver driver = (MicrovmDriver) server.drivers().get("microvm");

            long t0 = System.nanoTime();
            String s1 = id(c.post("/runcell/v1/sandboxes", CREATE));
            double firstCreate = ms(t0);
            c.exec(s1);
            double firstTotal = ms(t0);
            var info = driver.vmInfo(s1).orElseThrow();
            System.out.printf(
                    "RESULT first_create_ms=%.1f first_to_exec_ms=%.1f first_boot_ms=%d accel=%s machine=%s%n",
                    firstCreate, firstTotal, info.bootMillis(), info.accelerator(), info.machine());

            String path = "/runcell/v1/sandboxes/" + s1 + "/executions";
            // The baseline: the same agent, the same socket, no HTTP, no records, no wrapper, no cgroup.
            QgaClient agent = driver.agent(s1).orElseThrow();
            // A server runs for days: its HTTP, store and driver code is compiled by the JIT. Measuring the first
            // few hundred requests would measure the interpreter (it added 2-4 ms per execution here).
            for (int i = 0; i < WARMUP_EXECS; i++) {
                c.exec(s1);
                if (i % 4 == 0) {
                    bare(agent);
                }
            }
            // interleaved, so a change in the machine's speed during the run (these are shared VMs) hits both alike
            List<Double> lat = new ArrayList<>();
            List<Double> bareLat = new ArrayList<>();
            for (int i = 0; i < execs; i++) {
                long t = System.nanoTime();
                c.exec(s1);
                lat.add(ms(t));
                t = System.nanoTime();
                bare(agent);
                bareLat.add(ms(t));
            }
            Stats rc = Stats.ofMillis(lat);
            System.out.printf(
                    "RESULT runcell_exec_p50=%.3f runcell_exec_p99=%.3f n=%d path=%s warmup=%d%n",
                    rc.p50(), rc.p99(), rc.n(), path, WARMUP_EXECS);
            Stats b = Stats.ofMillis(bareLat);
            System.out.printf("RESULT bare_exec_p50=%.3f bare_exec_p99=%.3f n=%d%n", b.p50(), b.p99(), b.n());

            Thread.sleep(5000); // idle
            rss("a", dirA);

            c.delete("/runcell/v1/sandboxes/" + s1);
            t0 = System.nanoTime();
            String s2 = id(c.post("/runcell/v1/sandboxes", CREATE));
            double coldCreate = ms(t0);
            c.exec(s2);
            double coldTotal = ms(t0);
            System.out.printf(
                    "RESULT cold_create_ms=%.1f cold_to_exec_ms=%.1f cold_boot_ms=%d from_pool=%s%n",
                    coldCreate,
                    coldTotal,
                    driver.vmInfo(s2).orElseThrow().bootMillis(),
                    driver.vmInfo(s2).orElseThrow().fromPool());
            c.delete("/runcell/v1/sandboxes/" + s2);
        }

        Path dirS = root.resolve("s");
        try (RuncellServer server = RuncellServer.start(
                ServerConfig.defaults().withPort(0).withDataDir(dirS).withMicrovmImages(images))) {
            Client c = new Client(
                    server.baseUrl(), server.bootstrap().orElseThrow().key().token());
            MicrovmDriver driver = (MicrovmDriver) server.drivers().get("microvm");
            int templatesBefore = templates(images);
            long t0 = System.nanoTime();
            String first = id(c.post("/runcell/v1/sandboxes", CREATE));
            c.exec(first);
            System.out.printf(
                    "RESULT template_first_to_exec_ms=%.1f template_made=%s%n",
                    ms(t0), templates(images) > templatesBefore);
            Thread.sleep(2000);
            List<Double> creates = new ArrayList<>();
            List<Double> toExec = new ArrayList<>();
            for (int i = 0; i < RESTORES; i++) {
                t0 = System.nanoTime();
                String s = id(c.post("/runcell/v1/sandboxes", CREATE));
                creates.add(ms(t0));
                c.exec(s);
                toExec.add(ms(t0));
                if (!driver.vmInfo(s).orElseThrow().restored()) {
                    throw new IllegalStateException("sandbox " + s + " was booted, not restored");
                }
                Thread.sleep(1000);
            }
            Stats cr = Stats.ofMillis(creates);
            Stats te = Stats.ofMillis(toExec);
            System.out.printf(
                    "RESULT restore_create_p50=%.1f restore_to_exec_p50=%.1f restore_to_exec_max=%.1f n=%d%n",
                    cr.p50(), te.p50(), java.util.Collections.max(toExec), te.n());
            Thread.sleep(5000);
            rss("s", dirS);
        }

        Path dirB = root.resolve("b");
        try (RuncellServer server = RuncellServer.start(ServerConfig.defaults()
                .withPort(0)
                .withDataDir(dirB)
                .withMicrovmImages(images)
                .withMicrovmPool(1))) {
            Client c = new Client(
                    server.baseUrl(), server.bootstrap().orElseThrow().key().token());
            MicrovmDriver driver = (MicrovmDriver) server.drivers().get("microvm");
            // the pool learns shapes from demand: one create, destroyed at once so only the pool VM boots next
            String teach = id(c.post("/runcell/v1/sandboxes", CREATE));
            c.delete("/runcell/v1/sandboxes/" + teach);
            long w0 = System.nanoTime();
            awaitPool(driver, 300);
            System.out.printf("RESULT pool_fill_ms=%.0f%n", ms(w0));
            Thread.sleep(2000); // let the host settle after the pool boot

            List<Double> creates = new ArrayList<>();
            List<Double> toExec = new ArrayList<>();
            boolean allPooled = true;
            for (int i = 0; i < HANDOUTS; i++) {
                if (i > 0) {
                    awaitPool(driver, 300);
                    Thread.sleep(2000);
                }
                long t0 = System.nanoTime();
                String s = id(c.post("/runcell/v1/sandboxes", CREATE));
                creates.add(ms(t0));
                String rec = c.exec(s);
                toExec.add(ms(t0));
                if (!driver.vmInfo(s).orElseThrow().fromPool()) {
                    allPooled = false;
                    System.err.println("warning: a warm create was not served from the pool: " + rec);
                }
            }
            Stats cr = Stats.ofMillis(creates);
            Stats te = Stats.ofMillis(toExec);
            System.out.printf(
                    "RESULT warm_create_ms=%.1f warm_to_exec_ms=%.1f warm_to_exec_max=%.1f warm_from_pool=%s n=%d%n",
                    cr.p50(), te.p50(), java.util.Collections.max(toExec), allPooled, te.n());
            awaitPool(driver, 300); // the refill: now a sandbox VM and a pool VM are idle
            Thread.sleep(5000);
            rss("b", dirB);
        }
    }

    /**
     * {@code true} as the native API's execution names it ({@code argv: ["true"]}, found on the same PATH, with
     * the driver's environment), started by {@code guest-exec} and polled with {@code guest-exec-status} with the
     * agent client's backoff (1 ms doubling to 20 ms, as in the research measurements).
     */
    private static void bare(QgaClient agent) throws IOException {
        long pid = agent.exec("true", List.of(), BARE_ENV, null);
        GuestExecStatus st = agent.awaitExit(pid, Instant.now().plusSeconds(30));
        if (!st.exited() || st.exitCode() == null || st.exitCode() != 0) {
            throw new IllegalStateException("bare guest-exec of true did not exit 0: " + st);
        }
    }

    private static void awaitPool(MicrovmDriver driver, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (driver.poolReady(MEMORY_MB, 1, false) < 1) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no VM pooled within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    private static int templates(Path images) throws IOException {
        Path dir = images.resolve("templates");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var list = Files.list(dir)) {
            return (int) list.filter(d -> !d.getFileName().toString().startsWith("."))
                    .count();
        }
    }

    /**
     * Sums VmRSS, RssAnon and PSS (smaps_rollup) of the qemu processes whose command line names this server's
     * data directory.
     */
    private static void rss(String label, Path dataDir) throws IOException {
        long rss = 0;
        long anon = 0;
        long pss = 0;
        int n = 0;
        String needle = dataDir.toAbsolutePath().toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (!cmd.contains("qemu-system") || !cmd.contains(needle)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(p.resolve("status"))) {
                        if (line.startsWith("VmRSS:")) {
                            rss += Long.parseLong(line.replaceAll("\\D", ""));
                        } else if (line.startsWith("RssAnon:")) {
                            anon += Long.parseLong(line.replaceAll("\\D", ""));
                        }
                    }
                    for (String line : Files.readAllLines(p.resolve("smaps_rollup"))) {
                        if (line.startsWith("Pss:")) {
                            pss += Long.parseLong(line.replaceAll("\\D", ""));
                        }
                    }
                    n++;
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        System.out.printf(
                "RESULT rss_%s_vms=%d rss_%s_kib=%d rssanon_%s_kib=%d pss_%s_kib=%d%n",
                label, n, label, rss, label, anon, label, pss);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no sandbox id in " + json);
        }
        return m.group(1);
    }

    /** A keep-alive HTTP/1.1 client, as a script or SDK would use. */
    private record Client(String base, String key, HttpClient http) {
        Client(String base, String key) {
            this(
                    base,
                    key,
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }

        String exec(String sandbox) throws Exception {
            String r = post("/runcell/v1/sandboxes/" + sandbox + "/executions", TRUE);
            if (!r.contains("\"status\":\"succeeded\"")) {
                throw new IllegalStateException("execution did not succeed: " + r);
            }
            return r;
        }

        String post(String path, String body) throws Exception {
            return send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)),
                    path);
        }

        void delete(String path) throws Exception {
            send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), path);
        }

        private String send(HttpRequest.Builder b, String path) throws Exception {
            HttpResponse<String> r =
                    http.send(b.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }
    }
}
