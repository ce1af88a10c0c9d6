package io.runcell.server;

import io.helidon.webserver.WebServer;
import io.runcell.api.cluster.ClusterFilter;
import io.runcell.api.common.RequestIds;
import io.runcell.api.hostup.HostupApi;
import io.runcell.api.instavm.InstaVmApi;
import io.runcell.api.nativeapi.NativeApi;
import io.runcell.api.ops.Metrics;
import io.runcell.api.ops.OpsEndpoints;
import io.runcell.api.vast.VastApi;
import io.runcell.cluster.ratelimit.LocalRateLimiter;
import io.runcell.cluster.ratelimit.PostgresRateLimiter;
import io.runcell.core.Engine;
import io.runcell.core.account.AccountRepository;
import io.runcell.core.account.AccountService;
import io.runcell.core.account.ApiKeyRepository;
import io.runcell.core.account.Authenticator;
import io.runcell.core.account.CachingAccountRepository;
import io.runcell.core.account.CachingApiKeyRepository;
import io.runcell.core.audit.AuditLog;
import io.runcell.core.cluster.Locality;
import io.runcell.core.execution.ExecutionService;
import io.runcell.core.execution.ResultLinks;
import io.runcell.core.files.FileService;
import io.runcell.core.id.Ids;
import io.runcell.core.plan.CachingPlanRepository;
import io.runcell.core.plan.Plan;
import io.runcell.core.plan.PlanRepository;
import io.runcell.core.plan.PlanService;
import io.runcell.core.policy.AllowlistCommandPolicy;
import io.runcell.core.policy.BlockedCommands;
import io.runcell.core.policy.GuardedPolicy;
import io.runcell.core.policy.Policies;
import io.runcell.core.policy.PolicyProfile;
import io.runcell.core.power.PowerService;
import io.runcell.core.ratelimit.RateLimits;
import io.runcell.core.sandbox.CachingSandboxRepository;
import io.runcell.core.sandbox.Drivers;
import io.runcell.core.sandbox.LifetimeReaper;
import io.runcell.core.sandbox.SandboxRepository;
import io.runcell.core.sandbox.SandboxService;
import io.runcell.core.sandbox.SandboxSettings;
import io.runcell.core.vault.VaultService;
import io.runcell.server.secrets.MasterKeys;
import io.runcell.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Runcell node: store, backends, core services, background sweeps and the HTTP server. */
public final class RuncellServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuncellServer.class);
    /** How long a Vast result_url stays readable. */
    private static final java.time.Duration RESULT_LINK_TTL = java.time.Duration.ofHours(1);
    /**
     * How long a key, account or plan read is reused. Changes made on this node apply at once; in a cluster, a
     * revoke, block or plan change made on another node applies here within this time.
     */
    static final java.time.Duration READ_CACHE_TTL =
            java.time.Duration.ofMillis(Long.getLong("runcell.readCacheMillis", 2_000));

    private final ServerConfig config;
    private final Database database;
    private final Drivers drivers;
    private final CachingSandboxRepository sandboxRecords;
    private final Engine engine;
    private final ScheduledExecutorService sweeps;
    private final WebServer web;
    private final AccountService.Bootstrap bootstrap;
    /** Null on a single node (embedded SQLite). */
    private final ClusterNode cluster;

    private final ScheduledExecutorService heartbeat;

    private RuncellServer(ServerConfig config) throws IOException {
        this.config = config;
        InstantSource clock = InstantSource.system();
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        createPrivateDir(dataDir);
        String dbUrl = config.dbUrl() != null
                ? config.dbUrl()
                : dataDir.resolve("runcell.db").toString();
        this.database = Database.open(dbUrl);
        boolean started = false;
        try {
            this.cluster = database.isPostgres() ? new ClusterNode(database.nodes(), config, clock) : null;
            if (cluster != null && System.getenv("RUNCELL_MASTER_KEY") == null) {
                throw new IllegalArgumentException("cluster mode needs the same RUNCELL_MASTER_KEY on every node"
                        + " (base64 of 32 random bytes, e.g. from: head -c32 /dev/urandom | base64)");
            }
            Ids ids = new Ids(clock);
            // every request reads its key, account and plan: keep them briefly (writes here forget them at once)
            ApiKeyRepository keys = new CachingApiKeyRepository(database.apiKeys(), READ_CACHE_TTL);
            AccountRepository accounts = new CachingAccountRepository(database.accounts(), READ_CACHE_TTL);
            PlanRepository plans = new CachingPlanRepository(database.plans(), READ_CACHE_TTL);
            // an execution looks its sandbox up: this node's sandboxes are kept, written through
            this.sandboxRecords = new CachingSandboxRepository(database.sandboxes(), config.nodeId());
            this.drivers = Backends.create(config, dataDir);
            Metrics metrics = new Metrics();
            // in a cluster the buckets live in PostgreSQL, so a client spreading calls over nodes gets one quota
            PostgresRateLimiter sharedLimiter = cluster != null ? new PostgresRateLimiter(database.dataSource()) : null;
            RateLimits rates = new RateLimits(sharedLimiter != null ? sharedLimiter : new LocalRateLimiter(), plans);
            SandboxService sandboxService = new SandboxService(
                    sandboxRecords,
                    plans,
                    drivers,
                    ids,
                    clock,
                    new SandboxSettings(config.nodeId(), config.uidBase(), config.tmpSizeMb()),
                    rates,
                    cluster != null ? cluster.locality() : Locality.SINGLE_NODE);
            AuditLog audit = new AuditLog(database.audit(), ids, clock);
            BlockedCommands blocked = config.blockedCommands() != null
                    ? BlockedCommands.load(config.blockedCommands())
                    : BlockedCommands.defaults();
            Policies policies = new Policies()
                    .with(
                            PolicyProfile.ALLOWLIST,
                            new io.runcell.core.plan.PlanAllowlistPolicy(
                                    plans, new AllowlistCommandPolicy(config.commandAllowlist())))
                    .with(PolicyProfile.GUARDED, new GuardedPolicy(blocked, audit));
            MasterKeys masterKeys = MasterKeys.load(
                    dataDir,
                    System.getenv("RUNCELL_MASTER_KEY"),
                    c -> VaultService.opensStoredSecrets(database.vaults(), c));
            VaultService vaultService = new VaultService(database.vaults(), masterKeys, ids, clock);
            ExecutionService executionService = new ExecutionService(
                    database.executions(),
                    sandboxRecords,
                    sandboxService,
                    plans,
                    ids,
                    clock,
                    config.nodeId(),
                    metrics,
                    policies,
                    rates,
                    vaultService);
            AccountService accountService = new AccountService(accounts, keys, plans, ids, clock, Plan.DEFAULT);
            PowerService power = new PowerService(
                    database.operations(),
                    sandboxService,
                    ids,
                    clock,
                    Executors.newThreadPerTaskExecutor(
                            Thread.ofVirtual().name("runcell-power-", 0).factory()),
                    rates);
            this.engine = new Engine(
                    new Authenticator(keys, accounts),
                    accountService,
                    sandboxService,
                    executionService,
                    new FileService(sandboxService, config.maxDownloadBytes(), rates),
                    plans,
                    clock,
                    audit,
                    power,
                    new PlanService(plans),
                    vaultService);

            ResultLinks resultLinks = new ResultLinks(
                    executionService,
                    new HmacLinkSigner(
                            cluster != null
                                    ? cluster.resultLinkKey()
                                    : Secrets.loadOrCreate(
                                            dataDir.resolve("result-links.key"), HmacLinkSigner.MIN_SECRET_BYTES)),
                    clock,
                    RESULT_LINK_TTL);
            executionService.recoverAfterRestart();
            sandboxService.recoverAfterRestart();
            power.recoverAfterRestart();
            this.bootstrap = accountService.bootstrapAdmin(config.adminKey()).orElse(null);
            if (bootstrap != null) {
                writeAdminKey(dataDir.resolve("admin.key"), bootstrap.key().token());
            }

            LifetimeReaper reaper = new LifetimeReaper(sandboxRecords, sandboxService, clock, config.nodeId());
            this.sweeps = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("runcell-sweeps").daemon().factory());
            sweeps.scheduleWithFixedDelay(reaper::sweep, 1, 1, TimeUnit.SECONDS);
            sweeps.scheduleWithFixedDelay(executionService::flushLiveOutput, 500, 500, TimeUnit.MILLISECONDS);
            if (sharedLimiter != null) {
                sweeps.scheduleWithFixedDelay(sharedLimiter::purgeExpired, 2, 2, TimeUnit.MINUTES);
            }
            metrics.gauge("runcell_executions_running", "Executions running on this node", executionService::liveCount);

            VastApi vast = new VastApi(engine, resultLinks, config.publicUrl());
            OpsEndpoints ops = new OpsEndpoints(metrics, database::ping);
            this.web = WebServer.builder()
                    .host(config.bind())
                    .port(config.port())
                    .routing(r -> r.addFilter(new RequestIds(clock))
                            .addFilter(
                                    cluster != null ? cluster.filter() : new ClusterFilter(config.nodeId(), null, null))
                            .register(NativeApi.PREFIX, new NativeApi(engine))
                            .register(VastApi.V0, vast)
                            .register(VastApi.V1, vast.v1())
                            .register(HostupApi.PREFIX, new HostupApi(engine))
                            .register("/", new InstaVmApi(engine, Math.toIntExact(config.maxUploadBytes())))
                            .register("/", ops))
                    .build()
                    .start();
            this.heartbeat = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("runcell-heartbeat").daemon().factory());
            if (cluster != null) {
                String advertised = config.advertiseUrl() != null ? config.advertiseUrl() : baseUrl();
                cluster.join(advertised, heartbeat, sandboxService, sandboxRecords, executionService);
            }
            started = true;
            LOG.info(
                    "Runcell listening on http://{}:{} (node {}, data {}, store {}, backends {})",
                    config.bind(),
                    web.port(),
                    config.nodeId(),
                    dataDir,
                    database.isPostgres() ? "postgresql" : "sqlite",
                    drivers.names());
        } finally {
            if (!started) {
                database.close();
            }
        }
    }

    public static RuncellServer start(ServerConfig config) throws IOException {
        return new RuncellServer(config);
    }

    public int port() {
        return web.port();
    }

    public String baseUrl() {
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return "http://" + host + ":" + port();
    }

    /** The admin account and key made by this start, if it was the first. */
    public Optional<AccountService.Bootstrap> bootstrap() {
        return Optional.ofNullable(bootstrap);
    }

    public Engine engine() {
        return engine;
    }

    /**
     * The sandbox records as this node reads and writes them (its own sandboxes are kept in memory): a tool or test
     * that must change a record directly goes through here, never around it to the database.
     */
    public SandboxRepository sandboxRecords() {
        return sandboxRecords;
    }

    /** The sandbox backends of this node (for benchmarks and operators reaching a backend's own diagnostics). */
    public Drivers drivers() {
        return drivers;
    }

    /**
     * Stops the node. In a cluster it drains first: it stops taking new sandboxes (the others place them), lets
     * running executions finish for up to {@code drainSeconds}, records its sandboxes stopped and deregisters, so
     * nobody declares it dead.
     */
    @Override
    public void close() {
        LOG.info("Runcell stopping");
        try {
            if (cluster != null) {
                drain();
            }
            web.stop();
        } finally {
            sweeps.shutdownNow();
            heartbeat.shutdownNow();
            try {
                engine.executions().flushLiveOutput();
                recordSandboxesStopped();
                drivers.close();
                if (cluster != null) {
                    cluster.leave();
                }
            } finally {
                database.close();
            }
        }
    }

    /** A failure to record this is not a reason to leave the backends running: the next start recovers it. */
    private void recordSandboxesStopped() {
        try {
            engine.sandboxes().stopAllForShutdown();
        } catch (RuntimeException e) {
            LOG.warn("could not record this node's sandboxes as stopped: {}", e.toString());
        }
    }

    private void drain() {
        try {
            cluster.drain();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.drainSeconds());
            while (engine.executions().liveCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            int left = engine.executions().liveCount();
            if (left > 0) {
                LOG.warn("drain: {} executions still running after {} s are cut off", left, config.drainSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("drain failed: {}", e.toString());
        }
    }

    private static void createPrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static void writeAdminKey(Path file, String token) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n");
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
