package io.runcell.core.fakes;

import io.runcell.core.account.Account;
import io.runcell.core.account.AccountRepository;
import io.runcell.core.account.ApiKey;
import io.runcell.core.account.ApiKeyRepository;
import io.runcell.core.audit.AuditEntry;
import io.runcell.core.audit.AuditRepository;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionRepository;
import io.runcell.core.execution.ExecutionStatus;
import io.runcell.core.plan.Plan;
import io.runcell.core.plan.PlanRepository;
import io.runcell.core.power.Operation;
import io.runcell.core.power.OperationRepository;
import io.runcell.core.power.OperationStatus;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRepository;
import io.runcell.core.sandbox.SandboxState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** In-memory repositories for unit tests of core logic (the real store has its own contract suite). */
public final class MemoryStore {

    public final Accounts accounts = new Accounts();
    public final Keys keys = new Keys();
    public final Plans plans = new Plans();
    public final Sandboxes sandboxes = new Sandboxes();
    public final Executions executions = new Executions();
    public final Audit audit = new Audit();
    public final Operations operations = new Operations();

    public static Plan plan(String name, int maxSandboxes, int maxConcurrent) {
        return new Plan(
                name,
                maxSandboxes,
                maxConcurrent,
                0,
                86400,
                512,
                8192,
                1,
                4,
                256,
                4096,
                300,
                3600,
                1024,
                0,
                0,
                0,
                null);
    }

    /** A plan with rates (requests per second; 0 = unlimited). */
    public static Plan ratedPlan(String name, double exec, double manage, double read) {
        return new Plan(name, 100, 32, 0, 86400, 512, 8192, 1, 4, 256, 4096, 300, 3600, 1024, exec, manage, read, null);
    }

    public final Vaults vaults = new Vaults();

    public static final class Vaults implements io.runcell.core.vault.VaultRepository {
        public final Map<String, io.runcell.core.vault.Vault> rows = new ConcurrentHashMap<>();
        public final Map<String, io.runcell.core.vault.StoredSecret> secrets = new ConcurrentHashMap<>();

        private static String key(String vaultId, String name) {
            return vaultId + "/" + name;
        }

        private io.runcell.core.vault.Vault withNames(io.runcell.core.vault.Vault v) {
            return new io.runcell.core.vault.Vault(
                    v.id(),
                    v.accountId(),
                    v.name(),
                    secrets.values().stream()
                            .filter(s -> s.vaultId().equals(v.id()))
                            .map(io.runcell.core.vault.StoredSecret::name)
                            .sorted()
                            .toList(),
                    v.createdAt());
        }

        @Override
        public void insert(io.runcell.core.vault.Vault v, List<io.runcell.core.vault.StoredSecret> ss) {
            rows.put(v.id(), v);
            ss.forEach(this::putSecret);
        }

        @Override
        public Optional<io.runcell.core.vault.Vault> findById(String id) {
            return Optional.ofNullable(rows.get(id)).map(this::withNames);
        }

        @Override
        public List<io.runcell.core.vault.Vault> listByAccount(String a) {
            return rows.values().stream()
                    .filter(v -> v.accountId().equals(a))
                    .map(this::withNames)
                    .sorted(Comparator.comparing(io.runcell.core.vault.Vault::id))
                    .toList();
        }

        @Override
        public long countByAccount(String a) {
            return rows.values().stream().filter(v -> v.accountId().equals(a)).count();
        }

        @Override
        public void putSecret(io.runcell.core.vault.StoredSecret s) {
            secrets.put(key(s.vaultId(), s.name()), s);
        }

        @Override
        public boolean deleteSecret(String vaultId, String name) {
            return secrets.remove(key(vaultId, name)) != null;
        }

        @Override
        public void delete(String vaultId) {
            rows.remove(vaultId);
            secrets.values().removeIf(s -> s.vaultId().equals(vaultId));
        }

