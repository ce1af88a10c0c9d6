package io.runcell.core.account;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import io.runcell.core.plan.PlanRepository;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Creates accounts and keys, lists and revokes keys, and bootstraps the first admin. */
public final class AccountService {

    /** A key as created: the token is only ever available here. */
    public record CreatedKey(ApiKey key, String token) {}

    /** What first start produced: the admin account and its key, or empty if an admin already existed. */
    public record Bootstrap(Account account, CreatedKey key) {}

    public static final String ADMIN_ACCOUNT = "admin";

    private final AccountRepository accounts;
    private final ApiKeyRepository keys;
    private final PlanRepository plans;
    private final Ids ids;
    private final InstantSource clock;
    private final String defaultPlan;

    public AccountService(
            AccountRepository accounts,
            ApiKeyRepository keys,
            PlanRepository plans,
            Ids ids,
            InstantSource clock,
            String defaultPlan) {
        this.accounts = accounts;
        this.keys = keys;
        this.plans = plans;
        this.ids = ids;
        this.clock = clock;
        this.defaultPlan = defaultPlan;
    }

    /**
     * On first start (no accounts yet) creates the admin account and an admin key. {@code presetToken}, if not
     * null, becomes that key (automated deployments); otherwise a random one is made.
     */
    public Optional<Bootstrap> bootstrapAdmin(String presetToken) {
        if (accounts.count() > 0) {
            return Optional.empty();
        }
        Account admin = new Account(ids.next(Ids.ACCOUNT), ADMIN_ACCOUNT, defaultPlan, false, clock.instant());
        accounts.insert(admin);
        String token = presetToken == null || presetToken.isBlank() ? Tokens.newToken() : presetToken.strip();
        if (token.length() < 16) {
            throw new IllegalArgumentException("a preset admin key must be at least 16 characters");
        }
        CreatedKey key = storeKey(admin.id(), "admin", EnumSet.of(Scope.ADMIN), token);
        return Optional.of(new Bootstrap(admin, key));
    }

    public Account createAccount(Principal caller, String name, String plan) {
        caller.require(Scope.ADMIN);
        if (name == null || name.isBlank()) {
            throw RuncellException.invalid(FieldError.of("name", FieldError.Kind.MISSING, "name is required"));
        }
        if (name.length() > 100) {
            throw RuncellException.invalid(
                    new FieldError("name", FieldError.Kind.TOO_LONG, "name is at most 100 characters", 100L));
        }
        String planName = plan == null ? defaultPlan : plan;
        if (plans.find(planName).isEmpty()) {
            throw RuncellException.invalid(FieldError.of("plan", FieldError.Kind.INVALID_VALUE, "unknown plan"));
        }
        if (accounts.findByName(name).isPresent()) {
            throw new RuncellException(ErrorCode.CONFLICT, "An account with this name exists.");
        }
        Account account = new Account(ids.next(Ids.ACCOUNT), name, planName, false, clock.instant());
        accounts.insert(account);
        return account;
    }

    public Account getAccount(Principal caller, String id) {
        if (!caller.isAdmin() && !caller.accountId().equals(id)) {
            throw RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND);
        }
        return accounts.findById(id).orElseThrow(() -> RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND));
    }

    public List<Account> listAccounts(Principal caller) {
        caller.require(Scope.ADMIN);
        return accounts.list();
    }

    public Account setBlocked(Principal caller, String accountId, boolean blocked) {
        caller.require(Scope.ADMIN);
        Account account =
                accounts.findById(accountId).orElseThrow(() -> RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND));
        Account updated = account.withBlocked(blocked);
        accounts.update(updated);
        return updated;
    }

    public Account setPlan(Principal caller, String accountId, String plan) {
        caller.require(Scope.ADMIN);
        Account account =
                accounts.findById(accountId).orElseThrow(() -> RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND));
        if (plan == null || plans.find(plan).isEmpty()) {
            throw RuncellException.of(ErrorCode.PLAN_NOT_FOUND);
        }
        Account updated = account.withPlan(plan);
        accounts.update(updated);
        return updated;
    }

    /**
     * Creates a key for {@code accountId}. Admins may create keys for any account; others only for their own
     * account, and never with more scopes than their own key has.
     */
    public CreatedKey createKey(Principal caller, String accountId, String name, Set<Scope> scopes) {
        String target = accountId == null ? caller.accountId() : accountId;
        if (!caller.isAdmin()) {
            if (!target.equals(caller.accountId())) {
                throw RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND);
            }
            for (Scope s : scopes) {
                caller.require(s);
            }
        }
        accounts.findById(target).orElseThrow(() -> RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND));
        if (scopes.isEmpty()) {
            throw RuncellException.invalid(
                    FieldError.of("scopes", FieldError.Kind.MISSING, "at least one scope is required"));
        }
        String keyName = name == null || name.isBlank() ? "key" : name;
        if (keyName.length() > 100) {
            throw RuncellException.invalid(
                    new FieldError("name", FieldError.Kind.TOO_LONG, "name is at most 100 characters", 100L));
        }
        return storeKey(target, keyName, scopes, Tokens.newToken());
    }

    public List<ApiKey> listKeys(Principal caller, String accountId) {
        String target = accountId == null ? caller.accountId() : accountId;
        if (!caller.isAdmin() && !target.equals(caller.accountId())) {
            throw RuncellException.of(ErrorCode.ACCOUNT_NOT_FOUND);
        }
        return keys.listByAccount(target);
    }

    /** Revokes a key; the owner or an admin may. It stops working at once. */
    public void revokeKey(Principal caller, String keyId) {
        ApiKey key = keys.findById(keyId)
                .filter(k -> caller.isAdmin() || k.accountId().equals(caller.accountId()))
                .orElseThrow(() -> RuncellException.of(ErrorCode.KEY_NOT_FOUND));
        keys.revoke(key.id(), clock.instant());
    }

    private CreatedKey storeKey(String accountId, String name, Set<Scope> scopes, String token) {
        ApiKey key = new ApiKey(
                ids.next(Ids.KEY),
                accountId,
                name,
                Tokens.hash(token),
                Tokens.displayPrefix(token),
                scopes,
                clock.instant(),
                null);
        keys.insert(key);
        return new CreatedKey(key, token);
    }
}
