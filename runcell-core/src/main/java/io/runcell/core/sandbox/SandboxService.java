package io.runcell.core.sandbox;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.cluster.Locality;
import io.runcell.core.cluster.Locality.Access;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import io.runcell.core.plan.Plan;
import io.runcell.core.plan.PlanRepository;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimits;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.SandboxDriver;
import io.runcell.driver.spi.SandboxSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every sandbox state transition: create, start (explicit or implied by an execute), stop, expire, destroy,
 * and recovery after a restart. Callers see {@link ErrorCode#SANDBOX_NOT_FOUND} for sandboxes of other accounts.
 *
 * <p>Threading: safe for concurrent use; transitions of one sandbox are serialised by a per-sandbox lock.
 */
public final class SandboxService {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxService.class);
    static final Set<SandboxState> GONE = EnumSet.of(SandboxState.DESTROYED);
    public static final int MAX_PAGE = 500;
    static final String UNREACHABLE = "the sandbox's node is unreachable";

    private final SandboxRepository sandboxes;
    private final PlanRepository plans;
    private final Drivers drivers;
    private final Ids ids;
    private final InstantSource clock;
    private final SandboxSettings settings;
    private final SandboxLocks locks = new SandboxLocks();
    private final RateLimits rates;
    private final Locality locality;
    /** Account and node of other nodes' sandboxes seen before (both immutable), so relays skip the store. */
    private final java.util.Map<String, Placement> remote = new java.util.concurrent.ConcurrentHashMap<>();

    private static final int MAX_REMEMBERED_PLACEMENTS = 100_000;

    private record Placement(String accountId, String nodeId) {}

    public SandboxService(
            SandboxRepository sandboxes,
            PlanRepository plans,
            Drivers drivers,
            Ids ids,
            InstantSource clock,
            SandboxSettings settings) {
        this(sandboxes, plans, drivers, ids, clock, settings, RateLimits.NONE);
    }

    /** With rate limiting: reads charge {@link EndpointClass#READ}, state changes {@link EndpointClass#MANAGE}. */
    public SandboxService(
            SandboxRepository sandboxes,
            PlanRepository plans,
            Drivers drivers,
            Ids ids,
            InstantSource clock,
            SandboxSettings settings,
            RateLimits rates) {
        this(sandboxes, plans, drivers, ids, clock, settings, rates, Locality.SINGLE_NODE);
    }

    /**
     * In a cluster: requests for sandboxes of other live nodes are handed over ({@link Locality}) before anything is
     * charged or changed here, and new sandboxes go to another node when this one has no room.
     */
    public SandboxService(
            SandboxRepository sandboxes,
            PlanRepository plans,
            Drivers drivers,
            Ids ids,
            InstantSource clock,
            SandboxSettings settings,
            RateLimits rates,
            Locality locality) {
        this.locality = locality;
        this.rates = rates;
        this.sandboxes = sandboxes;
        this.plans = plans;
        this.drivers = drivers;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    public Sandbox create(Principal caller, SandboxRequest request) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        locality.requireRoomHere();
        Plan plan = planOf(caller);
        rates.charge(caller, EndpointClass.MANAGE, plan);
        String backend = request.backend() == null ? drivers.defaultBackend() : request.backend();
        if (!drivers.has(backend)) {
            throw RuncellException.invalid(FieldError.of(
                    "backend", FieldError.Kind.INVALID_VALUE, "backend must be one of " + drivers.names()));
        }
        SandboxLimits.Sized size = SandboxLimits.check(request, plan);
        if (sandboxes.countByAccount(caller.accountId(), GONE) >= plan.maxSandboxes()) {
            throw new RuncellException(
                    ErrorCode.QUOTA_EXCEEDED, "The plan allows at most " + plan.maxSandboxes() + " sandboxes.");
        }
        Instant now = clock.instant();
        Sandbox sandbox = new Sandbox(
                ids.next(Ids.SANDBOX),
                sandboxes.nextNumber(),
                caller.accountId(),
                backend,
                SandboxState.PENDING,
                request.label(),
                size.memoryMb(),
                size.vcpus(),
                size.pidsMax(),
                Boolean.TRUE.equals(request.network()),
                request.env(),
                request.metadata(),
                size.lifetimeSeconds(),
                null,
                null,
                settings.nodeId(),
                now,
                null,
                now);
        sandboxes.insert(sandbox);
        return request.start() ? startOwned(sandbox.id()) : sandbox;
    }

    /** The caller's sandbox; destroyed ones and other accounts' are not found. */
    public Sandbox get(Principal caller, String id) {
        Sandbox s = owned(caller, id);
        rates.charge(caller, EndpointClass.READ);
        return s;
    }

    /** Like {@link #get} but also returns destroyed sandboxes (dialects that report a "killed" status). */
    public Sandbox getIncludingDestroyed(Principal caller, String id) {
        Sandbox s = ownedIncludingDestroyed(caller, id);
        rates.charge(caller, EndpointClass.READ);
        return s;
    }

    /**
     * The caller's live sandbox without charging a rate limit: for core services whose own operation was already
     * charged (an execution start looks up its sandbox). Dialects call {@link #get}. In a cluster, a sandbox of
     * another live node throws {@link io.runcell.core.cluster.OwnedElsewhere}.
     */
    public Sandbox owned(Principal caller, String id) {
        return owned(caller, id, Access.READ);
    }

    /** {@link #owned(Principal, String)} for an operation that needs the sandbox's node ({@link Access#ACT}). */
    public Sandbox owned(Principal caller, String id, Access access) {
        caller.require(Scope.READ_VM);
        Placement known = remote.get(id);
        if (known != null && known.accountId().equals(caller.accountId())) {
            // a sandbox never changes account or node: relay without reading the store (throws when its node lives)
            locality.requireHere(known.nodeId(), access);
        }
        return here(find(caller, id).filter(s -> !s.destroyed()).orElseThrow(SandboxService::notFound), access);
    }

    /** {@link #owned} including destroyed sandboxes. */
    public Sandbox ownedIncludingDestroyed(Principal caller, String id) {
        caller.require(Scope.READ_VM);
        return here(find(caller, id).orElseThrow(SandboxService::notFound), Access.READ);
    }

    /** The caller's live sandbox numbered {@code number} (a read: one {@link EndpointClass#READ} token). */
    public Sandbox getByNumber(Principal caller, long number) {
        Sandbox s = ownedByNumber(caller, number);
        rates.charge(caller, EndpointClass.READ);
        return s;
    }

    /**
     * {@link #getByNumber} without charging: for a dialect that names sandboxes by number and hands the sandbox to
     * an operation that charges its own class (Vast's execute, manage and destroy), so the call costs one token.
     */
    public Sandbox ownedByNumber(Principal caller, long number) {
        caller.require(Scope.READ_VM);
        return here(
                sandboxes
                        .findByNumber(number)
                        .filter(x -> x.accountId().equals(caller.accountId()) && !x.destroyed())
                        .orElseThrow(SandboxService::notFound),
                Access.READ);
    }

    /**
     * Any account's sandbox, destroyed ones included, by its id alone: the id (a ULID, 80 random bits) is the
     * capability, as a result URL's token is. Only for the one read a dialect documents as keyless (InstaVM's
     * session usage, which InstaVM's current SDK reads without a key); nothing is charged, there being no caller.
     */
    public Sandbox getByCapability(String id) {
        if (id == null || Ids.ulidOf(Ids.SANDBOX, id).isEmpty()) {
            throw notFound();
        }
        return here(sandboxes.findById(id).orElseThrow(SandboxService::notFound), Access.READ);
    }

    public List<Sandbox> list(Principal caller, String afterId, int limit) {
        caller.require(Scope.READ_VM);
        rates.charge(caller, EndpointClass.READ);
        return sandboxes.listByAccount(caller.accountId(), GONE, afterId, Math.max(1, Math.min(limit, MAX_PAGE)));
    }

    /**
     * Every live sandbox of the caller in creation order, read {@value #MAX_PAGE} at a time but charged as one
     * read (Vast's listings return everything at once). Its size is bounded by the plan's {@code max_sandboxes}.
     */
    public List<Sandbox> listAll(Principal caller) {
        caller.require(Scope.READ_VM);
        rates.charge(caller, EndpointClass.READ);
        List<Sandbox> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<Sandbox> page = sandboxes.listByAccount(caller.accountId(), GONE, after, MAX_PAGE);
            out.addAll(page);
            if (page.size() < MAX_PAGE) {
                out.sort(java.util.Comparator.comparingLong(Sandbox::number));
                return out;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /**
     * Applies {@code change} to the caller's sandboxes {@code ids} as one manage call: one {@link
     * EndpointClass#MANAGE} token however many sandboxes and fields it names, and every check (label length, each
     * id, no start of a failed sandbox) made for all of them before anything changes, so a refused call changes
     * nothing. Each sandbox gets its power state, then its label. A backend that fails to start one of them leaves
     * the ones before it changed (that failure cannot be known in advance). Returns the sandboxes as changed.
     */
    public List<Sandbox> change(Principal caller, List<String> ids, SandboxChange change) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        SandboxLimits.checkLabel(change.label());
        Access access = change.power() == null ? Access.READ : Access.ACT;
        List<Sandbox> targets = new ArrayList<>();
        for (String id : new java.util.LinkedHashSet<>(ids)) {
            targets.add(owned(caller, id, access));
        }
        rates.charge(caller, EndpointClass.MANAGE);
        if (change.power() == SandboxChange.Power.RUNNING) {
            for (Sandbox s : targets) {
                if (s.state() == SandboxState.FAILED) {
                    throw RuncellException.of(ErrorCode.SANDBOX_FAILED);
                }
            }
        }
        List<Sandbox> changed = new ArrayList<>();
        for (Sandbox s : targets) {
            Sandbox now = s;
            if (change.power() != null) {
                now = switch (change.power()) {
                    case RUNNING -> startOwned(s.id());
                    case STOPPED -> stopOwned(s.id());
                };
            }
            changed.add(change.label() == null ? now : relabel(s.id(), change.label()));
        }
        return changed;
    }

    public Sandbox start(Principal caller, String id) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        owned(caller, id, Access.ACT);
        rates.charge(caller, EndpointClass.MANAGE);
        return startOwned(id);
    }

    /**
     * Returns the sandbox running, starting it first if it is pending, stopped or expired (or its lifetime has
     * passed while it was stopped): InstaVM's "first execute spawns the VM".
     */
    public Sandbox ensureRunning(Principal caller, String id) {
        return ensureRunning(owned(caller, id, Access.ACT));
    }

    /** {@link #ensureRunning(Principal, String)} for a sandbox the caller has just loaded with {@link #owned}. */
    public Sandbox ensureRunning(Sandbox s) {
        String id = s.id();
        if (s.state() == SandboxState.RUNNING && driverOf(s).isRunning(s.id()) && !lifetimePassed(s)) {
            return s;
        }
        return startOwned(id);
    }

    /** Returns the sandbox if it can run commands now, else throws the matching not-running error. */
    public Sandbox requireRunning(Principal caller, String id) {
        return requireRunning(owned(caller, id, Access.ACT));
    }

    /**
     * {@link #requireRunning(Principal, String)} for a sandbox the caller has just loaded with {@link #owned}. A
     * sandbox recorded running whose processes have died is recorded stopped and refused like any stopped one, so a
     * caller never goes on to record work for it.
     */
    public Sandbox requireRunning(Sandbox s) {
        String id = s.id();
        return switch (s.state()) {
            case RUNNING -> {
                if (driverOf(s).isRunning(id)) {
                    yield s;
                }
                locks.with(id, () -> {
                    // another request may have restarted it meanwhile: only a record still running on dead
                    // processes is marked
                    Sandbox now = load(id);
                    return now.state() == SandboxState.RUNNING && !driverOf(now).isRunning(id) ? markDead(now) : now;
                });
                throw new RuncellException(ErrorCode.SANDBOX_NOT_RUNNING, "The sandbox's processes have ended.");
            }
            case FAILED -> throw RuncellException.of(ErrorCode.SANDBOX_FAILED);
            case PENDING, PROVISIONING, STOPPED, EXPIRED, UNKNOWN ->
                throw new RuncellException(
                        ErrorCode.SANDBOX_NOT_RUNNING,
                        "The sandbox is " + s.state().wire() + ".");
            case DESTROYED -> throw notFound();
        };
    }

    /**
     * Whether the caller's sandbox could run a command now, without changing anything (Hostup's agent probe).
     * A sandbox recorded running whose processes have died reports not running.
     */
    public ExecReadiness readiness(Principal caller, String id) {
        Sandbox s = get(caller, id);
        return switch (s.state()) {
            case RUNNING ->
                driverOf(s).isRunning(s.id())
                        ? new ExecReadiness(true, null, true)
                        : new ExecReadiness(false, "The machine's processes have ended; start it again.", false);
            case PROVISIONING -> new ExecReadiness(false, "The machine is starting.", false);
            case PENDING -> new ExecReadiness(false, "The machine has not been started.", false);
            case STOPPED -> new ExecReadiness(false, "The machine is stopped.", false);
            case EXPIRED -> new ExecReadiness(false, "The machine's lifetime has expired.", false);
            case FAILED -> new ExecReadiness(false, "The machine failed to start.", false);
            case UNKNOWN -> new ExecReadiness(false, "The machine's node is unreachable.", false);
            case DESTROYED -> throw notFound();
        };
    }

    public Sandbox stop(Principal caller, String id) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        owned(caller, id, Access.ACT);
        rates.charge(caller, EndpointClass.MANAGE);
        return stopOwned(id);
    }

    /**
     * {@link #stop(Principal, String)} for a sandbox the caller has just loaded with {@link #owned} (access
     * {@link Access#ACT}) in a call that was charged already, such as a power operation accepted earlier: no
     * second token.
     */
    public Sandbox stop(Sandbox s) {
        return stopOwned(s.id());
    }

    public void destroy(Principal caller, String id) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        owned(caller, id, Access.ACT);
        rates.charge(caller, EndpointClass.MANAGE);
        locks.with(id, () -> {
            Sandbox s = load(id);
            try {
                driverOf(s).destroy(s.id());
            } catch (DriverException e) {
                LOG.warn("destroy of {} failed in the backend: {}", s.id(), e.getMessage());
            }
            sandboxes.update(s.withState(SandboxState.DESTROYED, null, clock.instant()));
            return null;
        });
    }

    /**
     * Called by the reaper: expires {@code id} if its deadline has passed while it is running or stopped (a stop, or
     * a server restart that stopped it, keeps the deadline; its workspace is wiped at the deadline all the same).
     */
    public void expireIfDue(String id) {
        locks.with(id, () -> {
            Sandbox s = load(id);
            if (SandboxState.REAPED_AT_DEADLINE.contains(s.state()) && lifetimePassed(s)) {
                expire(s);
            }
            return null;
        });
    }

    /**
     * After a restart of this node: nothing of the previous run is alive (the backends tie their processes to the
     * server's), so running sandboxes become stopped with their workspaces intact, except those whose stored
     * deadline passed while the server was down: they are expired (workspace wiped) as the reaper would have. The
     * others keep their deadline: the reaper expires them at it, and a start before it resumes the same run.
     */
    public void recoverAfterRestart() {
        List<Sandbox> live =
                sandboxes.listByStates(EnumSet.complementOf(EnumSet.of(SandboxState.DESTROYED)), settings.nodeId());
        for (String backend : drivers.names()) {
            List<SandboxSpec> specs = new ArrayList<>();
            for (Sandbox s : live) {
                if (s.backend().equals(backend)) {
                    specs.add(specOf(s));
                }
            }
            try {
                drivers.get(backend).recover(specs);
            } catch (DriverException e) {
                LOG.error("recovery of the {} backend failed: {}", backend, e.getMessage());
            }
        }
        Instant now = clock.instant();
        int stopped = 0;
        for (Sandbox s : live) {
            if (s.state().holdsProcesses() || s.state() == SandboxState.UNKNOWN) {
                if (lifetimePassed(s)) {
                    // its stored deadline passed while the server was down: expire it as the reaper would have
                    expire(s);
                } else {
                    sandboxes.update(s.withState(SandboxState.STOPPED, "stopped by a server restart", now));
                }
                stopped++;
            }
        }
        if (stopped > 0) {
            LOG.info("recovery: {} sandboxes that were running are now stopped", stopped);
        }
    }

    /** Which node serves what: executions of this node's sandboxes follow the same rule. */
    public Locality locality() {
        return locality;
    }

    /**
     * Another node's lease lapsed: what its sandboxes were running is unknown until it comes back. Returns how many
     * sandboxes changed.
     */
    public int markNodeUnreachable(String nodeId) {
        int changed = 0;
        for (Sandbox s : sandboxes.listByStates(EnumSet.of(SandboxState.RUNNING, SandboxState.PROVISIONING), nodeId)) {
            sandboxes.update(s.withState(SandboxState.UNKNOWN, UNREACHABLE, clock.instant()));
            changed++;
        }
        return changed;
    }

    /**
     * This node is back after others declared it dead while its processes went on (a pause or a partition, not a
     * restart): its sandboxes whose processes survived are running again, the others stopped.
     */
    public int reconcileUnknown() {
        int changed = 0;
        for (Sandbox s : sandboxes.listByStates(EnumSet.of(SandboxState.UNKNOWN), settings.nodeId())) {
            changed += locks.with(s.id(), () -> {
                Sandbox current = load(s.id());
                if (current.state() != SandboxState.UNKNOWN) {
                    return 0;
                }
                boolean alive = driverOf(current).isRunning(current.id());
                sandboxes.update(
                        alive
                                ? current.withState(SandboxState.RUNNING, null, clock.instant())
                                : current.withState(
                                        SandboxState.STOPPED,
                                        "its processes ended while the node was away",
                                        clock.instant()));
                return 1;
            });
        }
        return changed;
    }

    /**
     * A graceful shutdown: the backends are about to end every sandbox process of this node, so its running
     * sandboxes are recorded stopped (workspaces kept) rather than left for the next start's recovery.
     */
    public int stopAllForShutdown() {
        int stopped = 0;
        for (Sandbox s : sandboxes.listByStates(
                EnumSet.of(SandboxState.RUNNING, SandboxState.PROVISIONING, SandboxState.UNKNOWN), settings.nodeId())) {
            sandboxes.update(s.withState(SandboxState.STOPPED, "stopped by a node shutdown", clock.instant()));
            stopped++;
        }
        return stopped;
    }

    public SandboxDriver driverOf(Sandbox s) {
        return drivers.get(s.backend());
    }

    public SandboxSpec specOf(Sandbox s) {
        return new SandboxSpec(
                s.id(), uidOf(s), s.memoryMb(), s.vcpus(), s.pidsMax(), settings.tmpSizeMb(), s.network(), s.env());
    }

    private int uidOf(Sandbox s) {
        long uid = settings.uidBase() + s.number();
        if (uid >= Integer.MAX_VALUE - 1) {
            throw new IllegalStateException("sandbox uid space exhausted");
        }
        return (int) uid;
    }

    private Sandbox startOwned(String id) {
        return locks.with(id, () -> {
            Sandbox s = load(id);
            switch (s.state()) {
                case DESTROYED -> throw notFound();
                case FAILED -> throw RuncellException.of(ErrorCode.SANDBOX_FAILED);
                case RUNNING -> {
                    if (lifetimePassed(s)) {
                        s = expire(s);
                    } else if (driverOf(s).isRunning(s.id())) {
                        return s;
                    } else {
                        s = markDead(s);
                    }
                }
                case STOPPED -> {
                    if (lifetimePassed(s)) {
                        s = expire(s);
                    }
                }
                case PENDING, EXPIRED, PROVISIONING, UNKNOWN -> {}
            }
            Instant now = clock.instant();
            Sandbox provisioning = s.withState(SandboxState.PROVISIONING, null, now);
            sandboxes.update(provisioning);
            try {
                driverOf(s).start(specOf(s));
            } catch (DriverException | RuntimeException e) {
                LOG.warn("sandbox {} failed to start: {}", s.id(), e.getMessage());
                Sandbox failed =
                        provisioning.withState(SandboxState.FAILED, "the backend could not start it", clock.instant());
                sandboxes.update(failed);
                throw RuncellException.of(ErrorCode.SANDBOX_FAILED);
            }
            Sandbox running = provisioning.started(clock.instant());
            sandboxes.update(running);
            return running;
        });
    }

    private Sandbox stopOwned(String id) {
        return locks.with(id, () -> {
            Sandbox s = load(id);
            if (s.state() != SandboxState.RUNNING && s.state() != SandboxState.PROVISIONING) {
                return s;
            }
            stopDriver(s);
            Sandbox stopped = s.withState(SandboxState.STOPPED, null, clock.instant());
            sandboxes.update(stopped);
            return stopped;
        });
    }

    private Sandbox relabel(String id, String label) {
        return locks.with(id, () -> {
            Sandbox s = load(id);
            Sandbox updated = s.withLabel(label, clock.instant());
            sandboxes.update(updated);
            return updated;
        });
    }

    private Sandbox expire(Sandbox s) {
        stopDriver(s);
        try {
            driverOf(s).resetWorkspace(s.id());
        } catch (DriverException e) {
            LOG.warn("workspace reset of {} failed: {}", s.id(), e.getMessage());
        }
        Sandbox expired = s.withState(SandboxState.EXPIRED, "lifetime expired", clock.instant());
        sandboxes.update(expired);
        LOG.info("sandbox {} expired", s.id());
        return expired;
    }

    private Sandbox markDead(Sandbox s) {
        Sandbox stopped = s.withState(SandboxState.STOPPED, "the sandbox's processes ended", clock.instant());
        sandboxes.update(stopped);
        return stopped;
    }

    private void stopDriver(Sandbox s) {
        try {
            driverOf(s).stop(s.id());
        } catch (DriverException e) {
            LOG.warn("stop of {} failed in the backend: {}", s.id(), e.getMessage());
        }
    }

    private boolean lifetimePassed(Sandbox s) {
        return s.expiresAt() != null && !s.expiresAt().isAfter(clock.instant());
    }

    private Optional<Sandbox> find(Principal caller, String id) {
        if (id == null || Ids.ulidOf(Ids.SANDBOX, id).isEmpty()) {
            return Optional.empty();
        }
        return sandboxes.findById(id).filter(s -> s.accountId().equals(caller.accountId()));
    }

    private Sandbox here(Sandbox s, Access access) {
        if (locality.isRemote(s.nodeId())) {
            if (remote.size() >= MAX_REMEMBERED_PLACEMENTS) {
                remote.clear();
            }
            remote.put(s.id(), new Placement(s.accountId(), s.nodeId()));
        }
        if (locality.requireHere(s.nodeId(), access) || !s.state().holdsProcesses()) {
            return s;
        }
        // its node is unreachable: whatever ran there is unknown until the node reconciles
        return s.withState(SandboxState.UNKNOWN, UNREACHABLE, s.updatedAt());
    }

    private Sandbox load(String id) {
        return sandboxes.findById(id).orElseThrow(SandboxService::notFound);
    }

    private Plan planOf(Principal caller) {
        return plans.find(caller.plan())
                .orElseThrow(() -> new IllegalStateException("account plan missing: " + caller.plan()));
    }

    static RuncellException notFound() {
        return RuncellException.of(ErrorCode.SANDBOX_NOT_FOUND);
    }
}
