package io.runcell.core.power;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.cluster.Locality.Access;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimits;
import io.runcell.core.sandbox.SandboxService;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs power actions as operations: {@link #submit} checks the caller and the sandbox, stores a {@code pending}
 * operation and returns it at once; the action then runs on {@code executor} through {@link SandboxService} (which
 * owns the state transitions) and the operation ends {@code succeeded} or {@code failed}. A submit is one manage
 * call: it takes one {@code MANAGE} token when accepted, and the action (a restart is a stop and a start) is not
 * charged again, so an accepted operation never fails for the rate limit.
 *
 * <p>Thread-safe. The executor should run each task on its own virtual thread.
 */
public final class PowerService {

    private static final Logger LOG = LoggerFactory.getLogger(PowerService.class);

    private final OperationRepository operations;
    private final SandboxService sandboxes;
    private final Ids ids;
    private final InstantSource clock;
    private final Executor executor;
    private final RateLimits rates;

    /**
     * @param rates charged one {@link EndpointClass#MANAGE} token per submit ({@link RateLimits#NONE}: no limit); a
     *              get is charged as the read of its sandbox by {@code sandboxes}
     */
    public PowerService(
            OperationRepository operations,
            SandboxService sandboxes,
            Ids ids,
            InstantSource clock,
            Executor executor,
            RateLimits rates) {
        this.rates = rates;
        this.operations = operations;
        this.sandboxes = sandboxes;
        this.ids = ids;
        this.clock = clock;
        this.executor = executor;
    }

    /** Starts {@code action} on the caller's sandbox; returns the {@code pending} operation. */
    public Operation submit(Principal caller, String sandboxId, PowerAction action) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        sandboxes.owned(caller, sandboxId);
        rates.charge(caller, EndpointClass.MANAGE);
        var now = clock.instant();
        Operation op = new Operation(
                ids.next(Ids.OPERATION),
                sandboxId,
                caller.accountId(),
                action,
                OperationStatus.PENDING,
                null,
                now,
                now);
        operations.insert(op);
        executor.execute(() -> run(caller, op));
        return op;
    }

    /** The operation {@code operationId} on the caller's sandbox {@code sandboxId}. */
    public Operation get(Principal caller, String sandboxId, String operationId) {
        caller.require(Scope.READ_VM);
        sandboxes.getIncludingDestroyed(caller, sandboxId);
        if (operationId == null || Ids.ulidOf(Ids.OPERATION, operationId).isEmpty()) {
            throw RuncellException.of(ErrorCode.OPERATION_NOT_FOUND);
        }
        return operations
                .findById(operationId)
                .filter(op -> op.accountId().equals(caller.accountId())
                        && op.sandboxId().equals(sandboxId))
                .orElseThrow(() -> RuncellException.of(ErrorCode.OPERATION_NOT_FOUND));
    }

    /** After a restart: operations that were under way cannot finish. */
    public int recoverAfterRestart() {
        return operations.failUnfinished("interrupted by a server restart", clock.instant());
    }

    private void run(Principal caller, Operation pending) {
        Operation op = pending.with(OperationStatus.RUNNING, null, clock.instant());
        try {
            operations.update(op);
            // charged when submitted: the transitions below take no further token
            switch (op.action()) {
                case START -> sandboxes.ensureRunning(sandboxes.owned(caller, op.sandboxId(), Access.ACT));
                case SHUTDOWN, STOP -> sandboxes.stop(sandboxes.owned(caller, op.sandboxId(), Access.ACT));
                case RESTART, RESET -> {
                    sandboxes.stop(sandboxes.owned(caller, op.sandboxId(), Access.ACT));
                    sandboxes.ensureRunning(sandboxes.owned(caller, op.sandboxId(), Access.ACT));
                }
            }
            operations.update(op.with(OperationStatus.SUCCEEDED, null, clock.instant()));
        } catch (RuncellException e) {
            finishFailed(op, e.detail());
        } catch (RuntimeException e) {
            LOG.error("power action {} of {} failed", op.action().wire(), op.sandboxId(), e);
            finishFailed(op, "Internal error.");
        }
    }

    private void finishFailed(Operation op, String error) {
        try {
            operations.update(op.with(OperationStatus.FAILED, error, clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("could not store the end of operation {}", op.id(), e);
        }
    }
}
