package io.runcell.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forwarding cost in a running cluster: creates a sandbox on the owner node, then runs sync executions of
 * {@code true} in it alternately straight at the owner and through another node (which relays each request to
 * the owner and its answer back), so both series see the same machine load.
 *
 * <p>Args: {@code OWNER_URL OTHER_URL API_KEY EXECS}. Prints {@code RESULT key=value} lines.
 */
public final class ClusterBench {

    private static final Pattern ID = Pattern.compile("\"id\":\"(sbx_[0-9a-z]+)\"");

    public static void main(String[] args) throws Exception {
        String owner = args[0];
        String other = args[1];
        String key = args[2];
        int execs = Integer.parseInt(args[3]);
        // one plain keep-alive client per node (see PlainHttp), so the figures are the servers' own
        PlainHttp toOwner = new PlainHttp(owner, key);
        PlainHttp toOther = new PlainHttp(other, key);
        String created = send(toOwner, "/runcell/v1/sandboxes", "{}");
        Matcher m = ID.matcher(created);
        if (!m.find()) {
            throw new IllegalStateException("no sandbox id in " + created);
        }
        String path = "/runcell/v1/sandboxes/" + m.group(1) + "/executions";
        String body = "{\"argv\":[\"true\"],\"wait\":true}";
        // both servers' JIT must be warm on both paths before anything is timed
        for (int i = 0; i < Math.max(500, execs); i++) {
            send(toOwner, path, body);
            send(toOther, path, body);
        }
        List<Double> direct = new ArrayList<>();
        List<Double> relayed = new ArrayList<>();
        for (int i = 0; i < execs; i++) {
            direct.add(timed(toOwner, path, body));
            relayed.add(timed(toOther, path, body));
        }
        Stats d = Stats.ofMillis(direct);
        Stats r = Stats.ofMillis(relayed);
        System.out.printf("RESULT direct_p50=%.3f direct_p99=%.3f n=%d%n", d.p50(), d.p99(), d.n());
        System.out.printf("RESULT relayed_p50=%.3f relayed_p99=%.3f n=%d%n", r.p50(), r.p99(), r.n());
        System.out.printf("RESULT forwarding_added_p50=%.3f%n", r.p50() - d.p50());
    }

    private static double timed(PlainHttp client, String path, String body) throws Exception {
        long t0 = System.nanoTime();
        String answer = send(client, path, body);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!answer.contains("\"status\":\"succeeded\"")) {
            throw new IllegalStateException("execution did not succeed: " + answer);
        }
        return ms;
    }

    private static String send(PlainHttp client, String path, String body) throws Exception {
        PlainHttp.Response r = client.post(path, body);
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }
}
