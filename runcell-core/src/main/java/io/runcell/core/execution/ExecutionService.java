package io.runcell.core.execution;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.cluster.Locality;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import io.runcell.core.plan.Plan;
import io.runcell.core.plan.PlanRepository;
import io.runcell.core.policy.Policies;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimits;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRepository;
import io.runcell.core.sandbox.SandboxService;
import io.runcell.core.vault.VaultService;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts executions in sandboxes and keeps their durable records: inserted before the command runs, output
 * captured incrementally (and flushed to the store while running), final status stored when it ends. Every
 * dialect's synchronous call is {@link #start} followed by {@link #await}.
 *
 * <p>Threading: safe for concurrent use; blocking methods ({@link #await}) are meant for virtual threads.
 */
public final class ExecutionService {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionService.class);
    public static final int MAX_LIST = 500;

    private final ExecutionRepository executions;
    private final ExecutionSeqs seqs;
    private final SandboxService sandboxes;
    private final PlanRepository plans;
    private final Ids ids;
    private final InstantSource clock;
    private final String nodeId;
    private final ExecutionObserver observer;
    private final Policies policies;
    private final Map<String, LiveExecution> live = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runningPerAccount = new ConcurrentHashMap<>();
    private final RateLimits rates;
    private final VaultService vaults;
    /** Starts queued executions; at most {@link #MAX_PARALLEL_DISPATCH} spawn at once. */
    private final java.util.concurrent.Executor dispatcher = java.util.concurrent.Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("runcell-dispatch-", 0).factory());

    private final java.util.concurrent.Semaphore dispatchPermits =
            new java.util.concurrent.Semaphore(MAX_PARALLEL_DISPATCH);
    public static final int MAX_PARALLEL_DISPATCH = Integer.getInteger("runcell.dispatch.parallel", 8);

    public ExecutionService(
            ExecutionRepository executions,
            SandboxRepository sandboxRecords,
            SandboxService sandboxes,
            PlanRepository plans,
            Ids ids,
            InstantSource clock,
            String nodeId,
            ExecutionObserver observer,
            Policies policies) {
        this(
                executions,
                sandboxRecords,
                sandboxes,
                plans,
                ids,
                clock,
                nodeId,
                observer,
                policies,
                RateLimits.NONE,
                null);
    }

    /**
     * With rate limiting (starts charge {@link EndpointClass#EXEC}, reads {@link EndpointClass#READ}, cancel
     * {@link EndpointClass#MANAGE}) and vaults ({@code vaults} null: executions naming vaults are rejected).
     */
    public ExecutionService(
            ExecutionRepository executions,
            SandboxRepository sandboxRecords,
            SandboxService sandboxes,
            PlanRepository plans,
            Ids ids,
            InstantSource clock,
            String nodeId,
            ExecutionObserver observer,
            Policies policies,
            RateLimits rates,
            VaultService vaults) {
        this.rates = rates;
        this.vaults = vaults;
        this.policies = policies;
        this.executions = executions;
        this.seqs = new ExecutionSeqs(sandboxRecords);
        this.sandboxes = sandboxes;
        this.plans = plans;
        this.ids = ids;
        this.clock = clock;
        this.nodeId = nodeId;
        this.observer = observer;
    }

    /** Starts {@code command} in the caller's sandbox and returns the running record at once. */
    public Execution start(Principal caller, String sandboxId, ExecCommand command) {
        return admit(caller, sandboxId, command, false);
    }

    /**
     * Accepts {@code command} for the caller's sandbox and returns its {@code queued} record as soon as that is
     * stored; the command is started shortly after by a dispatcher of bounded concurrency (asynchronous APIs).
     * Everything {@link #start} checks is checked here first, so a refusal still leaves nothing behind.
     */
    public Execution enqueue(Principal caller, String sandboxId, ExecCommand command) {
        return admit(caller, sandboxId, command, true);
    }

    private Execution admit(Principal caller, String sandboxId, ExecCommand command, boolean queued) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        long t0 = System.nanoTime();
        // first: a sandbox of another node is handed over before this node charges or records anything
        Sandbox owned = sandboxes.owned(caller, sandboxId, Locality.Access.ACT);
        Plan plan = plans.find(caller.plan()).orElseThrow(() -> new IllegalStateException("plan missing"));
        rates.charge(caller, EndpointClass.EXEC, plan);
        validate(command);
        int timeout = timeoutOf(command.timeoutSeconds(), plan);
        VaultService.Resolved secrets = resolveVaults(caller, command.vaultIds());
        policies.check(caller, sandboxId, command);
        // The record loaded above, not a second read: one query less on every execution. A sandbox that cannot
        // run the command is refused here, before an audit entry, a pid or a record is spent on it.
        Sandbox sandbox = command.autoStart() ? sandboxes.ensureRunning(owned) : sandboxes.requireRunning(owned);
        AtomicInteger running = runningPerAccount.computeIfAbsent(caller.accountId(), k -> new AtomicInteger());
        if (running.incrementAndGet() > plan.maxConcurrentExecutions()) {
            running.decrementAndGet();
            throw concurrencyQuota(plan);
        }
        Execution record;
        try {
            policies.admitted(caller, sandboxId, command);
            Instant now = clock.instant();
            record = new Execution(
                    ids.next(Ids.EXECUTION),
                    sandbox.id(),
                    caller.accountId(),
                    seqs.next(sandbox.id()),
                    command.display(),
                    command.argv(),
                    queued ? ExecutionStatus.QUEUED : ExecutionStatus.RUNNING,
                    null,
                    null,
                    false,
                    "",
                    "",
                    false,
                    false,
                    now,
                    queued ? null : now,
                    null,
                    0,
                    null,
                    nodeId);
            // in a cluster the account's executions on other nodes count too: the store checks and inserts at once
            if (sandboxes.locality().clustered()) {
                if (!executions.insertIfActiveBelow(record, plan.maxConcurrentExecutions())) {
                    throw concurrencyQuota(plan);
                }
            } else {
                executions.insert(record);
            }
        } catch (RuntimeException e) {
            running.decrementAndGet();
            throw e;
        }
        // from here on every path ends in complete(), which releases the concurrency slot
        LiveExecution exec = new LiveExecution(record, plan.outputCapBytes(), t0, secrets.redactor());
        live.put(record.id(), exec);
        if (!queued) {
            return launch(sandbox, exec, command, secrets, timeout);
        }
        dispatcher.execute(() -> dispatch(sandbox, exec, command, secrets, timeout));
        return record;
    }

    private void dispatch(
            Sandbox sandbox, LiveExecution exec, ExecCommand command, VaultService.Resolved secrets, int timeout) {
        try {
            dispatchPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            complete(exec, ExecResult.failedToRun("the server is stopping"), null);
            return;
        }
        try {
            if (exec.cancelRequested) {
                complete(exec, new ExecResult(null, null, false, true, false, 0, null), null);
                return;
            }
            Execution q = exec.initial;
            Execution runningRecord = new Execution(
                    q.id(),
                    q.sandboxId(),
                    q.accountId(),
                    q.seq(),
                    q.command(),
                    q.argv(),
                    ExecutionStatus.RUNNING,
                    null,
                    null,
                    false,
                    "",
                    "",
                    false,
                    false,
                    q.createdAt(),
                    clock.instant(),
                    null,
                    0,
                    null,
                    q.nodeId());
            executions.update(runningRecord);
            exec.initial = runningRecord;
            launch(sandbox, exec, command, secrets, timeout);
        } catch (RuncellException e) {
            // launch() already completed the record as failed
        } catch (RuntimeException e) {
            LOG.error("dispatching execution {} failed", exec.initial.id(), e);
            complete(exec, ExecResult.failedToRun("dispatch failed"), null);
        } finally {
            dispatchPermits.release();
        }
    }

    private VaultService.Resolved resolveVaults(Principal caller, List<String> vaultIds) {
        if (vaultIds.isEmpty()) {
            return VaultService.Resolved.NONE;
        }
        if (vaults == null) {
            throw RuncellException.invalid(FieldError.of(
                    "vault_ids", FieldError.Kind.INVALID_VALUE, "vaults are not available on this server"));
        }
        return vaults.resolve(caller, vaultIds);
    }

    private Execution launch(
            Sandbox sandbox, LiveExecution exec, ExecCommand command, VaultService.Resolved secrets, int timeout) {
        Execution record = exec.initial;
        Map<String, String> env = command.env();
        if (!secrets.env().isEmpty()) {
            // the secrets live in this execution's environment only: not the sandbox's, not the record
            Map<String, String> merged = new java.util.HashMap<>(command.env());
            merged.putAll(secrets.env());
            env = merged;
        }
        ExecRequest request = new ExecRequest(command.argv(), env, timeout * 1000L, command.stdin());
        try {
            ExecHandle handle = sandboxes.driverOf(sandbox).exec(sandbox.id(), request, exec);
            exec.handle = handle;
            if (exec.cancelRequested) {
                handle.kill();
            }
            handle.completion().whenComplete((result, error) -> complete(exec, result, error));
        } catch (DriverException e) {
            ExecResult failed = ExecResult.failedToRun(e.getMessage());
            complete(exec, failed, null);
            if (e.reason() == DriverException.Reason.NOT_RUNNING) {
                throw RuncellException.of(ErrorCode.SANDBOX_NOT_RUNNING);
            }
            throw new RuncellException(ErrorCode.BACKEND_UNAVAILABLE, "The sandbox backend could not run the command.");
        }
        return record;
    }

    private void complete(LiveExecution exec, ExecResult result, Throwable error) {
        try {
            ExecResult r = result != null ? result : ExecResult.failedToRun(String.valueOf(error));
            ExecutionStatus status;
            if (r.error() != null) {
                status = ExecutionStatus.FAILED;
            } else if (r.timedOut()) {
                status = ExecutionStatus.TIMED_OUT;
            } else if (r.killed()) {
                status = ExecutionStatus.CANCELLED;
            } else if (r.exitCode() != null && r.exitCode() == 0) {
                status = ExecutionStatus.SUCCEEDED;
            } else {
                status = ExecutionStatus.FAILED;
            }
            exec.drainRedactors();
            Integer exitCode = r.exitCode() != null ? r.exitCode() : (r.signal() != null ? 128 + r.signal() : null);
            String errorText = r.error() != null ? "the command could not be run: " + r.error() : null;
            Execution done = exec.initial.finished(
                    status,
                    exitCode,
                    r.signal(),
                    r.oomKilled(),
                    exec.output(),
                    clock.instant(),
                    r.cpuTimeMicros() / 1000,
                    errorText);
            try {
                executions.update(done);
            } catch (RuntimeException e) {
                LOG.error("could not store the final record of {}", done.id(), e);
            }
            live.remove(done.id());
            AtomicInteger running = runningPerAccount.get(done.accountId());
            if (running != null) {
                running.decrementAndGet();
            }
            // metrics before waking waiters, so a caller that saw the record also sees it counted
            observer.finished(done, System.nanoTime() - exec.startNanos);
            exec.finish(done);
        } catch (RuntimeException e) {
            LOG.error("completing execution {} failed", exec.initial.id(), e);
            exec.done.completeExceptionally(e);
        }
    }

    /**
     * Waits up to {@code maxWait} for the execution to end and returns its record (final, or as it stands when
     * the wait runs out: check {@link Execution#status()}).
     */
    public Execution await(Principal caller, String executionId, Duration maxWait) {
        // The live entry first: complete() stores the final record, then leaves the live map, then wakes waiters,
        // so an entry taken now is either still completing (wait for it) or gone with the final record stored.
        // Taken after find(), it could be gone while find() still saw the execution running.
        LiveExecution exec = live.get(executionId);
        Execution record = find(caller, executionId);
        if (exec == null || record.status().terminal()) {
            return record;
        }
        try {
            return exec.done.get(Math.max(1, maxWait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return exec.current();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exec.current();
        } catch (ExecutionException e) {
            throw new IllegalStateException("execution completion failed", e.getCause());
        }
    }

    /** The caller's execution: live output while it runs; other accounts' executions are not found. */
    public Execution get(Principal caller, String executionId) {
        Execution found = find(caller, executionId);
        rates.charge(caller, EndpointClass.READ);
        return found;
    }

    private Execution find(Principal caller, String executionId) {
        caller.require(Scope.READ_VM);
        LiveExecution exec = live.get(executionId);
        if (exec != null) {
            if (!exec.initial.accountId().equals(caller.accountId())) {
                throw notFound();
            }
            Execution current = exec.current();
            // it may have finished between the lookup and now; the stored record is then authoritative
            return exec.done.isDone() ? exec.done.getNow(current) : current;
        }
        if (executionId == null || Ids.ulidOf(Ids.EXECUTION, executionId).isEmpty()) {
            throw notFound();
        }
        Execution stored = executions
                .findById(executionId)
                .filter(e -> e.accountId().equals(caller.accountId()))
                .orElseThrow(ExecutionService::notFound);
        return servedHere(stored);
    }

    /** A stored record still running on another live node is answered by that node (live output, waits). */
    private Execution servedHere(Execution stored) {
        if (!stored.status().terminal()) {
            sandboxes.locality().requireHere(stored.nodeId(), Locality.Access.READ);
        }
        return stored;
    }

    /** Any account's execution as it stands now (live output while it runs), for capability links. */
    Optional<Execution> peek(String executionId) {
        LiveExecution exec = live.get(executionId);
        if (exec != null) {
            Execution current = exec.current();
            return Optional.of(exec.done.isDone() ? exec.done.getNow(current) : current);
        }
        if (executionId == null || Ids.ulidOf(Ids.EXECUTION, executionId).isEmpty()) {
            return Optional.empty();
        }
        return executions.findById(executionId).map(this::servedHere);
    }

    /** The execution with per-sandbox sequence number {@code seq} (Hostup pid). */
    public Execution getBySeq(Principal caller, String sandboxId, long seq) {
        caller.require(Scope.READ_VM);
        sandboxes.ownedIncludingDestroyed(caller, sandboxId);
        rates.charge(caller, EndpointClass.READ);
        Execution stored = executions.findBySeq(sandboxId, seq).orElseThrow(ExecutionService::notFound);
        return find(caller, stored.id());
    }

    public List<Execution> list(Principal caller, String sandboxId, int limit) {
        caller.require(Scope.READ_VM);
        sandboxes.ownedIncludingDestroyed(caller, sandboxId);
        rates.charge(caller, EndpointClass.READ);
        return listOf(sandboxId, limit);
    }

    /**
     * {@link #list} for a sandbox named by its id alone, whatever its account: the keyless read of
     * {@link SandboxService#getByCapability}.
     */
    public List<Execution> listByCapability(String sandboxId, int limit) {
        return listOf(sandboxes.getByCapability(sandboxId).id(), limit);
    }

    private List<Execution> listOf(String sandboxId, int limit) {
        return executions.listBySandbox(sandboxId, Math.max(1, Math.min(limit, MAX_LIST))).stream()
                .map(e -> live.containsKey(e.id()) ? live.get(e.id()).current() : e)
                .toList();
    }

    /** Kills the execution's process tree; the record ends {@code cancelled}. No-op if it already ended. */
    public Execution cancel(Principal caller, String executionId) {
        caller.require(Scope.WRITE_VM);
        Execution record = find(caller, executionId);
        rates.charge(caller, EndpointClass.MANAGE);
        LiveExecution exec = live.get(executionId);
        if (exec != null) {
            exec.cancelRequested = true;
            ExecHandle handle = exec.handle;
            if (handle != null) {
                handle.kill();
            }
            return await(caller, executionId, Duration.ofSeconds(10));
        }
        return record;
    }

    /**
     * Follows the execution: replays captured output, then delivers new output and the final record. Returns
     * empty if the execution has already ended (then the caller renders the stored record).
     */
    public Optional<Runnable> subscribe(Principal caller, String executionId, ExecutionListener listener) {
        get(caller, executionId);
        return follow(caller, executionId, listener);
    }

    private Optional<Runnable> follow(Principal caller, String executionId, ExecutionListener listener) {
        LiveExecution exec = live.get(executionId);
        if (exec == null) {
            return Optional.empty();
        }
        exec.subscribe(listener);
        if (exec.done.isDone()) {
            // finished while subscribing: make sure the listener hears the end exactly once
            exec.unsubscribe(listener);
            return Optional.empty();
        }
        return Optional.of(() -> exec.unsubscribe(listener));
    }

    /** Stores the output captured so far of every running execution that changed since the last flush. */
    public void flushLiveOutput() {
        for (LiveExecution exec : live.values()) {
            if (exec.takeDirty() && !exec.done.isDone()) {
                try {
                    executions.updateOutput(exec.initial.id(), exec.output());
                } catch (RuntimeException e) {
                    LOG.warn("flushing output of {} failed: {}", exec.initial.id(), e.getMessage());
                }
            }
        }
    }

    /** After a restart: executions this node was running are lost, keeping the output flushed so far. */
    public int recoverAfterRestart() {
        int lost = executions.markLost(
                EnumSet.of(ExecutionStatus.QUEUED, ExecutionStatus.RUNNING), nodeId, clock.instant());
        if (lost > 0) {
            LOG.info("recovery: {} executions that were running are now lost", lost);
        }
        return lost;
    }

    /** Another node's lease lapsed: what it was running is lost (output flushed so far kept). */
    public int markNodeLost(String deadNodeId) {
        return executions.markLost(
                EnumSet.of(ExecutionStatus.QUEUED, ExecutionStatus.RUNNING), deadNodeId, clock.instant());
    }

    public int liveCount() {
        return live.size();
    }

    private static void validate(ExecCommand command) {
        long length = 0;
        for (String arg : command.argv()) {
            if (arg.indexOf('\0') >= 0) {
                throw RuncellException.invalid(FieldError.of(
                        "command", FieldError.Kind.INVALID_VALUE, "command must not contain NUL characters"));
            }
            length += arg.length();
        }
        if (length > ExecCommand.MAX_COMMAND_LENGTH) {
            throw RuncellException.invalid(new FieldError(
                    "command",
                    FieldError.Kind.TOO_LONG,
                    "command must be at most " + ExecCommand.MAX_COMMAND_LENGTH + " characters",
                    (long) ExecCommand.MAX_COMMAND_LENGTH));
        }
    }

    private static int timeoutOf(Integer requested, Plan plan) {
        if (requested == null) {
            return plan.defaultExecTimeoutSeconds();
        }
        if (requested < 1) {
            throw RuncellException.invalid(new FieldError(
                    "timeout_seconds", FieldError.Kind.TOO_SMALL, "timeout_seconds must be at least 1", 1L));
        }
        if (requested > plan.maxExecTimeoutSeconds()) {
            throw RuncellException.invalid(new FieldError(
                    "timeout_seconds",
                    FieldError.Kind.TOO_LARGE,
                    "timeout_seconds must be at most " + plan.maxExecTimeoutSeconds(),
                    (long) plan.maxExecTimeoutSeconds()));
        }
        return requested;
    }

    private static RuncellException concurrencyQuota(Plan plan) {
        return new RuncellException(
                ErrorCode.QUOTA_EXCEEDED,
                "The plan allows at most " + plan.maxConcurrentExecutions() + " concurrent executions.");
    }

    private static RuncellException notFound() {
        return RuncellException.of(ErrorCode.EXECUTION_NOT_FOUND);
    }
}
