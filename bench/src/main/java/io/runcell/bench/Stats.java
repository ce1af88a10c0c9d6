package io.runcell.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a latency sample, in milliseconds. */
record Stats(int n, double p50, double p90, double p99, double min) {

    static Stats ofMillis(List<Double> millis) {
        double[] a = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return new Stats(a.length, pct(a, 50), pct(a, 90), pct(a, 99), a[0]);
    }

    private static double pct(double[] sorted, double q) {
        double k = (sorted.length - 1) * q / 100;
        int f = (int) Math.floor(k);
        int c = Math.min(f + 1, sorted.length - 1);
        return sorted[f] + (sorted[c] - sorted[f]) * (k - f);
    }

    String row(String name) {
        return String.format("%-44s n=%-5d p50=%8.2f  p90=%8.2f  p99=%8.2f  min=%8.2f ms", name, n, p50, p90, p99, min);
    }
}