        @Override
        public List<io.runcell.core.vault.StoredSecret> secrets(String vaultId) {
            return secrets.values().stream()
                    .filter(s -> s.vaultId().equals(vaultId))
                    .sorted(Comparator.comparing(io.runcell.core.vault.StoredSecret::name))
                    .toList();
        }

        @Override
        public List<io.runcell.core.vault.StoredSecret> allSecrets() {
            return List.copyOf(secrets.values());
        }

        @Override
        public void replaceCiphertexts(List<io.runcell.core.vault.StoredSecret> ss) {
            ss.forEach(this::putSecret);
        }
    }

    public static final class Accounts implements AccountRepository {
        public final Map<String, Account> rows = new ConcurrentHashMap<>();

        @Override
        public void insert(Account a) {
            rows.put(a.id(), a);
        }

        @Override
        public void update(Account a) {
            rows.put(a.id(), a);
        }

        @Override
        public Optional<Account> findById(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public Optional<Account> findByName(String n) {
            return rows.values().stream().filter(a -> a.name().equals(n)).findFirst();
        }

        @Override
        public List<Account> list() {
            return List.copyOf(rows.values());
        }

        @Override
        public long count() {
            return rows.size();
        }
    }

    public static final class Keys implements ApiKeyRepository {
        public final Map<String, ApiKey> rows = new ConcurrentHashMap<>();

        @Override
        public void insert(ApiKey k) {
            rows.put(k.id(), k);
        }

        @Override
        public Optional<ApiKey> findByHash(String h) {
            return rows.values().stream().filter(k -> k.tokenHash().equals(h)).findFirst();
        }

        @Override
        public Optional<ApiKey> findById(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public List<ApiKey> listByAccount(String accountId) {
            return rows.values().stream()
                    .filter(k -> k.accountId().equals(accountId))
                    .toList();
        }

        @Override
        public boolean revoke(String id, Instant at) {
            ApiKey k = rows.get(id);
            if (k == null || k.revoked()) return false;
            rows.put(
                    id,
                    new ApiKey(
                            k.id(), k.accountId(), k.name(), k.tokenHash(), k.prefix(), k.scopes(), k.createdAt(), at));
            return true;
        }
    }

    public static final class Plans implements PlanRepository {
        public final Map<String, Plan> rows = new ConcurrentHashMap<>();

        @Override
        public Optional<Plan> find(String name) {
            return Optional.ofNullable(rows.get(name));
        }

        @Override
        public List<Plan> list() {
            return List.copyOf(rows.values());
        }

        @Override
        public void upsert(Plan p) {
            rows.put(p.name(), p);
        }
    }

    public static class Sandboxes implements SandboxRepository {
        public final Map<String, Sandbox> rows = new ConcurrentHashMap<>();
        private final AtomicLong numbers = new AtomicLong();
        private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();

        @Override
        public long nextNumber() {
            return numbers.incrementAndGet();
        }

        @Override
        public void insert(Sandbox s) {
            rows.put(s.id(), s);
        }

        @Override
        public void update(Sandbox s) {
            rows.put(s.id(), s);
        }

        @Override
        public Optional<Sandbox> findById(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public Optional<Sandbox> findByNumber(long n) {
            return rows.values().stream().filter(s -> s.number() == n).findFirst();
        }

        @Override
        public List<Sandbox> listByAccount(String accountId, Set<SandboxState> excluded, String afterId, int limit) {
            return rows.values().stream()
                    .filter(s -> s.accountId().equals(accountId) && !excluded.contains(s.state()))
                    .filter(s -> afterId == null || s.id().compareTo(afterId) > 0)
                    .sorted(Comparator.comparing(Sandbox::id))
                    .limit(limit)
                    .toList();
        }

        @Override
        public List<Sandbox> listByStates(Set<SandboxState> states, String nodeId) {
            return rows.values().stream()
                    .filter(s -> states.contains(s.state()) && nodeId.equals(s.nodeId()))
                    .toList();
        }

        @Override
        public List<Sandbox> findExpired(Instant now, String nodeId) {
            return rows.values().stream()
                    .filter(s -> SandboxState.REAPED_AT_DEADLINE.contains(s.state())
                            && s.expiresAt() != null
                            && !s.expiresAt().isAfter(now)
                            && nodeId.equals(s.nodeId()))
                    .toList();
        }

        @Override
        public int countByAccount(String accountId, Set<SandboxState> excluded) {
            return (int) rows.values().stream()
                    .filter(s -> s.accountId().equals(accountId) && !excluded.contains(s.state()))
                    .count();
        }

        @Override
        public long reserveExecutionSeqs(String sandboxId, int count) {
            return seqs.computeIfAbsent(sandboxId, k -> new AtomicLong()).addAndGet(count);
        }
    }

