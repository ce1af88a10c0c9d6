package io.runcell.bench;

import io.runcell.server.RuncellServer;
import io.runcell.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Accepted executions per second: N concurrent clients post async native executions ({@code wait: false}) for
 * D seconds against one in-process node, as an account on the {@code unlimited} plan. An execution counts when
 * its 202 arrives (its record is stored durably by then). Prints accepted/s and the accept latency percentiles.
 *
 * <p>Usage: {@code Throughput CLIENTS SECONDS SANDBOXES [WARMUP_SECONDS=40]}: the same load runs unmeasured for
 * the warm-up first, so the figures are the JIT-compiled server's.
 */
public final class Throughput {

    private static final Pattern ID = Pattern.compile("\"id\":\"([a-z]+_[0-9a-z]+)\"");

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int sandboxCount = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int warmUpSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        Path dir = Files.createTempDirectory("runcell-throughput-");
        try (RuncellServer server =
                RuncellServer.start(ServerConfig.defaults().withPort(0).withDataDir(dir))) {
            String adminKey = server.bootstrap().orElseThrow().key().token();
            String base = server.baseUrl();
            PlainHttp admin = new PlainHttp(base, adminKey);
            String account = id(post(admin, "/runcell/v1/accounts", "{\"name\":\"bench\",\"plan\":\"unlimited\"}"));
            String keyJson = post(
                    admin,
                    "/runcell/v1/accounts/" + account + "/keys",
                    "{\"name\":\"bench\",\"scopes\":[\"read:vm\",\"write:vm\"]}");
            String key = keyJson.replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
            PlainHttp setup = new PlainHttp(base, key);
            List<String> sandboxes = new ArrayList<>();
            for (int i = 0; i < sandboxCount; i++) {
                sandboxes.add(id(post(setup, "/runcell/v1/sandboxes", "{}")));
            }
            String body = "{\"argv\":[\"true\"],\"wait\":false}";
            // the same load, unmeasured, until the JIT has compiled the hot paths: on 2 busy cores C2 still took
            // 18% of the CPU 20-28 s into a run, 6% after 40 s (perf)
            load(clients, warmUpSeconds, base, key, sandboxes, body, new Tally());
            double finishedBefore = finished(setup);
            Tally tally = new Tally();
            long t0 = System.nanoTime();
            load(clients, seconds, base, key, sandboxes, body, tally);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            // executions that ended during the run (they run behind the accepts; the rest are still queued)
            double ran = finished(setup) - finishedBefore;
            long[] all = tally.latencies.stream()
                    .flatMapToLong(java.util.Arrays::stream)
                    .sorted()
                    .toArray();
            double p50 = all.length == 0 ? 0 : all[(int) ((all.length - 1) * 0.50)] / 1e6;
            double p99 = all.length == 0 ? 0 : all[(int) ((all.length - 1) * 0.99)] / 1e6;
            System.out.printf(
                    "RESULT clients=%d seconds=%.1f sandboxes=%d accepted=%d refused=%d accepted_per_s=%.0f"
                            + " accept_p50_ms=%.2f accept_p99_ms=%.2f finished_per_s=%.0f%n",
                    clients,
                    elapsed,
                    sandboxCount,
                    tally.accepted.get(),
                    tally.refused.get(),
                    tally.accepted.get() / elapsed,
                    p50,
                    p99,
                    ran / elapsed);
        }
    }

    /** What one phase of the load counted. */
    private static final class Tally {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
    }

    /** {@code clients} keep-alive clients posting async executions round-robin over the sandboxes for a while. */
    private static void load(
            int clients, int seconds, String base, String key, List<String> sandboxes, String body, Tally tally) {
        int sandboxCount = sandboxes.size();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                final int client = c;
                pool.submit(() -> {
                    // one keep-alive connection per client, as a script or SDK session holds
                    PlainHttp http = new PlainHttp(base, key);
                    long[] lat = new long[1 << 20];
                    int n = 0;
                    int i = 0;
                    while (System.nanoTime() < end) {
                        String path =
                                "/runcell/v1/sandboxes/" + sandboxes.get((client + i++) % sandboxCount) + "/executions";
                        long s = System.nanoTime();
                        int status;
                        try {
                            status = http.post(path, body).status();
                        } catch (Exception e) {
                            status = -1;
                        }
                        if (status == 202) {
                            tally.accepted.incrementAndGet();
                            if (n < lat.length) {
                                lat[n++] = System.nanoTime() - s;
                            }
                        } else {
                            tally.refused.incrementAndGet();
                        }
                    }
                    tally.latencies.add(java.util.Arrays.copyOf(lat, n));
                    return null;
                });
            }
        }
    }

    /** Executions ended so far, from the server's Prometheus counters ({@code runcell_executions_total}). */
    private static double finished(PlainHttp http) throws Exception {
        double total = 0;
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith("runcell_executions_total{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static String post(PlainHttp http, String path, String body) throws Exception {
        PlainHttp.Response r = http.post(path, body);
        if (r.status() >= 300) {
            throw new IllegalStateException(path + " -> " + r.status() + " " + r.body());
        }
        return r.body();
    }

    private static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + json);
        }
        return m.group(1);
    }
}
