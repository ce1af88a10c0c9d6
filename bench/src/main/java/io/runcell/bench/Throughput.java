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
 * <p>Usage: {@code Throughput CLIENTS SECONDS SANDBOXES}
 */
public final class Throughput {

    private static final Pattern ID = Pattern.compile("\"id\":\"([a-z]+_[0-9a-z]+)\"");

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int sandboxCount = args.length > 2 ? Integer.parseInt(args[2]) : 8;
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
            // warm up
            for (int i = 0; i < 500; i++) {
                post(setup, "/runcell/v1/sandboxes/" + sandboxes.get(i % sandboxCount) + "/executions", body);
            }
            double finishedBefore = finished(setup);
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long t0 = System.nanoTime();
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
                            String path = "/runcell/v1/sandboxes/" + sandboxes.get((client + i++) % sandboxCount)
                                    + "/executions";
                            long s = System.nanoTime();
                            int status;
                            try {
                                status = http.post(path, body).status();
                            } catch (Exception e) {
                                status = -1;
                            }
                            if (status == 202) {
                                accepted.incrementAndGet();
                                if (n < lat.length) {
                                    lat[n++] = System.nanoTime() - s;
                                }
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                        latencies.add(java.util.Arrays.copyOf(lat, n));
                        return null;
                    });
                }
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            // executions that ended during the run (they run behind the accepts; the rest are still queued)
            double ran = finished(setup) - finishedBefore;
            long[] all = latencies.stream()
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
                    accepted.get(),
                    refused.get(),
                    accepted.get() / elapsed,
                    p50,
                    p99,
                    ran / elapsed);
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
