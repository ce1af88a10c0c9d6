package io.runcell.core.fakes;

import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import io.runcell.driver.spi.SandboxDriver;
import io.runcell.driver.spi.SandboxSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A driver for unit tests of core bookkeeping: it isolates nothing and runs nothing. Each exec returns a handle
 * the test completes by hand. (Isolation is only ever tested on the real backends.)
 */
public final class ScriptedDriver implements SandboxDriver {

    /** One exec the test controls. */
    public static final class Run implements ExecHandle {
        public final String key;
        public final ExecRequest request;
        public final OutputSink sink;
        final CompletableFuture<ExecResult> done = new CompletableFuture<>();
        public volatile boolean killed;

        Run(String key, ExecRequest request, OutputSink sink) {
            this.key = key;
            this.request = request;
            this.sink = sink;
        }

        public void finish(ExecResult result) {
            done.complete(result);
        }

        @Override
        public CompletableFuture<ExecResult> completion() {
            return done;
        }

        @Override
        public void kill() {
            killed = true;
            done.complete(new ExecResult(null, 9, false, true, false, 0, null));
        }
    }

    public final Set<String> running = ConcurrentHashMap.newKeySet();
    public final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    public final List<Run> runs = java.util.Collections.synchronizedList(new ArrayList<>());
    public volatile boolean failStarts;

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public void recover(Collection<SandboxSpec> known) {
        events.add("recover:" + known.size());
        running.clear();
    }

    @Override
    public void start(SandboxSpec spec) throws DriverException {
        if (failStarts) {
            throw new DriverException(DriverException.Reason.FAILED, "scripted failure");
        }
        events.add("start:" + spec.key());
        running.add(spec.key());
    }

    @Override
    public void stop(String key) {
        events.add("stop:" + key);
        running.remove(key);
    }

    @Override
    public void destroy(String key) {
        events.add("destroy:" + key);
        running.remove(key);
    }

    @Override
    public void resetWorkspace(String key) {
        events.add("reset:" + key);
    }

    @Override
    public boolean isRunning(String key) {
        return running.contains(key);
    }

    @Override
    public ExecHandle exec(String key, ExecRequest request, OutputSink sink) throws DriverException {
        if (!running.contains(key)) {
            throw new DriverException(DriverException.Reason.NOT_RUNNING, "not running");
        }
        Run run = new Run(key, request, sink);
        runs.add(run);
        return run;
    }

    @Override
    public void close() {
        running.clear();
    }
}