    public static final class Executions implements ExecutionRepository {
        public final Map<String, Execution> rows = new ConcurrentHashMap<>();

        @Override
        public void insert(Execution e) {
            rows.put(e.id(), e);
        }

        @Override
        public void update(Execution e) {
            rows.put(e.id(), e);
        }

        @Override
        public void updateOutput(String id, Execution.Output out) {
            rows.computeIfPresent(id, (k, e) -> e.withOutput(out));
        }

        @Override
        public Optional<Execution> findById(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public Optional<Execution> findBySeq(String sandboxId, long seq) {
            return rows.values().stream()
                    .filter(e -> e.sandboxId().equals(sandboxId) && e.seq() == seq)
                    .findFirst();
        }

        @Override
        public List<Execution> listBySandbox(String sandboxId, int limit) {
            return rows.values().stream()
                    .filter(e -> e.sandboxId().equals(sandboxId))
                    .sorted(Comparator.comparing(Execution::id).reversed())
                    .limit(limit)
                    .toList();
        }

        @Override
        public synchronized boolean insertIfActiveBelow(Execution execution, int maxActive) {
            long active = rows.values().stream()
                    .filter(e -> e.accountId().equals(execution.accountId())
                            && (e.status() == ExecutionStatus.QUEUED || e.status() == ExecutionStatus.RUNNING))
                    .count();
            if (active >= maxActive) {
                return false;
            }
            insert(execution);
            return true;
        }

        @Override
        public int markLost(Set<ExecutionStatus> statuses, String nodeId, Instant now) {
            int n = 0;
            for (Execution e : List.copyOf(rows.values())) {
                if (statuses.contains(e.status()) && nodeId.equals(e.nodeId())) {
                    rows.put(
                            e.id(),
                            e.finished(
                                    ExecutionStatus.LOST,
                                    null,
                                    null,
                                    false,
                                    new Execution.Output(
                                            e.stdout(), e.stderr(), e.stdoutTruncated(), e.stderrTruncated()),
                                    now,
                                    0,
                                    null));
                    n++;
                }
            }
            return n;
        }
    }

    public static final class Audit implements AuditRepository {
        public final List<AuditEntry> rows = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        @Override
        public void append(AuditEntry e) {
            rows.add(e);
        }

        @Override
        public List<AuditEntry> list(String sandboxId, String beforeId, int limit) {
            return rows.stream()
                    .filter(e -> sandboxId == null || e.sandboxId().equals(sandboxId))
                    .filter(e -> beforeId == null || e.id().compareTo(beforeId) < 0)
                    .sorted(Comparator.comparing(AuditEntry::id).reversed())
                    .limit(limit)
                    .toList();
        }
    }

    public static final class Operations implements OperationRepository {
        public final Map<String, Operation> rows = new ConcurrentHashMap<>();

        @Override
        public void insert(Operation o) {
            rows.put(o.id(), o);
        }

        @Override
        public void update(Operation o) {
            rows.put(o.id(), o);
        }

        @Override
        public Optional<Operation> findById(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public int failUnfinished(String error, Instant now) {
            int n = 0;
            for (Operation o : List.copyOf(rows.values())) {
                if (!o.status().terminal()) {
                    rows.put(o.id(), o.with(OperationStatus.FAILED, error, now));
                    n++;
                }
            }
            return n;
        }
    }
}
