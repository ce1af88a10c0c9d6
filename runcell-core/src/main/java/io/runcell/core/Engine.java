package io.runcell.core;

import io.runcell.core.account.AccountService;
import io.runcell.core.account.Authenticator;
import io.runcell.core.audit.AuditLog;
import io.runcell.core.execution.ExecutionService;
import io.runcell.core.files.FileService;
import io.runcell.core.plan.PlanRepository;
import io.runcell.core.plan.PlanService;
import io.runcell.core.power.PowerService;
import io.runcell.core.sandbox.SandboxService;
import io.runcell.core.vault.VaultService;
import java.time.InstantSource;

/** The core services a dialect calls, wired once by the server. */
public record Engine(
        Authenticator authenticator,
        AccountService accounts,
        SandboxService sandboxes,
        ExecutionService executions,
        FileService files,
        PlanRepository plans,
        InstantSource clock,
        AuditLog audit,
        PowerService power,
        PlanService planService,
        VaultService vaults) {

    /** Without plan administration and vaults (older wiring). */
    public Engine(
            Authenticator authenticator,
            AccountService accounts,
            SandboxService sandboxes,
            ExecutionService executions,
            FileService files,
            PlanRepository plans,
            InstantSource clock,
            AuditLog audit,
            PowerService power) {
        this(
                authenticator,
                accounts,
                sandboxes,
                executions,
                files,
                plans,
                clock,
                audit,
                power,
                new PlanService(plans),
                null);
    }
}
