package io.runcell.core.fakes;

import io.runcell.core.account.AccountService;
import io.runcell.core.account.Authenticator;
import io.runcell.core.account.Principal;
import io.runcell.core.audit.AuditLog;
import io.runcell.core.execution.ExecutionObserver;
import io.runcell.core.execution.ExecutionService;
import io.runcell.core.id.Ids;
import io.runcell.core.plan.Plan;
import io.runcell.core.policy.Policies;
import io.runcell.core.power.PowerService;
import io.runcell.core.sandbox.Drivers;
import io.runcell.core.sandbox.LifetimeReaper;
import io.runcell.core.sandbox.SandboxService;
import io.runcell.core.sandbox.SandboxSettings;
import java.util.List;

/** Core services wired over in-memory repositories, a mutable clock and a scripted driver. */
public final class CoreFixture {

    public final MutableClock clock = new MutableClock();
    public final MemoryStore store = new MemoryStore();
    public final ScriptedDriver driver = new ScriptedDriver();
    public final Ids ids = new Ids(clock);
    public final SandboxService sandboxes;
    public final ExecutionService executions;
    public final AccountService accounts;
    public final Authenticator auth;
    public final LifetimeReaper reaper;
    public final CountingLimiter limiter = new CountingLimiter();
    public final FakeKeys keys = new FakeKeys();
    public final io.runcell.core.vault.VaultService vaults;
    public final Policies policies = new Policies();
    public final AuditLog audit;
    public final PowerService power;

    public CoreFixture(int maxSandboxes, int maxConcurrent) {
        store.plans.upsert(MemoryStore.plan(Plan.DEFAULT, maxSandboxes, maxConcurrent));
        Drivers drivers = new Drivers(List.of(driver), "scripted");
        SandboxSettings settings = new SandboxSettings("local", 200_000, 64);
        io.runcell.core.ratelimit.RateLimits rates = new io.runcell.core.ratelimit.RateLimits(limiter, store.plans);
        sandboxes = new SandboxService(store.sandboxes, store.plans, drivers, ids, clock, settings, rates);
        vaults = new io.runcell.core.vault.VaultService(store.vaults, keys, ids, clock);
        executions = new ExecutionService(
                store.executions,
                store.sandboxes,
                sandboxes,
                store.plans,
                ids,
                clock,
                "local",
                ExecutionObserver.NONE,
                policies,
                rates,
                vaults);
        accounts = new AccountService(store.accounts, store.keys, store.plans, ids, clock, Plan.DEFAULT);
        auth = new Authenticator(store.keys, store.accounts);
        reaper = new LifetimeReaper(store.sandboxes, sandboxes, clock, "local");
        audit = new AuditLog(store.audit, ids, clock);
        // actions run inline so tests see their end without waiting
        power = new PowerService(store.operations, sandboxes, ids, clock, Runnable::run, rates);
    }

    /** The admin principal of a freshly bootstrapped store. */
    public Principal admin() {
        var boot = accounts.bootstrapAdmin(null).orElseThrow();
        return auth.authenticate(boot.key().token());
    }

    /** A new non-admin account's principal with read:vm and write:vm. */
    public Principal user(Principal admin, String name) {
        var account = accounts.createAccount(admin, name, null);
        var key = accounts.createKey(
                admin,
                account.id(),
                "k",
                java.util.EnumSet.of(io.runcell.core.account.Scope.READ_VM, io.runcell.core.account.Scope.WRITE_VM));
        return auth.authenticate(key.token());
    }
}
