package io.runcell.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Account;
import io.runcell.core.account.ApiKey;
import io.runcell.core.account.Scope;
import io.runcell.core.audit.AuditEntry;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionStatus;
import io.runcell.core.id.Ids;
import io.runcell.core.plan.Plan;
import io.runcell.core.power.Operation;
import io.runcell.core.power.OperationStatus;
import io.runcell.core.power.PowerAction;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Database} must have, whatever the database underneath. A subclass supplies the URL
 * of a fresh, empty database per test; the suite opens it (running the migrations), and reopens the same URL to
 * check durability.
 */
public abstract class StoreContract {

    protected static final int THREADS = 32;
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00.123Z");

    private final Ids ids = new Ids(Clock.systemUTC());
    private String url;
    protected Database db;

    /** A URL naming a fresh, empty database that stays in place until the test ends. */
    protected abstract String newDatabaseUrl() throws Exception;

    @BeforeEach
    void openDatabase() throws Exception {
        url = newDatabaseUrl();
        db = Database.open(url);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    // ---- plans

    @Test
    void migrationSeedsTheDefaultPlan() {
        assertThat(db.plans().find(Plan.DEFAULT))
                .contains(new Plan("default", 100, 32, 0, 86400, 512, 8192, 1, 4, 256, 4096, 300, 3600, 1048576));
        assertThat(db.plans().find("nope")).isEmpty();
    }

    @Test
    void upsertInsertsThenReplacesAPlan() {
        Plan team = new Plan("team", 10, 4, 60, 600, 256, 1024, 1, 2, 64, 128, 30, 60, 4096);
        db.plans().upsert(team);
        assertThat(db.plans().find("team")).contains(team);
        Plan changed = new Plan(
                "team",
                20,
                8,
                120,
                1200,
                512,
                2048,
                2,
                4,
                128,
                256,
                60,
                120,
                Plan.MAX_OUTPUT_CAP_BYTES,
                2.5,
                1,
                0,
                java.util.List.of("ls", "cat"));
        db.plans().upsert(changed);
        assertThat(db.plans().find("team")).contains(changed);
        assertThat(db.plans().list())
                .extracting(Plan::name)
                .containsExactly("default", "free", "pro", "team", "unlimited");
        // an explicit list equal to the server's default stays explicit (null is "the server's allowlist")
        Plan strict = new Plan(
                "team",
                20,
                8,
                120,
                1200,
                512,
                2048,
                2,
                4,
                128,
                256,
                60,
                120,
                4096,
                0,
                0,
                0,
                java.util.List.of("ls", "rm", "du"));
        db.plans().upsert(strict);
        assertThat(db.plans().find("team").orElseThrow().commandAllowlist()).containsExactly("ls", "rm", "du");
    }

    @Test
    void migrationSeedsRatedPlans() {
        Plan free = db.plans().find("free").orElseThrow();
        assertThat(free.execRatePerSecond()).isEqualTo(2.0);
        assertThat(free.manageRatePerSecond()).isEqualTo(1.0);
        assertThat(free.readRatePerSecond()).isEqualTo(5.0);
        assertThat(free.maxSandboxes()).isEqualTo(2);
        // V10: the seeded plans follow the server's configured allowlist
        assertThat(free.commandAllowlist()).isNull();
        Plan unlimited = db.plans().find("unlimited").orElseThrow();
        assertThat(unlimited.execRatePerSecond()).isZero();
        assertThat(unlimited.maxSandboxes()).isEqualTo(100000);
    }

    // ---- vaults

    @Test
    void vaultsKeepSecretsAndReplaceCiphertextsTogether() {
        Account a = account("alice");
        db.accounts().insert(a);
        java.time.Instant now = java.time.Instant.ofEpochMilli(1_700_000_000_000L);
        var vault = new io.runcell.core.vault.Vault(
                "vlt_01HZZZZZZZZZZZZZZZZZZZZZZZ", a.id(), "ci", java.util.List.of("A", "B"), now);
        db.vaults()
                .insert(
                        vault,
                        java.util.List.of(
                                new io.runcell.core.vault.StoredSecret(vault.id(), "A", "ct-a", now),
                                new io.runcell.core.vault.StoredSecret(vault.id(), "B", "ct-b", now)));
        assertThat(db.vaults().findById(vault.id())).contains(vault);
        assertThat(db.vaults().listByAccount(a.id())).containsExactly(vault);
        assertThat(db.vaults().countByAccount(a.id())).isEqualTo(1);

        db.vaults().putSecret(new io.runcell.core.vault.StoredSecret(vault.id(), "C", "ct-c", now));
        assertThat(db.vaults().deleteSecret(vault.id(), "A")).isTrue();
        assertThat(db.vaults().deleteSecret(vault.id(), "A")).isFalse();
        db.vaults()
                .replaceCiphertexts(java.util.List.of(
                        new io.runcell.core.vault.StoredSecret(vault.id(), "B", "ct-b2", now),
                        new io.runcell.core.vault.StoredSecret(vault.id(), "C", "ct-c2", now)));
        assertThat(db.vaults().secrets(vault.id()))
                .extracting(io.runcell.core.vault.StoredSecret::ciphertext)
                .containsExactly("ct-b2", "ct-c2");
        assertThat(db.vaults().allSecrets()).hasSize(2);

        db.vaults().delete(vault.id());
        assertThat(db.vaults().findById(vault.id())).isEmpty();
        assertThat(db.vaults().allSecrets()).isEmpty();
    }

    // ---- accounts

    @Test
    void accountsRoundTripAndUpdate() {
        Account a = account("alice");
        Account b = account("bob");
        assertThat(db.accounts().count()).isZero();
        db.accounts().insert(a);
        db.accounts().insert(b);
        assertThat(db.accounts().findById(a.id())).contains(a);
        assertThat(db.accounts().findByName("bob")).contains(b);
        assertThat(db.accounts().findByName("carol")).isEmpty();
        assertThat(db.accounts().count()).isEqualTo(2);
        assertThat(db.accounts().list()).containsExactlyInAnyOrder(a, b);

        Account blocked = a.withBlocked(true).withPlan("pro");
        db.accounts().update(blocked);
        assertThat(db.accounts().findById(a.id())).contains(blocked);
    }

    @Test
    void duplicateAccountNameIsAConflict() {
        db.accounts().insert(account("alice"));
        assertConflict(() -> db.accounts().insert(account("alice")));
    }

    // ---- api keys

    @Test
    void apiKeysRoundTripWithScopes() {
        Account a = insertAccount("alice");
        ApiKey admin = key(a, "h1", EnumSet.of(Scope.ADMIN, Scope.READ_VM));
        ApiKey none = key(a, "h2", Set.of());
        ApiKey all = key(a, "h3", EnumSet.allOf(Scope.class));
        db.apiKeys().insert(admin);
        db.apiKeys().insert(none);
        db.apiKeys().insert(all);
        assertThat(db.apiKeys().findByHash("h1")).contains(admin);
        assertThat(db.apiKeys().findByHash("h2")).contains(none);
        assertThat(db.apiKeys().findById(all.id())).contains(all);
        assertThat(db.apiKeys().findByHash("missing")).isEmpty();
        assertThat(db.apiKeys().listByAccount(a.id())).containsExactlyInAnyOrder(admin, none, all);
        assertThat(db.apiKeys().listByAccount("acc_other")).isEmpty();
    }

    @Test
    void revokeMarksOnceAndReportsWhetherItDid() {
        Account a = insertAccount("alice");
        ApiKey k = key(a, "h1", Set.of(Scope.READ_VM));
        db.apiKeys().insert(k);
        Instant at = T0.plusSeconds(60);
        assertThat(db.apiKeys().revoke(k.id(), at)).isTrue();
        assertThat(db.apiKeys().revoke(k.id(), at.plusSeconds(1))).isFalse();
        assertThat(db.apiKeys().revoke("key_missing", at)).isFalse();
        ApiKey stored = db.apiKeys().findById(k.id()).orElseThrow();
        assertThat(stored.revoked()).isTrue();
        assertThat(stored.revokedAt()).isEqualTo(at);
    }

    @Test
    void duplicateTokenHashIsRejected() {
        Account a = insertAccount("alice");
        db.apiKeys().insert(key(a, "same", Set.of(Scope.READ_VM)));
        assertConflict(() -> db.apiKeys().insert(key(a, "same", Set.of(Scope.ADMIN))));
    }

    // ---- sandboxes

    @Test
    void sandboxRoundTripsEveryField() {
        Account a = insertAccount("alice");
        Sandbox full = new Sandbox(
                ids.next(Ids.SANDBOX),
                db.sandboxes().nextNumber(),
                a.id(),
                "namespace",
                SandboxState.RUNNING,
                "my box",
                1024,
                2,
                512,
                true,
                Map.of("A", "1", "B", "two words"),
                Map.of("image", "python:3", "ünï", "cödé \"q\""),
                3600,
                T0.plusSeconds(3600),
                "started",
                "node-a",
                T0,
                T0.plusMillis(5),
                T0.plusMillis(6));
        Sandbox sparse = new Sandbox(
                ids.next(Ids.SANDBOX),
                db.sandboxes().nextNumber(),
                a.id(),
                "microvm",
                SandboxState.PENDING,
                null,
                512,
                1,
                256,
                false,
                Map.of(),
                Map.of(),
                null,
                null,
                null,
                null,
                T0,
                null,
                T0);
        db.sandboxes().insert(full);
        db.sandboxes().insert(sparse);
        assertThat(db.sandboxes().findById(full.id())).contains(full);
        assertThat(db.sandboxes().findById(sparse.id())).contains(sparse);
        assertThat(db.sandboxes().findByNumber(full.number())).contains(full);
        assertThat(db.sandboxes().findByNumber(999_999)).isEmpty();
        assertThat(db.sandboxes().findById("sbx_missing")).isEmpty();
    }

    @Test
    void sandboxUpdateReplacesMutableFields() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.PENDING, "local");
        Sandbox running = s.started(T0.plusSeconds(10)).withLabel("renamed", T0.plusSeconds(11));
        db.sandboxes().update(running);
        assertThat(db.sandboxes().findById(s.id())).contains(running);
        Sandbox stopped = running.withState(SandboxState.STOPPED, "stopped by user", T0.plusSeconds(20));
        db.sandboxes().update(stopped);
        assertThat(db.sandboxes().findById(s.id())).contains(stopped);
    }

    @Test
    void duplicateSandboxNumberIsRejected() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Sandbox clash = new Sandbox(
                ids.next(Ids.SANDBOX),
                s.number(),
                a.id(),
                "namespace",
                SandboxState.RUNNING,
                null,
                512,
                1,
                256,
                false,
                Map.of(),
                Map.of(),
                null,
                null,
                null,
                "local",
                T0,
                null,
                T0);
        assertConflict(() -> db.sandboxes().insert(clash));
    }

    @Test
    void listByAccountPagesByIdAndSkipsExcludedStates() {
        Account a = insertAccount("alice");
        Account b = insertAccount("bob");
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            live.add(insertSandbox(a, i % 2 == 0 ? SandboxState.RUNNING : SandboxState.STOPPED, "local")
                    .id());
        }
        insertSandbox(a, SandboxState.DESTROYED, "local");
        insertSandbox(b, SandboxState.RUNNING, "local");
        Collections.sort(live);
        Set<SandboxState> excluded = EnumSet.of(SandboxState.DESTROYED);

        List<String> seen = new ArrayList<>();
        String after = null;
        List<Sandbox> page;
        do {
            page = db.sandboxes().listByAccount(a.id(), excluded, after, 3);
            assertThat(page.size()).isLessThanOrEqualTo(3);
            page.forEach(s -> seen.add(s.id()));
            after = page.isEmpty() ? after : page.getLast().id();
        } while (page.size() == 3);
        assertThat(seen).containsExactlyElementsOf(live);

        assertThat(db.sandboxes().listByAccount(a.id(), Set.of(), null, 100)).hasSize(8);
        assertThat(db.sandboxes()
                        .listByAccount(a.id(), EnumSet.of(SandboxState.DESTROYED, SandboxState.STOPPED), null, 100))
                .extracting(Sandbox::state)
                .containsOnly(SandboxState.RUNNING)
                .hasSize(4);
        assertThat(db.sandboxes().listByAccount(a.id(), excluded, live.getLast(), 10))
                .isEmpty();
        assertThat(db.sandboxes().listByAccount(a.id(), excluded, null, 0)).isEmpty();
    }

    @Test
    void countByAccountSkipsExcludedStates() {
        Account a = insertAccount("alice");
        insertSandbox(a, SandboxState.RUNNING, "local");
        insertSandbox(a, SandboxState.STOPPED, "local");
        insertSandbox(a, SandboxState.DESTROYED, "local");
        insertSandbox(insertAccount("bob"), SandboxState.RUNNING, "local");
        assertThat(db.sandboxes().countByAccount(a.id(), EnumSet.of(SandboxState.DESTROYED)))
                .isEqualTo(2);
        assertThat(db.sandboxes().countByAccount(a.id(), Set.of())).isEqualTo(3);
        assertThat(db.sandboxes().countByAccount("acc_none", Set.of())).isZero();
    }

    @Test
    void listByStatesMatchesStatesAndNode() {
        Account a = insertAccount("alice");
        Sandbox r1 = insertSandbox(a, SandboxState.RUNNING, "node-a");
        Sandbox p1 = insertSandbox(a, SandboxState.PROVISIONING, "node-a");
        insertSandbox(a, SandboxState.STOPPED, "node-a");
        insertSandbox(a, SandboxState.RUNNING, "node-b");
        Sandbox unowned = insertSandbox(a, SandboxState.RUNNING, null);
        assertThat(db.sandboxes().listByStates(EnumSet.of(SandboxState.RUNNING, SandboxState.PROVISIONING), "node-a"))
                .extracting(Sandbox::id)
                .containsExactlyInAnyOrder(r1.id(), p1.id());
        assertThat(db.sandboxes().listByStates(EnumSet.of(SandboxState.RUNNING), null))
                .extracting(Sandbox::id)
                .containsExactly(unowned.id());
        assertThat(db.sandboxes().listByStates(Set.of(), "node-a")).isEmpty();
    }

    @Test
    void findExpiredReturnsRunningAndStoppedSandboxesOfTheNodeAtOrPastTheirDeadline() {
        Account a = insertAccount("alice");
        Instant now = T0.plusSeconds(1000);
        Sandbox due = insertSandbox(a, SandboxState.RUNNING, "local", now.minusSeconds(1));
        Sandbox exactly = insertSandbox(a, SandboxState.RUNNING, "local", now);
        // stopped (by a restart or a stop) keeps its deadline: it is due too
        Sandbox stopped = insertSandbox(a, SandboxState.STOPPED, "local", now.minusSeconds(5));
        insertSandbox(a, SandboxState.RUNNING, "local", now.plusMillis(1));
        insertSandbox(a, SandboxState.STOPPED, "local", now.plusMillis(1));
        insertSandbox(a, SandboxState.RUNNING, "local", null);
        insertSandbox(a, SandboxState.EXPIRED, "local", now.minusSeconds(5));
        insertSandbox(a, SandboxState.DESTROYED, "local", now.minusSeconds(5));
        insertSandbox(a, SandboxState.RUNNING, "other", now.minusSeconds(5));
        assertThat(db.sandboxes().findExpired(now, "local"))
                .extracting(Sandbox::id)
                .containsExactlyInAnyOrder(due.id(), exactly.id(), stopped.id());
    }

    @Test
    void nextNumberCountsUpFromOne() {
        assertThat(LongStream.range(0, 5).map(i -> db.sandboxes().nextNumber())).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void nextNumberIsUniqueUnderConcurrentCallers() throws Exception {
        int perThread = 20;
        List<Long> numbers = concurrently(() -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(db.sandboxes().nextNumber());
            }
            assertThat(mine).isSorted();
            return mine;
        });
        assertThat(new HashSet<>(numbers)).hasSize(THREADS * perThread);
        assertThat(numbers).allSatisfy(n -> assertThat(n).isBetween(1L, (long) THREADS * perThread));
    }

    @Test
    void reservedSequenceBlocksFollowEachOther() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        assertThat(db.sandboxes().reserveExecutionSeqs(s.id(), 32)).isEqualTo(32);
        assertThat(db.sandboxes().reserveExecutionSeqs(s.id(), 1)).isEqualTo(33);
        assertThat(db.sandboxes().reserveExecutionSeqs(s.id(), 32)).isEqualTo(65);
    }

    @Test
    void executionSeqsArePerSandboxAndUniqueUnderConcurrentCallers() throws Exception {
        Account a = insertAccount("alice");
        Sandbox s1 = insertSandbox(a, SandboxState.RUNNING, "local");
        Sandbox s2 = insertSandbox(a, SandboxState.RUNNING, "local");
        assertThat(db.sandboxes().reserveExecutionSeqs(s2.id(), 1)).isEqualTo(1);
        int perThread = 10;
        List<Long> seqs = concurrently(() -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(db.sandboxes().reserveExecutionSeqs(s1.id(), 1));
            }
            assertThat(mine).isSorted();
            return mine;
        });
        assertThat(seqs)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, THREADS * perThread).boxed().toList());
        assertThat(db.sandboxes().reserveExecutionSeqs(s2.id(), 1)).isEqualTo(2);
        // A sandbox update must not reset the counter.
        db.sandboxes().update(s1.withLabel("x", T0));
        assertThat(db.sandboxes().reserveExecutionSeqs(s1.id(), 1)).isEqualTo(THREADS * perThread + 1);
    }

    // ---- audit log and power operations

    @Test
    void auditEntriesRoundTripNewestFirstFilteredAndPaged() {
        Account a = insertAccount("alice");
        Sandbox s1 = insertSandbox(a, SandboxState.RUNNING, "local");
        Sandbox s2 = insertSandbox(a, SandboxState.RUNNING, "local");
        List<AuditEntry> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AuditEntry e = new AuditEntry(
                    String.format("aud_01hxa3b4c5d6e7f8g9h0j1k2m%d", i),
                    T0.plusMillis(i),
                    a.id(),
                    "key_x",
                    i == 4 ? s2.id() : s1.id(),
                    "guarded",
                    i % 2 == 0 ? AuditEntry.Decision.ALLOWED : AuditEntry.Decision.BLOCKED,
                    i % 2 == 0 ? null : "power.reboot",
                    "ab".repeat(32),
                    "echo ünï " + i);
            db.audit().append(e);
            written.add(e);
        }
        assertThat(db.audit().list(null, null, 10)).containsExactlyElementsOf(written.reversed());
        assertThat(db.audit().list(s1.id(), null, 2)).containsExactly(written.get(3), written.get(2));
        assertThat(db.audit().list(s1.id(), written.get(2).id(), 10)).containsExactly(written.get(1), written.get(0));
        assertThat(db.audit().list("sbx_none", null, 10)).isEmpty();
        assertConflict(() -> db.audit().append(written.getFirst()));
    }

    @Test
    void operationsRoundTripUpdateAndFailWhenUnfinished() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Operation pending = new Operation(
                "op_01hxa3b4c5d6e7f8g9h0j1k2m1",
                s.id(),
                a.id(),
                PowerAction.RESTART,
                OperationStatus.PENDING,
                null,
                T0,
                T0);
        Operation done = new Operation(
                "op_01hxa3b4c5d6e7f8g9h0j1k2m2",
                s.id(),
                a.id(),
                PowerAction.STOP,
                OperationStatus.SUCCEEDED,
                null,
                T0,
                T0);
        db.operations().insert(pending);
        db.operations().insert(done);
        assertThat(db.operations().findById(pending.id())).contains(pending);
        Operation running = pending.with(OperationStatus.RUNNING, null, T0.plusSeconds(1));
        db.operations().update(running);
        assertThat(db.operations().findById(pending.id())).contains(running);
        assertThat(db.operations().failUnfinished("restart", T0.plusSeconds(2))).isEqualTo(1);
        assertThat(db.operations().findById(pending.id()))
                .contains(running.with(OperationStatus.FAILED, "restart", T0.plusSeconds(2)));
        assertThat(db.operations().findById(done.id())).contains(done);
        assertThat(db.operations().findById("op_missing")).isEmpty();
    }

    // ---- executions

    @Test
    void executionRoundTripsAndUpdates() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Execution queued = execution(s, 1, ExecutionStatus.QUEUED, "local");
        db.executions().insert(queued);
        assertThat(db.executions().findById(queued.id())).contains(queued);
        assertThat(db.executions().findBySeq(s.id(), 1)).contains(queued);
        assertThat(db.executions().findBySeq(s.id(), 2)).isEmpty();
        assertThat(db.executions().findById("exe_missing")).isEmpty();

        Execution.Output partial = new Execution.Output("half\n", "warn ünï\n", false, true);
        db.executions().updateOutput(queued.id(), partial);
        assertThat(db.executions().findById(queued.id())).contains(queued.withOutput(partial));

        Execution done = queued.finished(
                ExecutionStatus.FAILED,
                137,
                9,
                true,
                new Execution.Output("all\n", "killed\n", true, false),
                T0.plusSeconds(3),
                1234,
                "oom");
        db.executions().update(done);
        assertThat(db.executions().findById(queued.id())).contains(done);
    }

    @Test
    void listBySandboxIsNewestFirstAndLimited() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Sandbox other = insertSandbox(a, SandboxState.RUNNING, "local");
        for (int i = 1; i <= 5; i++) {
            db.executions().insert(execution(s, i, ExecutionStatus.SUCCEEDED, "local"));
        }
        db.executions().insert(execution(other, 1, ExecutionStatus.SUCCEEDED, "local"));
        assertThat(db.executions().listBySandbox(s.id(), 3))
                .extracting(Execution::seq)
                .containsExactly(5L, 4L, 3L);
        assertThat(db.executions().listBySandbox(s.id(), 100)).hasSize(5);
        assertThat(db.executions().listBySandbox("sbx_none", 10)).isEmpty();
    }

    @Test
    void duplicateExecutionSeqInOneSandboxIsRejected() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        db.executions().insert(execution(s, 1, ExecutionStatus.QUEUED, "local"));
        assertConflict(() -> db.executions().insert(execution(s, 1, ExecutionStatus.QUEUED, "local")));
    }

    @Test
    void markLostFinishesRunningExecutionsOfTheNodeAndKeepsTheirOutput() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Execution running = execution(s, 1, ExecutionStatus.RUNNING, "local");
        Execution queued = execution(s, 2, ExecutionStatus.QUEUED, "local");
        Execution done = execution(s, 3, ExecutionStatus.SUCCEEDED, "local");
        Execution elsewhere = execution(s, 4, ExecutionStatus.RUNNING, "node-b");
        List.of(running, queued, done, elsewhere).forEach(db.executions()::insert);
        Execution.Output partial = new Execution.Output("partial out", "partial err", true, false);
        db.executions().updateOutput(running.id(), partial);

        Instant now = T0.plusSeconds(99);
        int lost = db.executions().markLost(EnumSet.of(ExecutionStatus.RUNNING, ExecutionStatus.QUEUED), "local", now);

        assertThat(lost).isEqualTo(2);
        Execution stored = db.executions().findById(running.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(ExecutionStatus.LOST);
        assertThat(stored.finishedAt()).isEqualTo(now);
        assertThat(new Execution.Output(
                        stored.stdout(), stored.stderr(), stored.stdoutTruncated(), stored.stderrTruncated()))
                .isEqualTo(partial);
        assertThat(db.executions().findById(queued.id()).orElseThrow().status()).isEqualTo(ExecutionStatus.LOST);
        assertThat(db.executions().findById(done.id())).contains(done);
        assertThat(db.executions().findById(elsewhere.id())).contains(elsewhere);
        assertThat(db.executions().markLost(EnumSet.of(ExecutionStatus.RUNNING), "local", now))
                .isZero();
    }

    @Test
    void largeOutputRoundTrips() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Execution e = execution(s, 1, ExecutionStatus.RUNNING, "local");
        db.executions().insert(e);
        String big = "x".repeat((int) Plan.MAX_OUTPUT_CAP_BYTES - 1) + "\n";
        Execution.Output out = new Execution.Output(big, big, true, true);
        db.executions().updateOutput(e.id(), out);
        Execution stored = db.executions().findById(e.id()).orElseThrow();
        assertThat(stored.stdout()).hasSize(big.length()).isEqualTo(big);
        assertThat(stored.stderr()).isEqualTo(big);
    }

    @Test
    void concurrentExecutionInsertsAllSucceed() throws Exception {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        int perThread = 25;
        List<String> inserted = concurrently(() -> {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                long seq = db.sandboxes().reserveExecutionSeqs(s.id(), 1);
                Execution e = execution(s, seq, ExecutionStatus.QUEUED, "local");
                db.executions().insert(e);
                db.executions().updateOutput(e.id(), new Execution.Output("out " + seq, "", false, false));
                mine.add(e.id());
                db.executions().findById(e.id()).orElseThrow();
            }
            return mine;
        });
        assertThat(inserted).hasSize(THREADS * perThread).doesNotHaveDuplicates();
        assertThat(db.executions().listBySandbox(s.id(), 10_000)).hasSize(THREADS * perThread);
    }

    // ---- the database itself

    @Test
    void dataSurvivesReopeningTheDatabase() {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "local");
        Execution e = execution(s, db.sandboxes().reserveExecutionSeqs(s.id(), 1), ExecutionStatus.SUCCEEDED, "local");
        db.executions().insert(e);
        long number = db.sandboxes().nextNumber();
        db.close();

        db = Database.open(url);
        assertThat(db.accounts().findById(a.id())).contains(a);
        assertThat(db.sandboxes().findById(s.id())).contains(s);
        assertThat(db.executions().findById(e.id())).contains(e);
        assertThat(db.sandboxes().nextNumber()).isEqualTo(number + 1);
        assertThat(db.sandboxes().reserveExecutionSeqs(s.id(), 1)).isEqualTo(2);
        assertThat(db.plans().list()).hasSize(4);
    }

    @Test
    void pingAnswersWhileOpenAndNotAfterClose() {
        assertThat(db.ping()).isTrue();
        db.close();
        assertThat(db.ping()).isFalse();
        db = null;
    }

    // ---- fixtures

    protected Account account(String name) {
        return new Account(ids.next(Ids.ACCOUNT), name, Plan.DEFAULT, false, T0);
    }

    protected Account insertAccount(String name) {
        Account a = account(name);
        db.accounts().insert(a);
        return a;
    }

    protected ApiKey key(Account a, String hash, Set<Scope> scopes) {
        return new ApiKey(ids.next(Ids.KEY), a.id(), "key " + hash, hash, "rc_" + hash, scopes, T0, null);
    }

    protected Sandbox insertSandbox(Account a, SandboxState state, String nodeId) {
        return insertSandbox(a, state, nodeId, null);
    }

    protected Sandbox insertSandbox(Account a, SandboxState state, String nodeId, Instant expiresAt) {
        Sandbox s = new Sandbox(
                ids.next(Ids.SANDBOX),
                db.sandboxes().nextNumber(),
                a.id(),
                "namespace",
                state,
                null,
                512,
                1,
                256,
                false,
                Map.of("K", "v"),
                Map.of(),
                expiresAt == null ? null : 60,
                expiresAt,
                null,
                nodeId,
                T0,
                state == SandboxState.RUNNING ? T0 : null,
                T0);
        db.sandboxes().insert(s);
        return s;
    }

    protected Execution execution(Sandbox s, long seq, ExecutionStatus status, String nodeId) {
        boolean started = status != ExecutionStatus.QUEUED;
        return new Execution(
                ids.next(Ids.EXECUTION),
                s.id(),
                s.accountId(),
                seq,
                "echo 'hi' && ls",
                List.of("/bin/sh", "-c", "echo 'hi' && ls"),
                status,
                status.terminal() ? 0 : null,
                null,
                false,
                "",
                "",
                false,
                false,
                T0,
                started ? T0.plusMillis(1) : null,
                status.terminal() ? T0.plusMillis(2) : null,
                0,
                null,
                nodeId);
    }

    private static void assertConflict(Runnable action) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(RuncellException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCode.CONFLICT));
    }

    /** Runs {@code task} on {@link #THREADS} virtual threads started together; returns all their results. */
    protected static <T> List<T> concurrently(java.util.concurrent.Callable<List<T>> task) throws Exception {
        ConcurrentLinkedQueue<T> all = new ConcurrentLinkedQueue<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<T>>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<List<T>> f : futures) {
                all.addAll(f.get());
            }
        }
        return new ArrayList<>(all);
    }

    @Test
    void nodesRegisterHeartbeatAndExpireOnTheDatabaseClock() throws Exception {
        var nodes = db.nodes();
        nodes.register("a", "http://127.0.0.1:1", 10, "inc-1", 60_000);
        nodes.register("b", "http://127.0.0.1:2", 20, "inc-2", 1);
        Thread.sleep(20); // let b's one-millisecond lease lapse on the database clock
        var byId = new java.util.HashMap<String, io.runcell.core.cluster.NodeRepository.NodeRow>();
        nodes.list().forEach(n -> byId.put(n.id(), n));
        assertThat(byId.get("a").leaseCurrent()).isTrue();
        assertThat(byId.get("a").capacity()).isEqualTo(10);
        assertThat(byId.get("a").state()).isEqualTo("active");
        assertThat(byId.get("b").leaseCurrent()).isFalse();

        // exactly one claim per lapse: a second sweep (another node) gets nothing
        assertThat(nodes.claimDead()).containsExactly("b");
        assertThat(nodes.claimDead()).isEmpty();
        // b's own heartbeat learns it was declared dead, until it reconciles
        assertThat(nodes.heartbeat("b", "inc-2", 60_000)).contains(true);
        nodes.clearDeclaredDead("b", "inc-2");
        assertThat(nodes.heartbeat("b", "inc-2", 60_000)).contains(false);
        // an old incarnation cannot keep a restarted node's row alive
        assertThat(nodes.heartbeat("a", "inc-0", 60_000)).isEmpty();
        // a node that left gracefully is never declared dead
        nodes.register("c", "http://127.0.0.1:3", 5, "inc-3", 1);
        nodes.setState("c", "inc-3", "left");
        Thread.sleep(20);
        assertThat(nodes.claimDead()).isEmpty();
    }

    @Test
    void nodesCountTheirLiveSandboxes() {
        db.nodes().register("local", "http://127.0.0.1:1", 10, "inc", 60_000);
        Account account = insertAccount("alice");
        insertSandbox(account, SandboxState.RUNNING, "local");
        insertSandbox(account, SandboxState.DESTROYED, "local");
        insertSandbox(account, SandboxState.STOPPED, "other");
        assertThat(db.nodes().list()).singleElement().satisfies(n -> assertThat(n.sandboxes())
                .isEqualTo(1));
    }

    @Test
    void clusterSettingsAreCreatedOnceAndSharedAfterwards() {
        assertThat(db.nodes().settingOrCreate("k", "first")).isEqualTo("first");
        assertThat(db.nodes().settingOrCreate("k", "second")).isEqualTo("first");
    }

    @Test
    void theConcurrencyQuotaCountsTheAccountsQueuedAndRunningExecutionsOnEveryNode() {
        Account a = insertAccount("alice");
        Account b = insertAccount("bob");
        Sandbox sa = insertSandbox(a, SandboxState.RUNNING, "n1");
        Sandbox sa2 = insertSandbox(a, SandboxState.RUNNING, "n2");
        Sandbox sb = insertSandbox(b, SandboxState.RUNNING, "n1");
        db.executions().insert(execution(sa, 1, ExecutionStatus.RUNNING, "n1"));
        db.executions().insert(execution(sa, 2, ExecutionStatus.QUEUED, "n1"));
        db.executions().insert(execution(sa, 3, ExecutionStatus.SUCCEEDED, "n1"));
        db.executions().insert(execution(sa2, 1, ExecutionStatus.RUNNING, "n2"));
        db.executions().insert(execution(sb, 1, ExecutionStatus.RUNNING, "n1"));

        Execution refused = execution(sa, 4, ExecutionStatus.RUNNING, "n1");
        assertThat(db.executions().insertIfActiveBelow(refused, 3)).isFalse();
        assertThat(db.executions().findById(refused.id())).isEmpty();
        Execution admitted = execution(sa, 5, ExecutionStatus.QUEUED, "n1");
        assertThat(db.executions().insertIfActiveBelow(admitted, 4)).isTrue();
        assertThat(db.executions().findById(admitted.id())).isPresent();
        assertThat(db.executions().insertIfActiveBelow(execution(sb, 2, ExecutionStatus.RUNNING, "n2"), 2))
                .isTrue();
    }

    @Test
    void simultaneousAdmissionsNeverTakeAnAccountPastItsQuota() throws Exception {
        Account a = insertAccount("alice");
        Sandbox s = insertSandbox(a, SandboxState.RUNNING, "n1");
        java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
        List<Boolean> outcomes = concurrently(() -> {
            List<Boolean> mine = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                mine.add(db.executions()
                        .insertIfActiveBelow(
                                execution(s, seq.incrementAndGet(), ExecutionStatus.RUNNING, "n" + (i % 3)), 5));
            }
            return mine;
        });
        assertThat(outcomes).hasSize(THREADS * 4);
        assertThat(outcomes.stream().filter(Boolean::booleanValue).count()).isEqualTo(5);
        assertThat(db.executions().listBySandbox(s.id(), 500)).hasSize(5);
    }
}
