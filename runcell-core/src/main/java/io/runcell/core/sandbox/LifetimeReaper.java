package io.runcell.core.sandbox;

import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires running and stopped sandboxes whose stored deadline has passed. The deadline lives in the store, not in a
 * timer, so a restart does not forget it: the server calls {@link #sweep()} periodically.
 */
public final class LifetimeReaper {

    private static final Logger LOG = LoggerFactory.getLogger(LifetimeReaper.class);

    private final SandboxRepository sandboxes;
    private final SandboxService service;
    private final InstantSource clock;
    private final String nodeId;

    public LifetimeReaper(SandboxRepository sandboxes, SandboxService service, InstantSource clock, String nodeId) {
        this.sandboxes = sandboxes;
        this.service = service;
        this.clock = clock;
        this.nodeId = nodeId;
    }

    /** Expires every due sandbox of this node; returns how many were due. Never throws. */
    public int sweep() {
        try {
            var due = sandboxes.findExpired(clock.instant(), nodeId);
            for (Sandbox s : due) {
                service.expireIfDue(s.id());
            }
            return due.size();
        } catch (RuntimeException e) {
            LOG.warn("lifetime sweep failed: {}", e.toString());
            return 0;
        }
    }
}
