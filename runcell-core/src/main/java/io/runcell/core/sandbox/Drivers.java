package io.runcell.core.sandbox;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.driver.spi.SandboxDriver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The backends this node runs, by name, and which one a sandbox gets when it does not ask. */
public final class Drivers implements AutoCloseable {

    private final Map<String, SandboxDriver> byName = new LinkedHashMap<>();
    private final String defaultBackend;

    public Drivers(Iterable<SandboxDriver> drivers, String defaultBackend) {
        for (SandboxDriver d : drivers) {
            byName.put(d.name(), d);
        }
        if (!byName.containsKey(defaultBackend)) {
            throw new IllegalArgumentException("default backend " + defaultBackend + " is not configured");
        }
        this.defaultBackend = defaultBackend;
    }

    public String defaultBackend() {
        return defaultBackend;
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public SandboxDriver get(String name) {
        SandboxDriver d = byName.get(name);
        if (d == null) {
            throw new RuncellException(
                    ErrorCode.BACKEND_UNAVAILABLE, "The " + name + " backend is not enabled on this server.");
        }
        return d;
    }

    @Override
    public void close() {
        byName.values().forEach(SandboxDriver::close);
    }
}
