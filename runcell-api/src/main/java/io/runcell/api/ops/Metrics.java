package io.runcell.api.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionObserver;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The Prometheus registry: execution counts by status and an execution latency histogram. */
public final class Metrics implements ExecutionObserver {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> byStatus = new ConcurrentHashMap<>();
    private final Timer latency;

    public Metrics() {
        latency = Timer.builder("runcell_execution_duration")
                .description("From the start request to the stored final record")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    @Override
    public void finished(Execution record, long totalNanos) {
        byStatus.computeIfAbsent(record.status().wire(), s -> Counter.builder("runcell_executions")
                        .description("Finished executions by status")
                        .tag("status", s)
                        .register(registry))
                .increment();
        latency.record(totalNanos, TimeUnit.NANOSECONDS);
    }

    /** Registers a gauge read on every scrape. */
    public void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value)
                .description(description)
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
